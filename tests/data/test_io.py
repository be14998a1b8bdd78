"""Atomic writes: a failed writer leaves neither the target nor a temporary file behind."""

from __future__ import annotations

import json
import os
import stat

import pytest

from lsm.data.io import atomic_path, read_yaml, write_json, write_yaml
from lsm.errors import InputError


def test_atomic_path_moves_on_success(tmp_path) -> None:
    target = tmp_path / "sub" / "out.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("done")
        assert not target.exists()
    assert target.read_text() == "done"
    assert os.listdir(target.parent) == ["out.txt"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_atomic_path_leaves_nothing_on_failure(tmp_path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert os.listdir(tmp_path) == []


def test_a_rerun_removes_what_a_killed_writer_left(tmp_path) -> None:
    """SIGKILL skips the clean-up; the job's rerun writes the same target and removes the leftover."""
    leftover = tmp_path / ".fig.ipynb.abc123.part.ipynb"
    other = tmp_path / ".fig2.ipynb.abc123.part.ipynb"  # another target's: not ours to remove
    leftover.write_text("half")
    other.write_text("half")
    with atomic_path(tmp_path / "fig.ipynb") as tmp:
        tmp.write_text("whole")
    assert sorted(os.listdir(tmp_path)) == [".fig2.ipynb.abc123.part.ipynb", "fig.ipynb"]


def test_yaml_round_trip_and_errors(tmp_path) -> None:
    path = tmp_path / "p.yaml"
    write_yaml(path, {"b": 1, "a": [1, 2]})
    assert list(read_yaml(path)) == ["b", "a"]
    path.write_text("a: [1, 2\n")
    with pytest.raises(InputError, match=r"p.yaml: not valid YAML at line"):
        read_yaml(path)
    with pytest.raises(InputError, match="file not found"):
        read_yaml(tmp_path / "missing.yaml")


def test_json_is_indented_ends_with_a_newline_and_leaves_no_part_file(tmp_path) -> None:
    path = tmp_path / "out" / "summary.json"
    write_json(path, {"b": 1, "a": [1.5, None]})
    text = path.read_text()
    assert text == '{\n  "b": 1,\n  "a": [\n    1.5,\n    null\n  ]\n}\n'
    assert json.loads(text) == {"b": 1, "a": [1.5, None]}
    with pytest.raises(TypeError):
        write_json(path, {"not json": object()})
    assert path.read_text() == text  # a failed write keeps the old file whole
    assert os.listdir(path.parent) == ["summary.json"]
