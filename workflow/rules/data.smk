# Data preparation (lsm.data.prepare): factors on the analysis grid, space-time samples, splits.


rule study_plan:
    input:
        code=code_of("workflow/scripts/study_plan.py"),
    output:
        plan=report(
            f"{RESULTS}/plan.json",
            caption=str(write_if_changed(CAPTIONS / "plan.rst", plan_caption())),
            category="Study",
        ),
    log:
        f"{LOGS}/study_plan.log",
    conda:
        "../../envs/geo.yaml"
    params:
        plan=PLAN.describe(),
    message:
        "The plan of study '{STUDY}': what it supports, and what is skipped and why"
    script:
        "../scripts/study_plan.py"


rule factors:
    input:
        unpack(factor_files()),
        code=code_of("workflow/scripts/factors.py"),
    output:
        factors=f"{RESULTS}/factors/factors.tif",
        statistics=f"{RESULTS}/factors/statistics.csv",
        collinearity=f"{RESULTS}/factors/collinearity.csv",
    log:
        f"{LOGS}/factors.log",
    benchmark:
        f"{BENCHMARKS}/factors.tsv"
    conda:
        "../../envs/geo.yaml"
    resources:
        mem_mb=4000,
        runtime=20,
    params:
        study_dir=RAW,
        config={
            "grid": config["grid"],
            "factors": {**config["factors"], "names": list(PLAN.factors)},
        },
    message:
        "Conditioning factors of study '{STUDY}'"
    script:
        "../scripts/factors.py"


rule samples:
    input:
        unpack(
            study_files(
                "dem.tif",
                "inventory.gpkg",
                "study.yaml",
                "mapped_area.gpkg",
                "absences.gpkg",
                *(
                    [*RAIN_INPUTS, "reservoirs.gpkg", "reservoir_levels.csv"]
                    if TEMPORAL
                    else []
                ),
            )
        ),
        factors=rules.factors.output.factors,
        code=code_of("workflow/scripts/samples.py"),
    output:
        samples=f"{RESULTS}/samples/samples.gpkg",
        tensors=f"{RESULTS}/samples/tensors.npz",
        summary=f"{RESULTS}/samples/summary.json",
        balance=f"{RESULTS}/samples/balance.csv",
    log:
        f"{LOGS}/samples.log",
    benchmark:
        f"{BENCHMARKS}/samples.tsv"
    conda:
        "../../envs/geo.yaml"
    resources:
        mem_mb=4000,
        runtime=20,
    params:
        study_dir=RAW,
        config={k: config[k] for k in ("grid", "sampling")},
        plan={
            key: PLAN.describe()[key]
            for key in (
                "factors",
                "omitted_factors",
                "temporal",
                "temporal_skip_reason",
            )
        }
        | {"skipped_models": PLAN.skipped_models},
    message:
        "Space-time samples of study '{STUDY}'"
    script:
        "../scripts/samples.py"


rule splits:
    input:
        samples=rules.samples.output.samples,
        summary=rules.samples.output.summary,
        code=code_of("workflow/scripts/splits.py"),
    output:
        splits=f"{RESULTS}/samples/splits.csv",
        info=f"{RESULTS}/samples/splits.json",
    log:
        f"{LOGS}/splits.log",
    conda:
        "../../envs/geo.yaml"
    params:
        config={k: config[k] for k in ("splits",)},
        schemes=SCHEMES,
    message:
        "Train/test splits (random, spatial, temporal) of study '{STUDY}'"
    script:
        "../scripts/splits.py"


rule realism:
    input:
        unpack(study_files("inventory.gpkg", *RAIN_INPUTS)),
        factors=rules.factors.output.factors,
        truth=(
            [f"{RAW}/truth/susceptibility.tif", f"{RAW}/truth/events.gpkg"]
            if IS_SYNTHETIC
            else []
        ),
        references=[
            str(contract_path(folder, name))
            for folder in REALISM_REFERENCES
            for name in ("dem.tif", "inventory.gpkg", *RAIN_INPUTS)
            if contract_path(folder, name).is_file()
        ],
        code=code_of("workflow/scripts/realism.py"),
    output:
        realism=f"{RESULTS}/metrics/realism.json",
    log:
        f"{LOGS}/realism.log",
    benchmark:
        f"{BENCHMARKS}/realism.tsv"
    conda:
        "../../envs/geo.yaml"
    resources:
        mem_mb=4000,
        runtime=20,
    params:
        study_dir=lambda wildcards: RAW,
        grid=config["grid"],
        references=REALISM_REFERENCES,
        river_area_km2=config["factors"]["river_area_km2"],
    message:
        "Realism report of study '{STUDY}' beside the reference studies"
    script:
        "../scripts/realism.py"
