"""The names the whole workspace spells the same way: models, their families and labels, split schemes
and roles, factors, series channels, negative kinds, map dates, metrics and susceptibility classes.

The lowest module of the package (it imports nothing): every stage, the workflow's rules and the
notebooks read their names here, so that adding a model or a scheme is one edit, and a rule's
wildcard pattern cannot disagree with the list the library loops over.
"""

from __future__ import annotations

# -- models ---------------------------------------------------------------------------------------
HYBRID = "cnn_lstm"  # the paper's model, against which every claim compares the others
TORCH_MODELS = (HYBRID, "cnn", "lstm")  # the PyTorch networks: the hybrid and its two branches alone
SKLEARN_MODELS = ("svm", "dt", "rf", "mlp")  # the paper's "traditional" models, on tabular rows
ALL_MODELS = (*TORCH_MODELS, *SKLEARN_MODELS)
TEMPORAL_MODELS = (HYBRID, "lstm")  # they read the daily series
PATCH_MODELS = (HYBRID, "cnn")  # they read the factor patches
TREE_MODELS = ("dt", "rf")  # they take land use as one coded column, the others one-hot
LABELS = {
    HYBRID: "CNN-LSTM",
    "cnn": "CNN (standalone)",
    "lstm": "LSTM (standalone)",
    "svm": "SVM",
    "dt": "DT",
    "rf": "RF",
    "mlp": "MLP",
}
# Retrained variants of the CNN-LSTM that see one series only as its window total (every day of the
# window set to the window's mean, its day-to-day change to zero): does the order of days matter?
ABLATION_VARIANTS = {"cnn_lstm_rain_totals": "rain", "cnn_lstm_level_totals": "level"}
# Threads of one map tile job, whatever the model: the networks and the MLP run BLAS on them, the SVM
# and the trees split their rows over them (lsm.maps.predictors.Ensemble._by_rows).
MAP_TILE_THREADS = 2

# -- splits ---------------------------------------------------------------------------------------
SPATIAL = "spatial"  # the scheme that holds out whole blocks of ground (importance, applicability)
SCHEMES = ("random", SPATIAL, "temporal")
TRAIN, TEST, BUFFER = "train", "test", "buffer"  # a sample's part in one scheme

# -- factors and series ---------------------------------------------------------------------------
# Every factor the workspace knows, in the order of the factor stack.
ALL_FACTORS = (
    "elevation",
    "slope",
    "aspect",
    "twi",
    "spi",
    "erg",
    "dist_fault",
    "dist_river",
    "dist_road",
    "landuse",
    "aap",
    "dist_shore",
)
TERRAIN_FACTORS = ALL_FACTORS[:5]  # the factors the DEM gives
# What a figure calls each factor and series: the abbreviations spelled out (docs/glossary.md).
FEATURE_LABELS = {
    "elevation": "elevation",
    "slope": "slope",
    "aspect": "aspect",
    "twi": "TWI (wetness index)",
    "spi": "SPI (stream power index)",
    "erg": "ERG (erodibility grade)",
    "dist_fault": "distance to fault",
    "dist_river": "distance to river",
    "dist_road": "distance to road",
    "landuse": "land use",
    "aap": "AAP (mean annual rain)",
    "dist_shore": "distance to shore",
    "rain": "rain (daily series)",
    "reservoir_level": "reservoir level (daily series)",
}
# The daily series and their channels in the sequences (value, day-to-day change), and the name each
# series has as a feature of the importance tables.
SERIES_CHANNELS = {"rain": ("rain_mm", "rain_change_mm"), "level": ("level_m", "level_change_m")}
SERIES_FEATURES = {"rain": "rain", "level": "reservoir_level"}
NEGATIVE_KINDS = ("random", "same_place", "same_time")  # absences: anywhere, at the event's cell, on its day

# -- maps -----------------------------------------------------------------------------------------
WETTEST = "wettest"  # the label of the default reference date
STATIC = "static"  # the label of the one map of a study without series
CLASS_NAMES = ("low", "medium", "high")  # the susceptibility classes, lowest first

# -- metrics --------------------------------------------------------------------------------------
METRICS = ("accuracy", "precision", "recall", "f1", "auc", "kappa")  # each run's, as the paper reports them

AUTO = "auto"  # the configuration's word for "let the workspace choose" (factors.names, sampling.buffer_m)

# The verdicts on a claim of the paper.
SUPPORTED = "supported"
NOT_SIGNIFICANT = "not significant"
CONTRADICTED = "contradicted"
UNTESTABLE = "cannot be tested"
VERDICTS = (SUPPORTED, NOT_SIGNIFICANT, CONTRADICTED, UNTESTABLE)

# What an artefact of the manifest may require (`requires:` in workflow/manifest.yaml).
CAPABILITIES = ("series", "torch", "temporal", "truth", "stability", "tuning", SPATIAL)

# A reference's tolerance for an item that measured runs on two CPUs gave differently (lsm.publish.verify).
CPU_DEPENDENT = "cpu-dependent"
