# Training (lsm.learn.train): one job per model and validation scheme trains every seed, each into its own
# run folder (runs/<scheme>/<model>/seed<k>/): one process loads the samples once, instead of one
# per seed (starting Python with torch costs seconds, training a seed of the default study about as
# much). With tuning on (tuning.trials > 0) runs/ hold the runs with each model's tuned settings
# and runs_untuned/ the same grid with the settings of models:, so the claims are shown both ways.


wildcard_constraints:
    scheme="|".join(names.SCHEMES),
    grid="runs|runs_untuned",


rule train_torch:
    input:
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        tuned=tuned_settings,
        code=code_of("workflow/scripts/train.py"),
    output:
        model=seed_files("model.pt"),
        architecture=seed_files("model.json"),
        normaliser=seed_files("normaliser.npz"),
        predictions=seed_files("predictions.csv"),
        absences=seed_files("absences.csv"),
        metrics=seed_files("metrics.json"),
        curve=seed_files("learning_curve.csv"),
        provenance=seed_files("provenance.json"),
    log:
        f"{LOGS}/train/{{grid}}_{{scheme}}_{{model}}.log",
    benchmark:
        f"{BENCHMARKS}/train/{{grid}}_{{scheme}}_{{model}}.tsv"
    wildcard_constraints:
        model="|".join([*names.TORCH_MODELS, *ABLATION_VARIANTS]),
    conda:
        "../../envs/torch.yaml"
    threads: config["models"]["threads"]
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        models={k: config["models"][k] for k in ("device", "threads", "torch")},
        tuned=lambda wildcards, input: bool(input.tuned),
    message:
        "Train {wildcards.model} ({wildcards.scheme} split, seeds {SEEDS}, {wildcards.grid})"
    script:
        "../scripts/train.py"


rule train_sklearn:
    input:
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        tuned=tuned_settings,
        code=code_of("workflow/scripts/train.py"),
    output:
        model=seed_files("model.skops"),
        normaliser=seed_files("normaliser.npz"),
        predictions=seed_files("predictions.csv"),
        absences=seed_files("absences.csv"),
        metrics=seed_files("metrics.json"),
        curve=seed_files("learning_curve.csv"),
        provenance=seed_files("provenance.json"),
    log:
        f"{LOGS}/train/{{grid}}_{{scheme}}_{{model}}.log",
    benchmark:
        f"{BENCHMARKS}/train/{{grid}}_{{scheme}}_{{model}}.tsv"
    wildcard_constraints:
        model="|".join(names.SKLEARN_MODELS),
    conda:
        "../../envs/torch.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        models=lambda wildcards: {wildcards.model: config["models"][wildcards.model]},
        tuned=lambda wildcards, input: bool(input.tuned),
    message:
        "Train {wildcards.model} ({wildcards.scheme} split, seeds {SEEDS}, {wildcards.grid})"
    script:
        "../scripts/train.py"


rule runs_table:
    input:
        metrics=run_outputs("metrics.json"),
        ablation=ablation_outputs("metrics.json"),
        code=code_of("workflow/scripts/runs_table.py"),
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


rule runs_table_untuned:
    input:
        metrics=run_outputs("metrics.json", grid="runs_untuned"),
        code=code_of("workflow/scripts/runs_table_untuned.py"),
    output:
        runs=f"{RESULTS}/metrics/untuned/runs.csv",
    log:
        f"{LOGS}/runs_table_untuned.log",
    conda:
        "../../envs/torch.yaml"
    message:
        "Table of every untuned run's test metrics"
    script:
        "../scripts/runs_table_untuned.py"


# Tuning (lsm.learn.tuning): every model tuned per validation scheme with the same budget, inside the
# scheme's training split only; every seed's run then uses the best settings. With tuning on, the
# same grid also runs untuned (runs_untuned/) and the claims are scored both ways.


rule tune:
    input:
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        splits_info=rules.splits.output.info,
        code=code_of("workflow/scripts/tune.py"),
    output:
        best=f"{TUNING}/{{scheme}}/{{model}}/best.yaml",
        trials=f"{TUNING}/{{scheme}}/{{model}}/trials.csv",
        samples=f"{TUNING}/{{scheme}}/{{model}}/samples.json",
    log:
        f"{LOGS}/tuning/{{scheme}}_{{model}}.log",
    benchmark:
        f"{BENCHMARKS}/tuning/{{scheme}}_{{model}}.tsv"
    wildcard_constraints:
        model="|".join(names.ALL_MODELS),
    conda:
        "../../envs/torch.yaml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=60,
    params:
        models=lambda wildcards: {
            k: config["models"][k]
            for k in ("torch", *names.SKLEARN_MODELS)
            if k == wildcards.model
            or (k == "torch" and wildcards.model in TORCH_MODELS)
        },
        tuning=config["tuning"],
    message:
        "Tune {wildcards.model} on the {wildcards.scheme} split's training samples"
    script:
        "../scripts/tune.py"
