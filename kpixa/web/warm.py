"""Warm a server process once, before it forks its workers, and the gunicorn settings that do it.

Serve with ``gunicorn -c python:kpixa.web.warm kpixa.wsgi:application`` (bench/server.py does).
With ``preload_app`` the application is loaded in gunicorn's master process; ``when_ready`` then
builds there, once, what every worker would otherwise build lazily on its first requests: the URL
configuration (importing every view module) and its reverse tables, the compiled templates, both
languages' translation catalogues, the parsed frameworks of the active versions and each
province's dashboard board for its latest scored period. The workers fork from it and start warm,
sharing that memory copy-on-write (Django's local-memory cache is a dictionary of the process).
The boards stay keyed by the stored results' as-of time (docs/web.md, "Fast by construction"): a
new score run replaces them as it replaces any cached board. Rendered pages are not warmed. Then
the collector is told to leave all of it alone (``gc.freeze``, see ``when_ready``).
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

preload_app = True  # gunicorn setting: load the application in the master, then fork
# gunicorn setting: each worker's heartbeat file in memory, not on the disk (gunicorn's FAQ: on a
# disk-backed /tmp its per-request fchmod can block every worker while the disk is busy).
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108


def warm() -> dict[str, int]:
    """Build the per-process lazy state now; return how many of each thing were built."""
    from django.conf import settings
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018  # imports kpixa/urls.py and every view module
    languages = [code for code, _name in settings.LANGUAGES]
    resolvers = 0
    for code in languages:
        with translation.override(code):  # activating a language loads its catalogue
            resolvers = _reverse_tables(resolver)
    try:
        return {
            "languages": len(languages),
            "url_resolvers": resolvers,
            "templates": _templates(),
            "frameworks": _frameworks(),
            "boards": _boards(),
        }
    finally:
        connections.close_all()  # a forked worker must not share the master's connection


def _reverse_tables(resolver: Any, prefix: str = "", converters: tuple[Any, ...] = ()) -> int:
    """Build, for the active language, the reverse tables ``reverse`` reads: the resolver's own and,
    for every namespace under it, the one ``reverse`` builds for that namespace (Django builds each
    on its first ``reverse`` into it: a worker's first pages, and its header's menu links, would
    otherwise pay for them). Returns how many tables were built."""
    from django.urls.resolvers import get_ns_resolver

    # What django.urls.reverse does for a name in this namespace: the namespace's own resolver,
    # or one wrapping it under the namespaces' joined prefix.
    target = get_ns_resolver(prefix, resolver, converters) if prefix else resolver
    target.reverse_dict  # noqa: B018  # built on first access, per language
    count = 1
    for extra, inner in resolver.namespace_dict.values():
        joined = {**dict(converters), **inner.pattern.converters}
        count += _reverse_tables(inner, prefix + extra, tuple(joined.items()))
    return count


def _templates() -> int:
    """Compile every template of the project's own directories (the cached loader keeps them)."""
    from django.conf import settings
    from django.template import TemplateSyntaxError, engines
    from django.template.loader import get_template

    count = 0
    for directory in engines["django"].template_dirs:
        root = Path(directory)
        if not root.is_relative_to(Path(settings.BASE_DIR) / "kpixa"):
            continue
        for path in sorted(root.rglob("*.html")):
            try:
                get_template(path.relative_to(root).as_posix())
            except TemplateSyntaxError:  # a broken template fails on its own page, as without warming
                continue
            count += 1
    return count


def _frameworks() -> int:
    """Parse the active framework versions (their texts are read once, here)."""
    from django.db import DatabaseError

    from kpixa.frameworks.models import FrameworkStatus, FrameworkVersion
    from kpixa.scoring.engine.loader import FrameworkError
    from kpixa.scoring.versions import framework_of

    count = 0
    try:
        for version in FrameworkVersion.objects.filter(status=FrameworkStatus.ACTIVE):
            try:
                framework_of(version)
            except FrameworkError:  # fails on its own pages, as without warming
                continue
            count += 1
    except DatabaseError:  # not migrated yet: the workers parse on first use, as without warming
        pass
    return count


def _boards() -> int:
    """Compute each province's dashboard board for its latest scored period of the default framework.

    The board (rows, lagging, changes, distribution, trend) is the dashboard's costly part: keyed by
    the stored results' as-of time like any other entry, so a new score run replaces it as usual;
    computed here, it is in every worker's cache from its start. Rendered pages are not warmed.
    """
    from django.db import DatabaseError

    from kpixa.scoring.versions import ScoringError
    from kpixa.units.models import Province
    from kpixa.web.pages import dashboard as page
    from kpixa.web.pages.common import DEFAULT_FRAMEWORK
    from kpixa.web.pages.runs import scored_runs

    count = 0
    try:
        for province in Province.objects.filter(retired_at__isnull=True):
            runs = scored_runs(DEFAULT_FRAMEWORK, province.pk)
            if not runs.periods:
                continue
            try:
                dashboard = page.province_dashboard(
                    province, DEFAULT_FRAMEWORK, runs.periods[0], page.Filters(), runs
                )
                dashboard.load()  # computes and caches the board
            except ScoringError:  # no version in force: the page says so, as without warming
                continue
            count += 1
    except DatabaseError:
        pass
    return count


def when_ready(server: Any) -> None:
    """gunicorn hook, in the master once the application is loaded and before any worker forks.

    After warming, ``gc.freeze()`` moves every object the master holds (about 140,000: modules,
    templates, frameworks, boards) out of the garbage collector's sight, as Python's documentation
    advises before forking: a worker's full collection then walks only its own objects (about
    100 ms for all of them here, and the workers, having served the same requests, reached it
    together) and does not write into the pages it shares with the master.
    """
    built = warm()
    gc.freeze()
    logging.getLogger("kpixa.web").info("warmed before forking: %s", built)
