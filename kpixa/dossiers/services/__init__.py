"""State changes of the dossiers app, one module per subject; each function owns its
transaction and writes its audit entry.

- ``importing``: importing a file or document as one batch (``run_batch``, ``import_file``).
- ``uploads``: web uploads and the task that runs them (Django's tasks framework).
- ``api_batches``: one API call as one batch (``submit_api``).
- ``resubmission``: re-submitting quarantined records (``resubmit_rejections``).
- ``appeal_corrections``: corrected records through an appeal (``correct_through_appeal``).
- ``procedure_catalogue``: loading the procedure catalogue (``import_procedures``).
- ``rollup_rebuild``: rebuilding the rollups (``rebuild_rollups``).

Steps the batches above run inside their transaction (no audit entry of their own; the batch's
entry covers them):

- ``ingest``: a batch's rows, record by record; ``fastpath``: the same for large CSV files,
  vectorised; ``copyload``: PostgreSQL ``COPY`` upserts.
- ``rollups``: the rollup deltas; ``declared``: declared counts and their flags; ``history``: the
  versions of replaced records.
- ``authority``: which source system may write what; ``jobs``: upload jobs' leases and status.
"""
