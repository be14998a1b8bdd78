# Paths and helpers shared by all rule files. Everything a rule writes lives under results/<study>/.

STUDY = config["study"]
RAW = f"data/raw/{STUDY}"
RESULTS = f"results/{STUDY}"
LOGS = f"{RESULTS}/logs"
BENCHMARKS = f"{RESULTS}/benchmarks"


def final_outputs():
    """The default target: every figure and table of the study."""
    return [
        f"{RESULTS}/figures/fig00_paper_reported.png",
        f"{RESULTS}/figures/fig00_paper_reported.pdf",
    ]
