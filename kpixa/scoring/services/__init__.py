"""State changes of the scoring app, one module per subject; each public function owns its
transaction and writes its audit entry (docs/architecture.md).

- ``scores``: computing a framework's period (``compute_scores``, one ``ScoreRun`` and one audit
  entry a run) and refreshing the stored scores an ingest batch changed (``refresh_after_batch``).
- ``storage``: writing the engine's results and their ranks, called only inside ``scores``' runs.
- ``baselines``: unit targets from an earlier period's rates (``generate_baselines``).
"""
