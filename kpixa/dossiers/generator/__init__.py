"""Synthetic one-stop-shop data: dossiers, petitions and ratings (docs/generator.md).

``generate(GeneratorConfig(...))`` yields one Batch of string columns per day;
``write_run`` streams a run to files. The core needs no database: communes are plain
(code, kind) pairs; ``units.communes_from_db`` and ``units.communes_from_reference`` supply them.
"""

from .output import RunSummary, output_paths, write_run
from .run import Batch, GeneratorConfig, generate
from .writers import FORMATS, Writer, records

__all__ = [
    "FORMATS",
    "Batch",
    "GeneratorConfig",
    "RunSummary",
    "Writer",
    "generate",
    "output_paths",
    "records",
    "write_run",
]
