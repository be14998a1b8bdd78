# Figures and tables: one jupytext notebook and one rule each, run through papermill.
# Parameters reach the notebook as data (a YAML file recorded beside the executed notebook).


rule fig00_paper_reported:
    input:
        notebook="notebooks/fig00_paper_reported.py",
        reported="paper/reported.yaml",
    output:
        **notebook_outputs("fig00_paper_reported", "Paper"),
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
            )
        ),
        notebook="notebooks/fig01_study_area.py",
    output:
        **notebook_outputs("fig01_study_area", "Study"),
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


rule fig02_forcing_series:
    input:
        unpack(study_files("rainfall.nc", "reservoir_levels.csv", "inventory.gpkg")),
        notebook="notebooks/fig02_forcing_series.py",
    output:
        **notebook_outputs("fig02_forcing_series", "Study"),
    log:
        f"{LOGS}/fig02_forcing_series.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 2: rain, reservoir level and landslide dates"
    script:
        "../scripts/run_notebook.py"
