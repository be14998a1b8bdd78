"""The register of the paper's open choices (lsm.evaluate.open_choices) and its two renderings
(lsm.publish.choices): the values come from the configuration and the code, never from the register,
and a register that breaks its contract stops with the file and the choice named."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from lsm.data.io import read_yaml
from lsm.errors import InputError
from lsm.evaluate.open_choices import REQUIRED, load_open_choices, shown
from lsm.metrics import THRESHOLD
from lsm.publish.choices import BLOCK, END, START, latex_table, markdown_table, rendered_open_choices
from tests.helpers import REPO

REGISTER = REPO / "paper" / "open_choices.yaml"


@pytest.fixture(scope="module")
def config() -> dict:
    return read_yaml(REPO / "params.yaml")


def write_register(tmp_path: Path, change) -> Path:
    data = read_yaml(REGISTER)
    change(data["choices"])
    path = tmp_path / "open_choices.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_register_holds_every_required_choice_with_the_values_in_force(config: dict) -> None:
    choices = {c.id: c for c in load_open_choices(REGISTER, config)}
    assert set(REQUIRED) <= set(choices)
    assert choices["patch_size"].used == config["sampling"]["patch_size"]
    assert choices["negative_mix"].used == config["sampling"]["negative_mix"]
    assert choices["threshold"].used == THRESHOLD and choices["threshold"].home == "lsm.metrics.THRESHOLD"
    assert choices["lstm_inputs"].used.startswith("the daily series plus")  # code described, not a value
    for choice in choices.values():
        assert len(choice.range) >= 2 and choice.why and choice.paper


def test_the_value_used_follows_the_configuration(config: dict) -> None:
    changed = copy.deepcopy(config)
    changed["sampling"]["window_days"] = 60
    choices = {c.id: c for c in load_open_choices(REGISTER, changed)}
    assert choices["window_days"].used == 60


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda cs: cs[0].update(range=[1.0, 5.0]), "the value used (2.0) is not in its range"),
        (lambda cs: cs[0].update(param="sampling.negatives"), "no key sampling.negatives"),
        (lambda cs: cs[0].pop("why"), "missing why"),
        (lambda cs: cs[0].update(code="lsm.metrics:THRESHOLD"), "needs exactly one of param and code"),
        (lambda cs: cs[9].update(code="lsm.metrics:NO_SUCH"), "no lsm.metrics:NO_SUCH in the code"),
        (lambda cs: cs[4].update(range=[15]), "a range of fewer than two values"),
        (lambda cs: cs.pop(1), "lacks negative_mix"),
    ],
)
def test_a_broken_register_names_the_file_the_choice_and_the_problem(
    tmp_path: Path, config: dict, change, problem: str
) -> None:
    path = write_register(tmp_path, change)
    with pytest.raises(InputError, match=re.escape(problem)) as raised:
        load_open_choices(path, config)
    assert str(path) in str(raised.value)


def test_values_read_as_a_reader_reads_them() -> None:
    assert shown({"random": 0.34, "same_place": 0.33}) == "random 0.34, same_place 0.33"
    assert shown(2.0) == "2" and shown([7, 15]) == "7, 15" and shown("auto") == "auto"


def test_the_documentation_block_renders_the_register(tmp_path: Path, config: dict) -> None:
    choices = load_open_choices(REGISTER, config)
    table = markdown_table(choices)
    assert table.count("\n") == len(choices) + 1
    assert "**15** (`params.yaml: sampling.patch_size`)" in table
    page = tmp_path / "page.md"
    page.write_text(f"text\n{START}\nstale\n{END}\nmore\n")
    rendered = rendered_open_choices(page.read_text(), REGISTER, REPO / "params.yaml")
    assert "stale" not in rendered and table in rendered and rendered.endswith("more\n")
    methods = (REPO / "docs" / "methods.md").read_text()
    assert BLOCK.search(methods), "docs/methods.md lists the register"
    assert rendered_open_choices(methods, REGISTER, REPO / "params.yaml") == methods, "run `lsm readme`"


def test_the_manuscript_table_is_ascii_latex_with_one_row_per_choice(config: dict) -> None:
    choices = load_open_choices(REGISTER, config)
    tex = latex_table(choices)
    assert tex.isascii() and tex.count(r"\\") == len(choices) + 1
    assert r"random 0.34, same\_place 0.33, same\_time 0.33" in tex
    assert r"\OpenChoicesTable" in (REPO / "paper" / "manuscript.tex").read_text()
