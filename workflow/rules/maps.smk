# Susceptibility maps (lsm.maps) and permutation feature importance (lsm.maps.importance).
# Every model is mapped with its seeds averaged, in row-strip tiles (mapping.tiles: one job each,
# so a cluster maps them in parallel), then mosaicked into Cloud-Optimized GeoTIFFs.


wildcard_constraints:
    date="|".join((names.WETTEST, TYPICAL, names.STATIC, r"\d{4}-\d{2}-\d{2}")),
    tile=r"\d+",


rule map_tile:
    input:
        unpack(study_files(*RAIN_INPUTS, "reservoirs.gpkg", "reservoir_levels.csv")),
        factors=rules.factors.output.factors,
        summary=rules.samples.output.summary,
        runs=map_run_files,
        calibrators=f"{CALIBRATION}/{MAP_SCHEME}/calibrators.csv",
        code=code_of("workflow/scripts/map_tile.py"),
    output:
        tile=temp(f"{MAPS}/{{date}}/tiles/{{model}}_tile{{tile}}.tif"),
    log:
        f"{LOGS}/maps/{{date}}_{{model}}_tile{{tile}}.log",
    benchmark:
        f"{BENCHMARKS}/maps/{{date}}_{{model}}_tile{{tile}}.tsv"
    conda:
        "../../envs/torch.yaml"
    threads: names.MAP_TILE_THREADS
    resources:
        mem_mb=3000,
        runtime=60,
    params:
        run_dirs=map_run_dirs,
        study_dir=lambda wildcards: RAW,
        mapping=MAP_TILE_SETTINGS,
        prevalence=config["calibration"]["prevalence"],
    message:
        "Map {wildcards.model} at {wildcards.date}, tile {wildcards.tile}"
    script:
        "../scripts/map_tile.py"


rule map_gather:
    input:
        unpack(study_files(*RAIN_INPUTS, "mapped_area.gpkg")),
        tiles=expand(
            f"{MAPS}/{{{{date}}}}/tiles/{{{{model}}}}_tile{{tile}}.tif", tile=MAP_TILES
        ),
        factors=rules.factors.output.factors,
        samples=rules.samples.output.samples,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        code=code_of("workflow/scripts/map_gather.py"),
    output:
        probability=f"{MAPS}/{{date}}/{{model}}_probability.tif",
        classes=f"{MAPS}/{{date}}/{{model}}_classes.tif",
        style=f"{MAPS}/{{date}}/{{model}}_classes.qml",
        class_table=f"{MAPS}/{{date}}/{{model}}_class_shares.csv",
        curves=f"{MAPS}/{{date}}/{{model}}_rate_curves.csv",
        summary=f"{MAPS}/{{date}}/{{model}}_summary.json",
        calibrated=f"{MAPS}/{{date}}/{{model}}_calibrated.tif",
        uncertainty=f"{MAPS}/{{date}}/{{model}}_uncertainty.tif",
        uncertainty_style=f"{MAPS}/{{date}}/{{model}}_uncertainty.qml",
        probability_style=f"{MAPS}/{{date}}/{{model}}_probability.qml",
        calibrated_style=f"{MAPS}/{{date}}/{{model}}_calibrated.qml",
        class_changes=f"{MAPS}/{{date}}/{{model}}_class_changes.csv",
    log:
        f"{LOGS}/maps/{{date}}_{{model}}_gather.log",
    benchmark:
        f"{BENCHMARKS}/maps/{{date}}_{{model}}_gather.tsv"
    conda:
        "../../envs/torch.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        study_dir=lambda wildcards: RAW,
        mapping=MAP_GATHER_SETTINGS,
    message:
        "Mosaic, classes, rate curves, calibrated map and seed spread of the {wildcards.model} map at {wildcards.date}"
    script:
        "../scripts/map_gather.py"


rule map_tables:
    input:
        class_tables=map_outputs("class_table"),
        curves=map_outputs("curves"),
        summaries=map_outputs("summary"),
        class_changes=map_outputs("class_changes"),
        code=code_of("workflow/scripts/map_tables.py"),
    output:
        classes=f"{RESULTS}/metrics/map_class_shares.csv",
        class_changes=f"{RESULTS}/metrics/map_class_changes.csv",
        curves=f"{RESULTS}/metrics/map_rate_curves.csv",
        summary=f"{RESULTS}/metrics/map_summary.csv",
    log:
        f"{LOGS}/maps/tables.log",
    conda:
        "../../envs/torch.yaml"
    message:
        "Class shares, rate curves and map summaries of every model and date"
    script:
        "../scripts/map_tables.py"


rule map_contrast:
    input:
        unpack(
            study_files(
                *RAIN_INPUTS,
                "reservoirs.gpkg",
                "reservoir_levels.csv",
                "inventory.gpkg",
                "dem.tif",
            )
        ),
        classes=c4_maps("classes"),
        probability=c4_maps("probability"),
        factors=rules.factors.output.factors,
        truth=TRUTH_REPLAY_FILES if IS_SYNTHETIC else [],
        code=code_of("workflow/scripts/map_contrast.py"),
    output:
        contrast=f"{RESULTS}/metrics/high_zone_map.csv",
    log:
        f"{LOGS}/maps/contrast.log",
    benchmark:
        f"{BENCHMARKS}/maps/contrast.tsv"
    conda:
        "../../envs/torch.yaml"
    resources:
        mem_mb=3000,
        runtime=20,
    params:
        study_dir=lambda wildcards: RAW,
        date_labels=C4_DATES,
        window_days=config["sampling"]["window_days"],
        evaluation=config["evaluation"],
        patch_size=config["sampling"]["patch_size"],
    message:
        "Claim C4 on the CNN-LSTM's maps ({params.date_labels}): its high class against the rest, beside the truth's and the inventory's"
    script:
        "../scripts/map_contrast.py"


rule importance:
    input:
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        factors=rules.factors.output.factors,
        runs=expand(
            f"{RUNS}/{MAP_SCHEME}/{{model}}/seed{{seed}}/normaliser.npz",
            model=MODELS,
            seed=SEEDS,
        ),
        code=code_of("workflow/scripts/importance.py"),
    output:
        runs=f"{RESULTS}/metrics/importance_runs.csv",
        summary=f"{RESULTS}/metrics/importance.csv",
    log:
        f"{LOGS}/importance.log",
    benchmark:
        f"{BENCHMARKS}/importance.tsv"
    conda:
        "../../envs/torch.yaml"
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        run_dirs={
            model: [f"{RUNS}/{MAP_SCHEME}/{model}/seed{seed}" for seed in SEEDS]
            for model in MODELS
        },
        scheme=MAP_SCHEME,
        repeats=config["mapping"]["importance_repeats"],
        seed=config["mapping"]["seed"],
    message:
        "Permutation feature importance on the {MAP_SCHEME} test samples"
    script:
        "../scripts/importance.py"


# The same importance on the spatial scheme's test samples (whole blocks held out, as sperrorest
# does): what a model relies on when it must predict ground it has not seen (fig18).
use rule importance as importance_spatial with:
    input:
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        factors=rules.factors.output.factors,
        runs=expand(
            f"{RUNS}/{names.SPATIAL}/{{model}}/seed{{seed}}/normaliser.npz",
            model=MODELS,
            seed=SEEDS,
        ),
        code=code_of("workflow/scripts/importance.py"),
    output:
        runs=f"{RESULTS}/metrics/importance_{names.SPATIAL}_runs.csv",
        summary=f"{RESULTS}/metrics/importance_{names.SPATIAL}.csv",
    log:
        f"{LOGS}/importance_{names.SPATIAL}.log",
    benchmark:
        f"{BENCHMARKS}/importance_{names.SPATIAL}.tsv"
    params:
        run_dirs={
            model: [f"{RUNS}/{names.SPATIAL}/{model}/seed{seed}" for seed in SEEDS]
            for model in MODELS
        },
        scheme=names.SPATIAL,
        repeats=config["mapping"]["importance_repeats"],
        seed=config["mapping"]["seed"],
    message:
        f"Permutation feature importance on the {names.SPATIAL} test samples"


# The area of applicability (lsm.maps.applicability): every model's dissimilarity index and mask at
# each reference date, and its spatial test samples' AUC inside and outside it.
SPATIAL_PREDICTIONS = {
    model: [
        f"{RUNS}/{names.SPATIAL}/{model}/seed{seed}/predictions.csv" for seed in SEEDS
    ]
    for model in MODELS
    if names.SPATIAL in SCHEMES
}


rule applicability:
    input:
        unpack(
            study_files(
                *RAIN_INPUTS,
                "reservoirs.gpkg",
                "reservoir_levels.csv",
                "mapped_area.gpkg",
            )
        ),
        factors=rules.factors.output.factors,
        samples=rules.samples.output.samples,
        tensors=rules.samples.output.tensors,
        summary=rules.samples.output.summary,
        splits=rules.splits.output.splits,
        splits_info=rules.splits.output.info,
        importance=rules.importance.output.summary,
        spatial_predictions=[p for files in SPATIAL_PREDICTIONS.values() for p in files],
        code=code_of("workflow/scripts/applicability.py"),
    output:
        dissimilarity=expand(
            f"{MAPS}/{{{{date}}}}/{{model}}_dissimilarity.tif", model=MODELS
        ),
        masks=expand(f"{MAPS}/{{{{date}}}}/{{model}}_applicability.tif", model=MODELS),
        table=f"{MAPS}/{{date}}/applicability.csv",
    log:
        f"{LOGS}/maps/{{date}}_applicability.log",
    benchmark:
        f"{BENCHMARKS}/maps/{{date}}_applicability.tsv"
    conda:
        "../../envs/torch.yaml"
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        study_dir=lambda wildcards: RAW,
        models=MODELS,
        spatial_predictions=SPATIAL_PREDICTIONS,
        mapping={
            **MAP_TILE_SETTINGS,
            "scheme": MAP_SCHEME,
            "block_m": config["splits"]["spatial_block_m"],
        },
    message:
        "Area of applicability of every model's map at {wildcards.date}"
    script:
        "../scripts/applicability.py"
