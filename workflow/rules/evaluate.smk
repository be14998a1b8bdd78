# Evaluation across runs and the replication scorecard (lsm.scorecard).


rule evaluate:
    input:
        runs=rules.runs_table.output.runs,
        predictions=run_outputs("predictions.csv"),
        models=run_outputs("model.pt", models=TORCH_MODELS),
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        reported="paper/reported.yaml",
        truth=[f"{RAW}/truth/physics.yaml"] if IS_SYNTHETIC else [],
        code=library("scorecard.py", "stats.py", "evaluate.py", "reported.py"),
    output:
        summary=f"{RESULTS}/metrics/summary_by_model.csv",
        comparisons=f"{RESULTS}/metrics/comparisons.csv",
        oracle=f"{RESULTS}/metrics/oracle.csv",
        ablation=f"{RESULTS}/metrics/time_ablation.csv",
        where_when=f"{RESULTS}/metrics/where_when.csv",
        roc=f"{RESULTS}/metrics/roc_curves.csv",
        roc_wide=f"{RESULTS}/metrics/roc_first_scheme.csv",
        confusion=f"{RESULTS}/metrics/confusion.csv",
        confusion_samples=f"{RESULTS}/metrics/confusion_samples.csv",
        high_zone=f"{RESULTS}/metrics/high_zone.csv",
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
    message:
        "Evaluation: intervals over seeds, DeLong tests, oracle, time ablation, claims"
    script:
        "../scripts/evaluate.py"
