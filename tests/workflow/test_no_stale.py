"""No stale result: every module, key and raw file a job depends on is among its inputs or params,
so the next `snakemake` or `dvc repro` rebuilds every output that depends on a change, and only those.

The structure is tested here without running anything (scripts and notebooks never read the
configuration behind their rule's back; each rule's code inputs are the import closure of what it
runs); the mechanism is tested by dry runs on a finished tiny run (tests marked integration)."""

from __future__ import annotations

import ast
import functools
import modulefinder
from pathlib import Path

import pytest
import yaml

from lsm.codegraph import import_closure
from lsm.workflow_dag import rules
from tests.helpers import RECORD_THE_CONFIGURATION, REPO, snakemake_workflow

SCRIPTS = sorted((REPO / "workflow" / "scripts").glob("*.py"))
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.py"))
SRC = REPO / "src"
RULE_FILES = sorted((REPO / "workflow" / "rules").glob("*.smk"))


def config_reads(path: Path) -> list[str]:
    """Where a script or notebook reads the configuration itself: ``snakemake.config`` (or
    ``smk.config``), or the file params.yaml."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        reads = isinstance(node, ast.Attribute) and node.attr == "config" and isinstance(node.value, ast.Name)
        if reads and node.value.id in ("snakemake", "smk"):
            found.append(f"{path.name}:{node.lineno}: {node.value.id}.config")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "params.yaml" in node.value:
            found.append(f"{path.name}:{node.lineno}: '{node.value}'")
    return found


@pytest.mark.parametrize("path", SCRIPTS + NOTEBOOKS, ids=lambda p: p.name)
def test_scripts_and_notebooks_see_only_the_params_their_rule_declares(path: Path) -> None:
    assert config_reads(path) == []


def test_the_config_check_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('x = snakemake.config["models"]\ny = open("params.yaml")\n')
    assert config_reads(bad) == ["bad.py:1: snakemake.config", "bad.py:2: 'params.yaml'"]


def missing_names(path: Path) -> list[str]:
    """The names ``path`` imports from ``lsm`` at module level that do not exist (a renamed or moved
    function breaks a rule's job only when the job runs; this finds it without a run)."""
    import importlib

    missing = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lsm":
            module = importlib.import_module(node.module)
            missing += [f"{node.module}.{a.name}" for a in node.names if not hasattr(module, a.name)]
    return missing


@pytest.mark.parametrize("path", SCRIPTS + NOTEBOOKS, ids=lambda p: p.name)
def test_every_name_a_script_or_notebook_imports_exists(path: Path) -> None:
    assert missing_names(path) == []


def test_a_name_that_is_gone_is_found(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text("from lsm.names import LABELS, NO_SUCH_NAME\nfrom lsm import names\n")
    assert missing_names(script) == ["lsm.names.NO_SUCH_NAME"]


def modulefinder_closure(path: Path) -> set[str]:
    """The same closure by another method: the standard library's bytecode scan."""
    finder = modulefinder.ModuleFinder(path=[str(SRC)])
    finder.run_script(str(path))
    return {
        str(Path(m.__file__).resolve().relative_to(SRC.resolve()))
        for name, m in finder.modules.items()
        if name.split(".")[0] == "lsm" and m.__file__
    }


@pytest.mark.parametrize("path", SCRIPTS + NOTEBOOKS, ids=lambda p: p.name)
def test_code_inputs_are_the_import_closure(path: Path) -> None:
    mine = {str(p.relative_to(SRC.resolve())) for p in import_closure([path], SRC)}
    assert mine == modulefinder_closure(path)
    if path.parent.name == "scripts":
        assert "lsm/logs.py" in mine or path.name in ("run_notebook.py",)


@functools.cache
def parsed_rules() -> dict[str, dict]:
    """Every rule as Snakemake parses it (the artefact rules are generated in a loop over the
    manifest, so the text of workflow/rules/ does not show them): its script, notebook and code."""
    with snakemake_workflow(REPO) as workflow:
        return {
            rule.name: {
                "script": rule.script and str(Path(rule.script).name),
                "notebook": rule.input.get("notebook"),
                "code": [str(path) for path in rule.input.get("code") or []],
            }
            for rule in rules(workflow)
        }


def test_every_rule_that_runs_code_takes_its_closure_as_input() -> None:
    rules = parsed_rules()
    assert {"tune", "evaluate", "fig00_paper_reported", "tab02_claims"} <= set(rules)
    for name, rule in rules.items():
        if not rule["script"]:
            continue
        if name == "stability_world":  # a whole run of the workflow: all of src/lsm is its code
            assert set(rule["code"]) == {str(p.relative_to(REPO)) for p in (SRC / "lsm").rglob("*.py")}
            continue
        closure = {
            str(p.relative_to(REPO))
            for p in import_closure(
                [
                    REPO / "workflow" / "scripts" / rule["script"],
                    *([REPO / rule["notebook"]] if rule["notebook"] else []),
                ],
                SRC,
            )
        }
        assert closure <= set(rule["code"]), (
            f"rule {name}: code inputs miss {sorted(closure - set(rule['code']))}"
        )


def test_dvc_stages_depend_on_every_key_they_can_read() -> None:
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    assert stages["replicate"]["params"] == [{"params.yaml": None}]  # the whole file
    assert stages["synthesize"]["params"] == ["synthetic"]
    assert "src/lsm" in stages["replicate"]["deps"] and "src/lsm" in stages["synthesize"]["deps"]


# -- dry runs on a finished tiny run ----------------------------------------------------------------
def dry_run(
    repo: Path, configfiles: tuple[Path, ...] = ()
) -> tuple[set[str], dict[str, set[str]], dict, set[str]]:
    """In-process dry run of ``repo`` with ``configfiles`` (see :func:`dry_run_of`)."""
    with snakemake_workflow(repo, configfiles) as workflow:
        return dry_run_of(workflow)


def dry_run_of(workflow) -> tuple[set[str], dict[str, set[str]], dict, set[str]]:
    """The jobs that would run, the jobs downstream of each, each job's params and files, and the
    jobs that only make again the temp() files a rerunning job consumes (lsm.workflow_dag.Plan).
    The DAG is built from the files afresh, so one parsed workflow serves several looks while only
    files change."""
    from lsm.workflow_dag import dry_run as plan_of

    plan = plan_of(workflow)
    return plan.needrun, plan.downstream, plan.params, plan.regenerated


def closure_of(jobs: set[str], downstream: dict[str, set[str]]) -> set[str]:
    """The jobs and every job downstream of them."""
    seen, queue = set(jobs), list(jobs)
    while queue:
        for nxt in downstream.get(queue.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


@pytest.fixture(scope="module")
def finished(tiny_run: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A copy of the finished tiny run that these tests may edit, and its jobs and params."""
    from tests.helpers import finished_copy

    repo = finished_copy(tiny_run, tmp_path_factory.mktemp("stale") / "repo")
    needrun, downstream, params, _ = dry_run(repo)
    assert needrun == set(), "the tiny run is not complete"
    return repo, {"downstream": downstream, "params": params}


def importing_rules() -> dict[str, set[str]]:
    """For each rule that runs code, the modules of src/lsm its script or notebook imports (found
    by the standard library's modulefinder, independently of lsm.codegraph)."""
    out = {}
    for name, rule in parsed_rules().items():
        if name == "stability_world":
            continue  # a whole run of the workflow: every module
        files = [REPO / "workflow" / "scripts" / rule["script"]] if rule["script"] else []
        files += [REPO / rule["notebook"]] if rule["notebook"] else []
        out[name] = set().union(*(modulefinder_closure(f) for f in files)) if files else set()
    return out


@pytest.mark.integration
def test_editing_a_module_reruns_exactly_the_jobs_that_run_it(finished) -> None:
    import os

    repo, known = finished
    rules = importing_rules()
    # One parsed workflow for every edit: an edit changes a file, not the Snakefile, and each look
    # builds the DAG from the files afresh (compared with a fresh parse once, on lsm/names.py).
    with snakemake_workflow(repo) as workflow:
        for module in sorted((repo / "src" / "lsm").rglob("*.py")):
            relative = str(module.relative_to(repo / "src"))
            users = {job for job in known["downstream"] if relative in rules.get(job.split(":")[0], set())}
            text, stat = module.read_text(), module.stat()
            module.write_text(text + "\n# edited by tests/workflow/test_no_stale.py\n")
            try:
                needrun, _, _, regenerated = dry_run_of(workflow)
                if relative == "lsm/names.py":  # the reused parse sees what a fresh one does
                    assert needrun == dry_run(repo)[0]
            finally:
                module.write_text(text)
                os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            assert users <= needrun, f"{relative}: not rerun: {sorted(users - needrun)[:5]}"
            extra = needrun - closure_of(users, known["downstream"]) - regenerated
            assert not extra, (
                f"{relative}: rerun without importing it or depending on a job that does: {extra}"
            )
        assert dry_run_of(workflow)[0] == set(), "a restored module still reruns jobs"


def leaves(data: dict, prefix: tuple[str, ...] = ()):
    """Every leaf key of a nested mapping (a list is a leaf), with its value."""
    for key, value in data.items():
        if isinstance(value, dict) and value:
            yield from leaves(value, (*prefix, key))
        else:
            yield (*prefix, key), value


def schema_of(schema: dict, key: tuple[str, ...]) -> dict:
    """The schema node of a dotted key (following $ref and additionalProperties)."""
    node = schema
    for part in key:
        while "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        node = node.get("properties", {}).get(part) or node.get("additionalProperties") or {}
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


SPECIAL = {  # keys whose valid other values the schema cannot suggest
    ("grid", "crs"): "EPSG:32639",
    ("factors", "names"): ["elevation", "slope", "aspect", "twi", "spi", "dist_river"],
    ("sampling", "buffer_m"): 300.0,
    ("sampling", "patch_size"): 13,  # odd
    ("models", "names"): ["cnn_lstm", "cnn", "svm", "rf"],
    ("models", "schemes"): ["random", "spatial"],
    ("models", "seeds"): [1, 2, 3],
    ("models", "svm", "gamma"): 0.1,
    ("models", "device"): "cpu",
    ("synthetic", "crs"): "EPSG:32639",
    ("stability", "preset"): "tiny",
    ("synthetic", "preset"): "small",
    ("splits", "temporal_from"): "2018-06-01",  # inside the tiny study's record
    ("mapping", "dates"): ["2018-03-01"],
    ("evaluation", "ablation_schemes"): ["random", "spatial"],
    ("realism", "references"): ["../elsewhere"],
    ("calibration", "prevalence"): 0.01,  # null: the samples' share
}


def changed_value(key: tuple[str, ...], value, node: dict):
    """A valid value of ``key`` other than ``value``, from its schema."""
    if key in SPECIAL:
        return SPECIAL[key]
    kinds = node.get("type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "enum" in node:
        return next(v for v in node["enum"] if v != value)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int) and "integer" in kinds:
        top = node.get("maximum", value + 2)
        return value + 1 if value + 1 <= top else value - 1
    if isinstance(value, float | int):
        new = value * 0.9 if value else 0.1
        return round(new, 6)
    if isinstance(value, list) and value and all(isinstance(v, int | float) for v in value):
        return [*value[:-1], value[-1] * 2 if value[-1] else 1]
    if isinstance(value, list):  # choices of a search space
        return value[:-1] if len(value) > 1 else value * 2
    if isinstance(value, str) and node.get("pattern", "").startswith("^[0-9]{4}"):
        return "2014-01-02" if value != "2014-01-02" else "2014-01-03"
    raise ValueError(f"no changed value for {'.'.join(key)}={value!r}")


# Keys that no job of the tiny study's default target reads, and why.
READ_BY_NO_JOB = {
    "stability": "only the separate stability target reads it",
    "synthetic.presets": "only the chosen preset is read (the others are left out of the rule's params)",
    "realism.references": "the test copy has no reference study beside it, so none is read",
}


def read_by_no_job(key: tuple[str, ...], chosen_preset: str) -> bool:
    dotted = ".".join(key)
    if dotted.startswith("synthetic.presets.") and key[2] == chosen_preset:
        return False
    return any(dotted == k or dotted.startswith(k + ".") for k in READ_BY_NO_JOB)


@pytest.mark.integration
def test_every_key_reruns_the_jobs_that_declare_it_and_no_other(finished, tmp_path: Path) -> None:
    """For every leaf key of params.yaml, a valid other value: every job whose declared params change
    reruns (with what depends on it), no other job does, and every key some job reads changes some
    job's params or the jobs themselves."""
    from lsm.config import validate_config

    repo, known = finished
    config = yaml.safe_load((repo / "params.yaml").read_text())
    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "params.schema.yaml").read_text())
    for key, value in leaves(config):
        if key == ("study",) or key == ("synthetic", "name"):
            continue  # another study: every job is new (it has no results yet), nothing to compare
        new = changed_value(key, value, schema_of(schema, key))
        override: dict = {}
        node = override
        for part in key[:-1]:
            node = node.setdefault(part, {})
        node[key[-1]] = new
        merged = yaml.safe_load(yaml.safe_dump(config))
        target = merged
        for part in key[:-1]:
            target = target[part]
        target[key[-1]] = new
        validate_config(merged, source=f"changed {'.'.join(key)}")
        path = tmp_path / "override.yaml"
        path.write_text(yaml.safe_dump(override))
        needrun, downstream, params, regenerated = dry_run(repo, (path,))
        old = known["params"]
        changed = {job for job, (p, _) in params.items() if job in old and old[job][0] != p}
        inputs = {job for job, (_, i) in params.items() if job in old and old[job][1] != i}
        new_jobs = set(params) - set(old)
        dotted = ".".join(key)
        assert changed <= needrun, f"{dotted}: params changed but not rerun: {sorted(changed - needrun)[:3]}"
        explained = closure_of(changed | inputs | new_jobs, downstream) | regenerated
        assert needrun <= explained, f"{dotted}: rerun without a reason: {sorted(needrun - explained)[:3]}"
        rules = {job.split(":")[0] for job in needrun}
        if read_by_no_job(key, config["synthetic"]["preset"]):
            # only the folders' provenance, which records the digest of the whole configuration
            assert rules <= RECORD_THE_CONFIGURATION, f"{dotted}: read by no job, yet {sorted(rules)} rerun"
        else:
            assert rules - RECORD_THE_CONFIGURATION, f"{dotted}: no job but the provenance declares it"
