"""kpixa benchmarks (bench/README.md): ``python -m bench --profile tiny|small|national``.

Each benchmark is a small function registered in :data:`bench.core.BENCHMARKS`; one whose part of
the platform does not exist yet is reported as "n.a.", never faked. See bench/README.md.
"""
