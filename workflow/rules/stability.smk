# Verdict stability (lsm.stability): the same grid on several generated worlds, to see whether a
# verdict hangs on one world. Not in the default target: `snakemake --cores all verdict_stability`.
# Each world is a whole Snakemake run (its own study and results folder), started by a job here.

STABILITY = f"results/{SYNTHETIC}_stability"
WORLDS = config["stability"]["worlds"]


rule stability_world:
    input:
        code=sorted(str(p) for p in Path("src/lsm").rglob("*.py")),  # a whole run: all of it
    output:
        claims=f"{STABILITY}/world{{world}}/claims.csv",
        params=f"{STABILITY}/world{{world}}/params.yaml",
    log:
        f"{STABILITY}/logs/world{{world}}.log",
    benchmark:
        f"{STABILITY}/benchmarks/world{{world}}.tsv"
    wildcard_constraints:
        world=r"\d+",
    conda:
        "../../envs/torch.yaml"
    threads: 256  # a whole run: Snakemake lowers this to the cores it is given
    params:
        config=lambda wildcards: world_config(config, int(wildcards.world)),
    message:
        "Verdicts on generated world {wildcards.world} (a whole run of the grid)"
    script:
        "../scripts/stability_world.py"


rule tab04_verdict_stability:
    input:
        notebook="notebooks/tab04_verdict_stability.py",
        claims=expand(f"{STABILITY}/world{{world}}/claims.csv", world=WORLDS),
        code=code_of(
            "workflow/scripts/run_notebook.py", "notebooks/tab04_verdict_stability.py"
        ),
    output:
        **artefact_outputs("tab04_verdict_stability", results=STABILITY),
    log:
        f"{STABILITY}/logs/tab04_verdict_stability.log",
    conda:
        "../../envs/figures.yaml"
    params:
        worlds=WORLDS,
    message:
        "Table 4: how many generated worlds give each verdict"
    script:
        "../scripts/run_notebook.py"


rule verdict_stability:
    input:
        rules.tab04_verdict_stability.output,
