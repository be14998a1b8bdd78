# Evaluation across runs and the replication scorecard (lsm.scorecard).


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
        truth=(
            [f"{RAW}/truth/physics.yaml", f"{RAW}/truth/susceptibility.tif"]
            if IS_SYNTHETIC
            else []
        ),
        code=code_of("workflow/scripts/evaluate.py"),
    output:
        summary=f"{RESULTS}/metrics/summary_by_model.csv",
        comparisons=f"{RESULTS}/metrics/comparisons.csv",
        references=f"{RESULTS}/metrics/references.csv",
        ablation=f"{RESULTS}/metrics/time_ablation.csv",
        where_when=f"{RESULTS}/metrics/where_when.csv",
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
