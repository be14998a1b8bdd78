# Data preparation (lsm.prepare): factors on the analysis grid, space-time samples, splits.


rule factors:
    input:
        unpack(
            study_files(
                "dem.tif",
                "landuse.tif",
                "landuse.gpkg",
                "lithology.gpkg",
                "faults.gpkg",
                "roads.gpkg",
                "rivers.gpkg",
                "rainfall.nc",
                "reservoirs.gpkg",
                "study.yaml",
            )
        ),
        code=library("factors.py", "terrain.py", "io", "prepare.py"),
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
        config={k: config[k] for k in ("grid", "factors")},
    message:
        "Conditioning factors of study '{STUDY}'"
    script:
        "../scripts/factors.py"


rule samples:
    input:
        unpack(
            study_files(
                "inventory.gpkg",
                "rainfall.nc",
                "reservoirs.gpkg",
                "reservoir_levels.csv",
                "study.yaml",
            )
        ),
        factors=rules.factors.output.factors,
        code=library("sampling.py", "io", "prepare.py"),
    output:
        samples=f"{RESULTS}/samples/samples.gpkg",
        tensors=f"{RESULTS}/samples/tensors.npz",
        summary=f"{RESULTS}/samples/summary.json",
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
    message:
        "Space-time samples of study '{STUDY}'"
    script:
        "../scripts/samples.py"


rule splits:
    input:
        samples=rules.samples.output.samples,
        summary=rules.samples.output.summary,
        code=library("splits.py", "prepare.py"),
    output:
        splits=f"{RESULTS}/samples/splits.csv",
        info=f"{RESULTS}/samples/splits.json",
    log:
        f"{LOGS}/splits.log",
    conda:
        "../../envs/geo.yaml"
    params:
        config={k: config[k] for k in ("grid", "splits")},
    message:
        "Train/test splits (random, spatial, temporal) of study '{STUDY}'"
    script:
        "../scripts/splits.py"
