"""lsm: landslide susceptibility mapping, the library behind the Teng et al. (2026) replication.

Each module serves one concern and works without Snakemake; the workflow's rules only pass paths and
parameters to these functions, and ``python -m lsm <step>`` runs any step on its own.
"""

__version__ = "0.1.0"
