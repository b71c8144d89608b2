"""The pages' reads and view data, one module per page (see docs/web.md, "Module layout").

Each page module reads stored results in a fixed number of queries and returns plain objects for
its template; HTML is built in kpixa/web/rendering.py, never here. Shared helpers: ``common``
(text folding, period sorting, cache keys, numbers), ``runs`` (the score runs a page reads
first) and ``snapshots`` (the published snapshots the public pages read).
"""
