# The synthetic Kerman-like study (lsm.synthetic): data contract plus truth/, from one seed.


rule synthesize:
    input:
        code=code_of("workflow/scripts/synthesize.py"),
    output:
        [f"{SYNTHETIC_RAW}/{name}" for name in SYNTHETIC_FILES + TRUTH_FILES],
    log:
        f"results/{SYNTHETIC}/logs/synthesize.log",
    benchmark:
        f"results/{SYNTHETIC}/benchmarks/synthesize.tsv"
    conda:
        "../../envs/geo.yaml"
    threads: 1
    resources:
        mem_mb=6000,
        runtime=30,
    params:
        synthetic=SYNTHETIC_BLOCK,
        folder=lambda wildcards, output: os.path.dirname(output[0]),
    message:
        "Synthetic study '{SYNTHETIC}' (preset {SYNTHETIC_BLOCK[preset]}, seed {SYNTHETIC_BLOCK[seed]})"
    script:
        "../scripts/synthesize.py"
