"""State changes of the dossiers app, one module per subject; each function owns its
transaction and writes its audit entry.

- ``importing``: importing a file or document as one batch (``run_batch``, ``import_file``).
- ``uploads``: web uploads and the task that runs them (Django's tasks framework).
- ``api_batches``: one API call as one batch (``submit_api``).
- ``resubmission``: re-submitting quarantined records (``resubmit_rejections``).
- ``appeal_corrections``: corrected records through an appeal (``correct_through_appeal``).
- ``procedure_catalogue``: loading the procedure catalogue (``import_procedures``).
- ``rollup_rebuild``: rebuilding the rollups (``rebuild_rollups``).
"""
