# Tuning (lsm.tuning): every model tuned per validation scheme with the same budget, inside the
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
        model="|".join(ALL_MODEL_NAMES),
    conda:
        "../../envs/torch.yaml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=60,
    params:
        models=lambda wildcards: {
            k: config["models"][k]
            for k in ("torch", "svm", "dt", "rf", "mlp")
            if k == wildcards.model
            or (k == "torch" and wildcards.model in TORCH_MODELS)
        },
        tuning=config["tuning"],
    message:
        "Tune {wildcards.model} on the {wildcards.scheme} split's training samples"
    script:
        "../scripts/tune.py"


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


rule fig16_tuning:
    input:
        notebook="notebooks/fig16_tuning.py",
        trials=tuning_outputs("trials.csv"),
        code=code_of("workflow/scripts/run_notebook.py", "notebooks/fig16_tuning.py"),
    output:
        **artefact_outputs("fig16_tuning"),
    log:
        f"{LOGS}/fig16_tuning.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
        trials=config["tuning"]["trials"],
    message:
        "Figure 16: the tuning histories of every model"
    script:
        "../scripts/run_notebook.py"


rule tab05_tuned_settings:
    input:
        notebook="notebooks/tab05_tuned_settings.py",
        best=tuning_outputs("best.yaml"),
        trials=tuning_outputs("trials.csv"),
        code=code_of(
            "workflow/scripts/run_notebook.py", "notebooks/tab05_tuned_settings.py"
        ),
    output:
        **artefact_outputs("tab05_tuned_settings"),
    log:
        f"{LOGS}/tab05_tuned_settings.log",
    conda:
        "../../envs/figures.yaml"
    params:
        spaces=config["tuning"]["spaces"],
    message:
        "Table 5: the settings tuning chose for every model and scheme"
    script:
        "../scripts/run_notebook.py"


rule tab06_claims_tuned_untuned:
    input:
        notebook="notebooks/tab06_claims_tuned_untuned.py",
        tuned=rules.evaluate.output.claims,
        untuned=rules.evaluate_untuned.output.claims,
        tuned_summary=rules.evaluate.output.summary,
        untuned_summary=rules.evaluate_untuned.output.summary,
        code=code_of(
            "workflow/scripts/run_notebook.py",
            "notebooks/tab06_claims_tuned_untuned.py",
        ),
    output:
        **artefact_outputs("tab06_claims_tuned_untuned"),
    log:
        f"{LOGS}/tab06_claims_tuned_untuned.log",
    conda:
        "../../envs/figures.yaml"
    message:
        "Table 6: the claims with every model tuned and with the default settings"
    script:
        "../scripts/run_notebook.py"
