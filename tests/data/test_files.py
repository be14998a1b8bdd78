"""Files are written atomically and read with one-line errors (lsm.data.io.files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lsm.data.io.files import atomic_path, read_table, read_yaml, write_json, write_text
from lsm.errors import InputError


def test_a_failed_write_leaves_the_old_file_and_no_part(tmp_path: Path) -> None:
    target = tmp_path / "out" / "table.csv"
    write_text(target, "old\n")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.csv"]


def test_a_part_left_by_a_killed_writer_is_removed_by_the_next(tmp_path: Path) -> None:
    stale = tmp_path / ".summary.json.abc123.part.json"
    stale.write_text("{")
    write_json(tmp_path / "summary.json", {"a": 1})
    assert not stale.exists() and (tmp_path / "summary.json").read_text() == '{\n  "a": 1\n}\n'


def test_read_yaml_says_where_the_syntax_breaks(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text("name: x\ncrs: [EPSG:32640\n")
    with pytest.raises(InputError, match=r"study\.yaml: not valid YAML at line \d"):
        read_yaml(path)
    with pytest.raises(InputError, match="file not found"):
        read_yaml(tmp_path / "none.yaml")


def test_an_empty_table_reads_as_none(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("\n")
    (tmp_path / "rows.csv").write_text("a,b\n1,2\n")
    assert read_table(tmp_path / "empty.csv") is None and read_table(None) is None
    assert read_table(tmp_path / "rows.csv")["b"].tolist() == [2]
