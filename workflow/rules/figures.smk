# Figures and tables: one jupytext notebook and one rule each, run through papermill.
# Parameters reach the notebook as data (a YAML file recorded beside the executed notebook).


rule fig00_paper_reported:
    input:
        notebook="notebooks/fig00_paper_reported.py",
        reported="paper/reported.yaml",
        code=code_of(
            "workflow/scripts/run_notebook.py", "notebooks/fig00_paper_reported.py"
        ),
    output:
        **artefact_outputs("fig00_paper_reported"),
    log:
        f"{LOGS}/fig00_paper_reported.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 0: the paper's reported model comparison"
    script:
        "../scripts/run_notebook.py"


rule fig01_study_area:
    input:
        unpack(
            study_files(
                "dem.tif",
                "rivers.gpkg",
                "reservoirs.gpkg",
                "roads.gpkg",
                "faults.gpkg",
                "inventory.gpkg",
                "mapped_area.gpkg",
            )
        ),
        notebook="notebooks/fig01_study_area.py",
        code=code_of(
            "workflow/scripts/run_notebook.py", "notebooks/fig01_study_area.py"
        ),
    output:
        **artefact_outputs("fig01_study_area"),
    log:
        f"{LOGS}/fig01_study_area.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 1: the study area"
    script:
        "../scripts/run_notebook.py"


rule fig02_factors:
    input:
        notebook="notebooks/fig02_factors.py",
        factors=rules.factors.output.factors,
        statistics=rules.factors.output.statistics,
        collinearity=rules.factors.output.collinearity,
        code=code_of("workflow/scripts/run_notebook.py", "notebooks/fig02_factors.py"),
    output:
        **artefact_outputs("fig02_factors"),
    log:
        f"{LOGS}/fig02_factors.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 2: the conditioning factors"
    script:
        "../scripts/run_notebook.py"


rule fig03_forcing_series:
    input:
        unpack(study_files("rainfall.nc", "reservoir_levels.csv", "inventory.gpkg")),
        notebook="notebooks/fig03_forcing_series.py",
        code=code_of(
            "workflow/scripts/run_notebook.py", "notebooks/fig03_forcing_series.py"
        ),
    output:
        **artefact_outputs("fig03_forcing_series"),
    log:
        f"{LOGS}/fig03_forcing_series.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 3: rain, reservoir level and landslide dates"
    script:
        "../scripts/run_notebook.py"


rule fig04_samples:
    input:
        notebook="notebooks/fig04_samples.py",
        factors=rules.factors.output.factors,
        samples=rules.samples.output.samples,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        splits_info=rules.splits.output.info,
        code=code_of("workflow/scripts/run_notebook.py", "notebooks/fig04_samples.py"),
    output:
        **artefact_outputs("fig04_samples"),
    log:
        f"{LOGS}/fig04_samples.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 4: samples and validation schemes"
    script:
        "../scripts/run_notebook.py"


rule fig05_architecture:
    input:
        notebook="notebooks/fig05_architecture.py",
        runs=expand(
            f"{RUNS}/{SCHEMES[0]}/{{model}}/seed{SEEDS[0]}/{{name}}",
            model=[m for m in TORCH_MODELS if m in MODELS],
            name=["model.json", "model.pt"],
        ),
        code=code_of(
            "workflow/scripts/run_notebook.py", "notebooks/fig05_architecture.py"
        ),
    output:
        **artefact_outputs("fig05_architecture"),
    log:
        f"{LOGS}/fig05_architecture.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
        window_days=config["sampling"]["window_days"],
    message:
        "Figure 5: the architecture of the networks, read off the trained models"
    script:
        "../scripts/run_notebook.py"


rule fig06_learning_curves:
    input:
        notebook="notebooks/fig06_learning_curves.py",
        runs=rules.runs_table.output.runs,
        curves=run_outputs("learning_curve.csv", models=TORCH_MODELS),
        code=code_of(
            "workflow/scripts/run_notebook.py", "notebooks/fig06_learning_curves.py"
        ),
    output:
        **artefact_outputs("fig06_learning_curves"),
    log:
        f"{LOGS}/fig06_learning_curves.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 6: learning curves"
    script:
        "../scripts/run_notebook.py"


rule fig07_roc_curves:
    input:
        notebook="notebooks/fig07_roc_curves.py",
        roc=rules.evaluate.output.roc,
        references=rules.evaluate.output.references,
        code=code_of(
            "workflow/scripts/run_notebook.py", "notebooks/fig07_roc_curves.py"
        ),
    output:
        **artefact_outputs("fig07_roc_curves"),
    log:
        f"{LOGS}/fig07_roc_curves.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 7: ROC curves"
    script:
        "../scripts/run_notebook.py"


rule fig08_model_comparison:
    input:
        notebook="notebooks/fig08_model_comparison.py",
        summary=rules.evaluate.output.summary,
        reported="paper/reported.yaml",
        code=code_of(
            "workflow/scripts/run_notebook.py", "notebooks/fig08_model_comparison.py"
        ),
    output:
        **artefact_outputs("fig08_model_comparison"),
    log:
        f"{LOGS}/fig08_model_comparison.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 8: our metrics beside the paper's"
    script:
        "../scripts/run_notebook.py"


rule fig09_confusion:
    input:
        notebook="notebooks/fig09_confusion.py",
        confusion=rules.evaluate.output.confusion,
        code=code_of("workflow/scripts/run_notebook.py", "notebooks/fig09_confusion.py"),
    output:
        **artefact_outputs("fig09_confusion"),
    log:
        f"{LOGS}/fig09_confusion.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 9: confusion matrices"
    script:
        "../scripts/run_notebook.py"


rule fig10_schemes:
    input:
        notebook="notebooks/fig10_schemes.py",
        summary=rules.evaluate.output.summary,
        references=rules.evaluate.output.references,
        code=code_of("workflow/scripts/run_notebook.py", "notebooks/fig10_schemes.py"),
    output:
        **artefact_outputs("fig10_schemes"),
    log:
        f"{LOGS}/fig10_schemes.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 10: validation schemes"
    script:
        "../scripts/run_notebook.py"


rule tab01_performance:
    input:
        notebook="notebooks/tab01_performance.py",
        performance=rules.evaluate.output.performance,
        code=code_of(
            "workflow/scripts/run_notebook.py", "notebooks/tab01_performance.py"
        ),
    output:
        **artefact_outputs("tab01_performance"),
    log:
        f"{LOGS}/tab01_performance.log",
    conda:
        "../../envs/figures.yaml"
    message:
        "Table 1: the paper's metrics and ours"
    script:
        "../scripts/run_notebook.py"


rule tab02_claims:
    input:
        notebook="notebooks/tab02_claims.py",
        claims=rules.evaluate.output.claims,
        code=code_of("workflow/scripts/run_notebook.py", "notebooks/tab02_claims.py"),
    output:
        **artefact_outputs("tab02_claims"),
    log:
        f"{LOGS}/tab02_claims.log",
    conda:
        "../../envs/figures.yaml"
    message:
        "Table 2: the claims, tested"
    script:
        "../scripts/run_notebook.py"


rule fig15_realism:
    input:
        notebook="notebooks/fig15_realism.py",
        realism=rules.realism.output.realism,
        ranges="paper/realism_ranges.yaml",
        code=code_of("workflow/scripts/run_notebook.py", "notebooks/fig15_realism.py"),
    output:
        **artefact_outputs("fig15_realism"),
    log:
        f"{LOGS}/fig15_realism.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 15: the realism of the study beside real inventories and the literature"
    script:
        "../scripts/run_notebook.py"
