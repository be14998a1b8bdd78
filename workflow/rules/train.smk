# Training: one job per run (model x validation scheme x seed), lsm.train.


wildcard_constraints:
    scheme="random|spatial|temporal",
    seed=r"\d+",


rule train_torch:
    input:
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        code=library(
            "models.py",
            "train.py",
            "sampling.py",
            "splits.py",
            "evaluate.py",
            "provenance.py",
        ),
    output:
        model=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/model.pt",
        architecture=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/model.json",
        normaliser=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/normaliser.npz",
        predictions=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/predictions.csv",
        absences=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/absences.csv",
        metrics=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/metrics.json",
        curve=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/learning_curve.csv",
        provenance=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/provenance.json",
    log:
        f"{LOGS}/train/{{scheme}}_{{model}}_seed{{seed}}.log",
    benchmark:
        f"{BENCHMARKS}/train/{{scheme}}_{{model}}_seed{{seed}}.tsv"
    wildcard_constraints:
        model="|".join([*TORCH_MODEL_NAMES, *ABLATION_VARIANTS]),
    conda:
        "../../envs/torch.yaml"
    threads: config["models"]["threads"]
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        models={k: config["models"][k] for k in ("device", "threads", "torch")},
    message:
        "Train {wildcards.model} ({wildcards.scheme} split, seed {wildcards.seed})"
    script:
        "../scripts/train.py"


rule train_sklearn:
    input:
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        code=library(
            "models.py",
            "train.py",
            "sampling.py",
            "splits.py",
            "evaluate.py",
            "provenance.py",
        ),
    output:
        model=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/model.skops",
        normaliser=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/normaliser.npz",
        predictions=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/predictions.csv",
        absences=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/absences.csv",
        metrics=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/metrics.json",
        curve=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/learning_curve.csv",
        provenance=f"{RUNS}/{{scheme}}/{{model}}/seed{{seed}}/provenance.json",
    log:
        f"{LOGS}/train/{{scheme}}_{{model}}_seed{{seed}}.log",
    benchmark:
        f"{BENCHMARKS}/train/{{scheme}}_{{model}}_seed{{seed}}.tsv"
    wildcard_constraints:
        model="svm|dt|rf|mlp",
    conda:
        "../../envs/torch.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        models=lambda wildcards: {wildcards.model: config["models"][wildcards.model]},
    message:
        "Train {wildcards.model} ({wildcards.scheme} split, seed {wildcards.seed})"
    script:
        "../scripts/train.py"


rule runs_table:
    input:
        metrics=run_outputs("metrics.json"),
        ablation=ablation_outputs("metrics.json"),
        code=library("evaluate.py"),
    output:
        runs=f"{RESULTS}/metrics/runs.csv",
        ablation=f"{RESULTS}/metrics/ablation_runs.csv",
        skipped=f"{RESULTS}/metrics/skipped.json",
    log:
        f"{LOGS}/runs_table.log",
    conda:
        "../../envs/torch.yaml"
    params:
        skipped=PLAN.skipped_models,
        skipped_schemes=PLAN.skipped_schemes,
    message:
        "Table of every run's test metrics"
    script:
        "../scripts/runs_table.py"
