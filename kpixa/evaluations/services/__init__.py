"""State changes of the evaluations app, one module per subject; each public function owns its
transaction (or runs inside its caller's) and writes its audit entry (docs/architecture.md).

- ``periods``: the evaluation period a service works on (``period_row``, ``scored_period``,
  ``open_period_row``) and ``EvaluationError``.
- ``evaluation``: evaluating a period (``evaluate_period``), the authority's entries for a leader
  (``enter_leader_assessment``), deciding a proposed consequence (``decide_consequence``).
- ``chain``: the steps ``evaluate_period`` runs inside its transaction (commune facts and classes,
  leader ratings, the quota, proposals) and the re-rating of a revision.
- ``policy``: the province's joint-departure policy and quota peer groups.
- ``lifecycle``: closing, publishing (snapshot revision 1) and finalizing a period.
- ``appeals``: filing, rejecting and upholding an appeal (a new snapshot revision).
- ``legal_revisions``: what an upheld appeal changes in the evaluation under the texts.

- ``inputs``: the entered and imported inputs of leader evaluation, with their evidence.
- ``legal``: the evaluation of communes and leaders under the texts (Decree 335, Regulation 366).
"""
