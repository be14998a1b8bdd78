"""Command line: ``python -m lsm <step> ...`` runs one step of the workflow on its own.

User errors (:class:`lsm.errors.InputError`) print one line and exit with status 2; the traceback
goes to the log file given with ``--log`` (never to the terminal).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from lsm.errors import InputError

log = logging.getLogger("lsm")
Runner = Callable[[argparse.Namespace], None]
STEPS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], Runner]]] = {}


def step(name: str, help_text: str) -> Callable:
    """Register a sub-command: the decorated function adds its arguments and returns the runner."""

    def register(add_arguments: Callable[[argparse.ArgumentParser], Runner]) -> Callable:
        STEPS[name] = (help_text, add_arguments)
        return add_arguments

    return register


@step("notebook", "run a jupytext notebook through papermill with a YAML parameter file")
def _notebook(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("notebook", type=Path, help="notebooks/<name>.py (jupytext percent format)")
    parser.add_argument("parameters", type=Path, help="YAML file with the notebook's parameters")
    parser.add_argument("output", type=Path, help="where the executed .ipynb goes")

    def run(args: argparse.Namespace) -> None:
        from lsm.publish.notebooks import run_notebook

        run_notebook(args.notebook, args.parameters, args.output)

    return run


@step("synthesize", "generate the synthetic Kerman-like study in the data contract (plus truth/)")
def _synthesize(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument(
        "--params",
        type=Path,
        action="append",
        help="params.yaml, then override files (repeatable; default: params.yaml)",
    )
    parser.add_argument("--preset", help="override synthetic.preset (default, tiny, large, ...)")
    parser.add_argument("--out", type=Path, help="study folder (default: data/raw/<synthetic.name>)")

    def run(args: argparse.Namespace) -> None:
        from lsm.config import load_config, validate_config
        from lsm.synthetic.settings import SyntheticSettings
        from lsm.synthetic.write import generate_study

        files = args.params or [Path("params.yaml")]
        config = load_config(files[0], files[1:])
        if args.preset:
            config["synthetic"]["preset"] = args.preset
            validate_config(config, source=f"--preset {args.preset}")
        settings = SyntheticSettings.from_config(config["synthetic"])
        out = args.out or Path("data/raw") / settings.name
        summary = generate_study(settings, out)
        print(f"wrote {out}: {summary['inventory_events']} mapped landslides ({summary['true_events']} true)")

    return run


@step("prepare", "read and check a study, compute the factors, draw samples, make the splits")
def _prepare(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("--params", type=Path, action="append", help="params.yaml, then override files")
    parser.add_argument("--study-dir", type=Path, help="study folder (default: data/raw/<study>)")
    parser.add_argument("--results", type=Path, help="output folder (default: results/<study>)")

    def run(args: argparse.Namespace) -> None:
        from lsm.config import load_config
        from lsm.data.prepare import prepare_all

        files = args.params or [Path("params.yaml")]
        config = load_config(files[0], files[1:])
        study_dir = args.study_dir or Path("data/raw") / config["study"]
        results = args.results or Path("results") / config["study"]
        prepare_all(config, study_dir, results)
        print(f"prepared {study_dir} into {results}/factors and {results}/samples")

    return run


@step("check-study", "list every problem of a study at once, what would be left out and what it supports")
def _check_study(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("study_dir", type=Path, help="the study folder, e.g. data/raw/<name>")
    parser.add_argument(
        "--params",
        type=Path,
        action="append",
        help="the settings the study is checked with (grid, sampling, factors): params.yaml (the "
        "default), then override files, each given with its own --params",
    )

    def run(args: argparse.Namespace) -> None:
        from lsm.check import check_study
        from lsm.config import load_config

        files = args.params or [Path("params.yaml")]
        config = load_config(files[0], files[1:])
        config["study"] = args.study_dir.name
        report = check_study(args.study_dir, config)
        print("\n".join(report.lines()))
        if not report.ok:
            raise InputError(
                args.study_dir,
                f"{len(report.problems)} problem(s), listed above",
                "correct each as its line says, then check again",
            )

    return run


@step("map", "map one trained model (its seeds averaged) over the whole study at a reference date")
def _map(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("--model", required=True, help="cnn_lstm, cnn, lstm, svm, dt, rf or mlp")
    parser.add_argument(
        "--date", default=None, help="YYYY-MM-DD or 'wettest' (default: mapping.dates or wettest)"
    )
    parser.add_argument("--params", type=Path, action="append", help="params.yaml, then override files")
    parser.add_argument("--study-dir", type=Path, help="study folder (default: data/raw/<study>)")
    parser.add_argument("--results", type=Path, help="results folder with runs/ (default: results/<study>)")
    parser.add_argument("--out-dir", type=Path, help="where the maps go (default: <results>/maps/<date>)")

    def run(args: argparse.Namespace) -> None:
        from lsm.config import load_config

        files = args.params or [Path("params.yaml")]
        config = load_config(files[0], files[1:])
        study_dir = args.study_dir or Path("data/raw") / config["study"]
        results = args.results or Path("results") / config["study"]
        mapping = {
            **config["mapping"],
            "tiles": 1,
            "window_days": config["sampling"]["window_days"],
            "device": config["models"]["device"],
            "prevalence": config["calibration"]["prevalence"],
        }
        label = args.date or (config["mapping"]["dates"] or ["wettest"])[0]
        runs = _trained_runs(results / "runs" / mapping["scheme"] / args.model, config["models"]["seeds"])
        out = _map_outputs(args.out_dir or results / "maps" / label, args.model)
        _map_in_one_tile(results, study_dir, runs, args.model, label, mapping, out)
        print(f"wrote {out['probability']} and {out['classes']} (style {out['style']})")

    return run


def _trained_runs(model_dir: Path, seeds: Sequence[int]) -> list[Path]:
    """The run folders of one model's seeds; a user error when one was not trained."""
    runs = [model_dir / f"seed{seed}" for seed in seeds]
    for run_dir in runs:
        if not (run_dir / "normaliser.npz").is_file():
            raise InputError(run_dir, "no trained run here", "train it first: snakemake --cores all")
    return runs


def _map_outputs(out_dir: Path, model: str) -> dict[str, str]:
    """The files one map writes, by role (the names the workflow's map jobs use)."""
    from lsm.plan import MAP_FILES

    return {role: str(out_dir / f"{model}_{suffix}") for role, suffix in MAP_FILES.items()}


def _map_in_one_tile(
    results: Path,
    study_dir: Path,
    runs: list[Path],
    model: str,
    label: str,
    mapping: dict,
    out: dict[str, str],
) -> None:
    """The workflow's two map jobs in a row: one tile over the whole grid (in a scratch folder),
    then the mosaic, classes and summaries."""
    import tempfile

    from lsm.maps.jobs import gather_job, tile_job

    samples = results / "samples"
    factors = str(results / "factors" / "factors.tif")
    with tempfile.TemporaryDirectory(dir=results) as tmp:
        tile = str(Path(tmp) / "tile.tif")
        runs_text = [str(r) for r in runs]
        calibrators = results / "metrics" / "calibration" / mapping["scheme"] / "calibrators.csv"
        if not calibrators.is_file():
            raise InputError(
                calibrators, "no calibrators of the trained runs", "run snakemake --cores all first"
            )
        tile_job(
            factors,
            model,
            runs_text,
            str(samples / "summary.json"),
            str(study_dir),
            label,
            mapping,
            tile,
            0,
            2,
            calibrators_csv=str(calibrators),
            prevalence=mapping.get("prevalence"),
        )
        gather_job(
            [tile],
            factors,
            str(samples / "samples.gpkg"),
            str(samples / "splits.csv"),
            str(study_dir),
            str(samples / "summary.json"),
            model,
            label,
            mapping,
            out,
        )


@step("manifest", "list the figures and tables of workflow/manifest.yaml with their rule, notebook, outputs")
def _manifest(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("--manifest", type=Path, default=Path("workflow/manifest.yaml"))
    parser.add_argument("--results", default="results/<study>", help="results folder shown in the outputs")

    def run(args: argparse.Namespace) -> None:
        from lsm.publish.artefacts import load_manifest

        for a in load_manifest(args.manifest):
            outputs = ", ".join(a.outputs(args.results).values())
            print(f"{a.id}\t{a.category}\trule {a.rule}\t{a.notebook}\t{a.caption}\t{outputs}")

    return run


@step(
    "check-report",
    "open the Snakemake report in headless Chromium: every image loads, every notebook link works",
)
def _check_report(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("report", type=Path, help="results/<study>/report.html")

    def run(args: argparse.Namespace) -> None:
        from lsm.publish.browser import check_report

        seen = check_report(args.report)
        broken, unlinked = seen.broken_images, seen.unlinked
        print(f"{len(seen.images)} images, {len(broken)} broken, {len(unlinked)} without a notebook link")
        for path in seen.broken_images:
            print(f"broken image: {path}")
        for path in seen.unlinked:
            print(f"no working notebook link: {path} ({seen.notebooks[path]})")
        for error in seen.errors:
            print(f"page error: {error}")
        if broken or unlinked or seen.errors or not seen.app_rendered:
            raise InputError(args.report, "the report does not display as it should", "see the lines above")

    return run


@step("check-site", "open every page of the built documentation site in headless Chromium")
def _check_site(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument(
        "site", type=Path, nargs="?", default=Path("site"), help="the built site (default: site)"
    )

    def run(args: argparse.Namespace) -> None:
        from lsm.publish.site import check_site

        check = check_site(args.site)
        for problem in check.problems:
            print(problem)
        if not check.ok:
            raise InputError(
                args.site, f"{len(check.problems)} problem(s) on its pages", "see the lines above"
            )
        print(f"{args.site}: {len(check.pages)} pages open in Chromium with their images and links")

    return run


@step("findings", "write paper/reference/<study>.yaml from a finished run (what `make reference` does)")
def _findings(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("results", type=Path, help="the finished run's folder, results/<study>")
    parser.add_argument("--references", type=Path, help="folder of the references (default: paper/reference)")

    def run(args: argparse.Namespace) -> None:
        from lsm.publish.findings import REFERENCE_DIR, write_reference

        print(f"wrote {write_reference(args.results, args.references or REFERENCE_DIR)}")

    return run


@step("answer", "print what the paper claims beside what a finished run finds, claim by claim")
def _answer(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("results", type=Path, help="the finished run's folder, results/<study>")
    parser.add_argument("--reported", type=Path, help="the paper's numbers (default: paper/reported.yaml)")

    def run(args: argparse.Namespace) -> None:
        from lsm.publish.answer import REPORTED, answer_for
        from lsm.publish.findings import collect

        print("\n".join(answer_for(collect(args.results), args.reported or REPORTED)))

    return run


@step("verify", "check a finished run against its published reference, item by item (ends `make replicate`)")
def _verify(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("results", type=Path, help="the finished run's folder, results/<study>")
    parser.add_argument(
        "--reference", type=Path, help="the reference file (default: paper/reference/<study>.yaml)"
    )

    def run(args: argparse.Namespace) -> None:
        from lsm.config import load_config
        from lsm.publish.findings import REFERENCE_DIR
        from lsm.publish.verify import verify

        alpha = (
            load_config(Path("params.yaml"))["evaluation"]["alpha"] if Path("params.yaml").is_file() else None
        )
        verdict = verify(args.results, args.reference or REFERENCE_DIR / f"{args.results.name}.yaml", alpha)
        print("\n".join(verdict.lines()))
        if not verdict.ok:
            raise InputError(
                args.results,
                "does not reproduce its reference (the lines above say which items differ)",
                "find why, or, if the change is intended, run `make reference` and review the diff",
            )

    return run


@step("audit", "re-execute N jobs drawn at random from a finished or pulled run and compare what they make")
def _audit(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("--sample", type=int, default=5, help="how many jobs (default 5; one per rule first)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the draw (default 0)")
    parser.add_argument("--rule", action="append", help="audit only jobs of this rule (repeatable)")
    parser.add_argument("--cores", type=int, default=2, help="cores for each re-executed job (default 2)")
    parser.add_argument("--keep", type=Path, help="keep the scratch copies here (default: removed)")

    def run(args: argparse.Namespace) -> None:
        import yaml

        from lsm.publish.audit import audit, auditable, choose_jobs
        from lsm.workflow_dag import workflow_jobs

        repo = Path.cwd()
        config = yaml.safe_load((repo / "params.yaml").read_text())
        jobs = workflow_jobs(repo, config=config)
        pool = [job for job in jobs if not args.rule or job.rule in args.rule]
        if not pool:
            raise InputError(
                "--rule", f"no job of the workflow belongs to {args.rule}", "name a rule of the workflow"
            )
        drawable = auditable(pool, lambda name: (repo / name).exists())
        if drawable.missing:
            raise InputError(
                repo / drawable.missing[0],
                "missing: the results are not finished or not pulled",
                "run `dvc pull` or `make replicate`",
            )
        if drawable.note():
            print(drawable.note())
        if not drawable.jobs:
            raise InputError(
                "--rule", f"every job of {args.rule} reads or writes temporary files", "name others"
            )
        chosen = choose_jobs(drawable.jobs, args.sample, args.seed)
        study_dir = Path("data/raw") / str(config["study"])
        report = audit(
            repo,
            jobs,
            chosen,
            study_dir,
            Path("results") / str(config["study"]),
            args.cores,
            progress=lambda text: print(text, flush=True),
            keep=args.keep,
        )
        print("\n".join(report.lines()))
        if not report.ok:
            raise InputError(
                repo, "an audited job made something other than what the results hold", "see the lines above"
            )

    return run


@step(
    "codecheck",
    "write codecheck.yml for a finished run (its outputs as the manifest) and check the CODECHECK "
    "rules that need no network",
)
def _codecheck(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("results", type=Path, help="the finished run's folder, results/<study>")

    def run(args: argparse.Namespace) -> None:
        from lsm.data.io import read_yaml
        from lsm.publish.codecheck import BY_HAND, METADATA, OFFLINE, check, write_configuration

        if not (args.results / "plan.json").is_file():
            raise InputError(
                args.results, "no finished run here (no plan.json)", "run `make replicate` first"
            )
        path = write_configuration(Path(), args.results)
        findings = check(path, Path())
        by_hand = [f for f in findings if f.rule in BY_HAND]
        broken = [f for f in findings if f.rule not in BY_HAND and f.severity == "error"]
        notes = [f for f in findings if f.rule not in BY_HAND and f.severity != "error"]
        manifest = len(read_yaml(path)["manifest"])
        checked = f"{len(OFFLINE)} of CODECHECK's 58 rules checked offline"
        print(f"{path}: {manifest} outputs in the manifest; {checked}")
        for title, group in (("to complete by people", by_hand), ("advice", notes), ("broken", broken)):
            if group:
                print(f"{title} ({METADATA} for the people's part):" if group is by_hand else f"{title}:")
                print("\n".join(f"  {finding.line()}" for finding in group))
        if broken:
            raise InputError(path, f"{len(broken)} CODECHECK rule(s) broken", "see the lines above")

    return run


@step(
    "readme",
    "render the README's paragraphs on each study from paper/reference/<study>.yaml and its timings "
    "from benchmarks/measured/<target>.yaml",
)
def _readme(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("--readme", type=Path, help="one file (default: README.md and docs/**/*.md)")
    parser.add_argument("--references", type=Path, help="folder of the references (default: paper/reference)")
    parser.add_argument("--check", action="store_true", help="only check; exit 2 when they differ")

    def run(args: argparse.Namespace) -> None:
        from lsm.publish.findings import REFERENCE_DIR, update_documents, update_readme

        args.references = args.references or REFERENCE_DIR
        if args.readme:
            stale = [] if update_readme(args.readme, args.references, check=args.check) else [args.readme]
        else:
            stale = update_documents(Path(), args.references, check=args.check)
        if stale:
            raise InputError(
                ", ".join(str(path) for path in stale),
                f"a findings or timing paragraph differs from {args.references}/ or benchmarks/measured/ "
                "(a number typed by hand, or a record not yet rendered)",
                "run `python -m lsm readme` and review the diff",
            )
        verb = "match" if args.check else "rendered from"
        where = args.readme or "README.md and docs/"
        print(f"{where}: findings and timing paragraphs {verb} {args.references}/, benchmarks/measured/")

    return run


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Runner]]:
    """The command-line parser and the function that runs each subcommand."""
    parser = argparse.ArgumentParser(prog="python -m lsm", description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, help="log file (default: stderr)")
    sub = parser.add_subparsers(dest="step", required=True, metavar="STEP")
    runners = {}
    for name, (help_text, add_arguments) in STEPS.items():
        runners[name] = add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser, runners


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m lsm <step>``; a user error is one line on stderr and exit code 2."""
    parser, runners = build_parser()
    args = parser.parse_args(argv)
    handler: logging.Handler = logging.FileHandler(args.log) if args.log else logging.StreamHandler()
    logging.basicConfig(level=logging.INFO, handlers=[handler], format="%(asctime)s %(name)s %(message)s")
    try:
        runners[args.step](args)
    except InputError as err:
        if args.log:
            log.error("input error", exc_info=True)
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
