"""Reading and writing study files.

- :mod:`lsm.data.io.files`: atomic writers (GeoTIFF, GeoPackage, YAML, JSON, text) and a checked YAML reader
- :mod:`lsm.data.io.study`: readers of a study folder in the data contract, each with its checks
"""

from lsm.data.io.files import (
    atomic_path,
    read_table,
    read_yaml,
    write_json,
    write_raster,
    write_text,
    write_vector,
    write_yaml,
)

__all__ = [
    "atomic_path",
    "read_table",
    "read_yaml",
    "write_json",
    "write_raster",
    "write_text",
    "write_vector",
    "write_yaml",
]
