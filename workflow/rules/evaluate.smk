# Evaluation across runs and the replication scorecard (lsm.evaluate.scorecard).


rule evaluate:
    input:
        runs=rules.runs_table.output.runs,
        ablation_runs=rules.runs_table.output.ablation,
        predictions=run_outputs("predictions.csv"),
        absences=run_outputs("absences.csv"),
        ablation_predictions=ablation_outputs("predictions.csv"),
        models=run_outputs("model.pt", models=TORCH_MODELS),
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        splits_info=rules.splits.output.info,
        contrast=map_contrast_outputs(),
        reported="paper/reported.yaml",
        truth=TRUTH_REPLAY_FILES if IS_SYNTHETIC else [],
        code=code_of("workflow/scripts/evaluate.py"),
    output:
        summary=f"{RESULTS}/metrics/summary_by_model.csv",
        comparisons=f"{RESULTS}/metrics/comparisons.csv",
        references=f"{RESULTS}/metrics/references.csv",
        ablation=f"{RESULTS}/metrics/time_ablation.csv",
        where_when=f"{RESULTS}/metrics/where_when.csv",
        level_calendar=f"{RESULTS}/metrics/level_calendar.csv",
        roc=f"{RESULTS}/metrics/roc_curves.csv",
        roc_wide=f"{RESULTS}/metrics/roc_first_scheme.csv",
        confusion=f"{RESULTS}/metrics/confusion.csv",
        confusion_samples=f"{RESULTS}/metrics/confusion_samples.csv",
        absences=f"{RESULTS}/metrics/absences.csv",
        proximity=f"{RESULTS}/metrics/proximity.csv",
        performance=f"{RESULTS}/metrics/performance.csv",
        claims=f"{RESULTS}/metrics/claims.csv",
        metrics=f"{RESULTS}/metrics/summary.json",
    log:
        f"{LOGS}/evaluate.log",
    benchmark:
        f"{BENCHMARKS}/evaluate.tsv"
    conda:
        "../../envs/torch.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        study_dir=lambda wildcards: RAW,
        study=STUDY,
        evaluation=config["evaluation"],
        map_scheme=MAP_SCHEME,
        skipped=PLAN.skipped_models,
    message:
        "Evaluation: intervals over seeds, tests behind the verdicts, references, ablations, claims"
    script:
        "../scripts/evaluate.py"


# With tuning on, the claims scored again on the untuned grid (runs_untuned/).


rule evaluate_untuned:
    input:
        runs=rules.runs_table_untuned.output.runs,
        predictions=run_outputs("predictions.csv", grid="runs_untuned"),
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        splits_info=rules.splits.output.info,
        reported="paper/reported.yaml",
        code=code_of("workflow/scripts/evaluate_untuned.py"),
    output:
        summary=f"{RESULTS}/metrics/untuned/summary_by_model.csv",
        comparisons=f"{RESULTS}/metrics/untuned/comparisons.csv",
        claims=f"{RESULTS}/metrics/untuned/claims.csv",
    log:
        f"{LOGS}/evaluate_untuned.log",
    benchmark:
        f"{BENCHMARKS}/evaluate_untuned.tsv"
    conda:
        "../../envs/torch.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        study_dir=lambda wildcards: RAW,
        evaluation=config["evaluation"],
        map_scheme=MAP_SCHEME,
        skipped=PLAN.skipped_models,
        study=STUDY,
        runs_root=lambda wildcards: f"{RESULTS}/runs_untuned",
    message:
        "Evaluation of the untuned grid: the claims with the settings of models:"
    script:
        "../scripts/evaluate_untuned.py"


# Verdict stability (lsm.evaluate.stability): the same grid on several generated worlds, to see whether a
# verdict hangs on one world. Not in the default target: `snakemake --cores all verdict_stability`.
# Each world is a whole Snakemake run (its own study and results folder), started by a job here.


rule stability_world:
    input:
        code=sorted(str(p) for p in Path("src/lsm").rglob("*.py")),  # a whole run: all of it
    output:
        claims=f"{STABILITY}/world{{world}}/claims.csv",
        params=f"{STABILITY}/world{{world}}/params.yaml",
    log:
        f"{STABILITY}/logs/world{{world}}.log",
    benchmark:
        f"{STABILITY}/benchmarks/world{{world}}.tsv"
    wildcard_constraints:
        world=r"\d+",
    conda:
        "../../envs/torch.yaml"
    threads: 256  # a whole run: Snakemake lowers this to the cores it is given
    params:
        config=lambda wildcards: world_config(config, int(wildcards.world)),
    message:
        "Verdicts on generated world {wildcards.world} (a whole run of the grid)"
    script:
        "../scripts/stability_world.py"


# Calibration and thresholds (lsm.evaluate.calibration): every run's Platt calibrator and thresholds
# fitted on its held-out training predictions (lsm.learn.held_out), its test predictions scored
# raw and calibrated; one job per scheme, then the summary over seeds (tab07, fig19). The mapping
# scheme's calibrators make the calibrated maps.
CALIBRATION = f"{RESULTS}/metrics/calibration"
CALIBRATION_FILES = ("calibrators", "scores", "reliability", "thresholds", "held_out")


rule calibrate:
    input:
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        reported="paper/reported.yaml",
        runs=lambda wildcards: [
            f"{RUNS}/{wildcards.scheme}/{model}/seed{seed}/{name}"
            for model in MODELS
            for seed in SEEDS
            for name in trained_files(model) + ["predictions.csv"]
        ],
        code=code_of("workflow/scripts/calibrate.py"),
    output:
        **{name: f"{CALIBRATION}/{{scheme}}/{name}.csv" for name in CALIBRATION_FILES},
    log:
        f"{LOGS}/calibrate_{{scheme}}.log",
    benchmark:
        f"{BENCHMARKS}/calibrate_{{scheme}}.tsv"
    conda:
        "../../envs/torch.yaml"
    resources:
        mem_mb=3000,
        runtime=20,
    params:
        run_dirs=lambda wildcards: {
            model: [f"{RUNS}/{wildcards.scheme}/{model}/seed{seed}" for seed in SEEDS]
            for model in MODELS
        },
        bins=config["calibration"]["bins"],
    message:
        "Calibration and thresholds of every {wildcards.scheme} run, fitted on held-out training predictions"
    script:
        "../scripts/calibrate.py"


rule calibration_tables:
    input:
        scores=expand(f"{CALIBRATION}/{{scheme}}/scores.csv", scheme=SCHEMES),
        thresholds=expand(f"{CALIBRATION}/{{scheme}}/thresholds.csv", scheme=SCHEMES),
        reliability=expand(f"{CALIBRATION}/{{scheme}}/reliability.csv", scheme=SCHEMES),
        code=code_of("workflow/scripts/calibration_tables.py"),
    output:
        calibration=f"{RESULTS}/metrics/calibration.csv",
        thresholds=f"{RESULTS}/metrics/thresholds.csv",
        reliability=f"{RESULTS}/metrics/reliability.csv",
    log:
        f"{LOGS}/calibration_tables.log",
    conda:
        "../../envs/torch.yaml"
    message:
        "Calibration scores and threshold metrics over seeds"
    script:
        "../scripts/calibration_tables.py"
