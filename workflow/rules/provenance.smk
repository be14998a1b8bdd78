# Provenance (lsm.provenance): every output folder of results/<study>/ gets a provenance.json (git
# commit, configuration digest, seeds, package versions, the SHA-256 of its files), written after
# everything in it; the training jobs write their own run folder's. The report shows them as one
# table (provenance.csv); the manuscript states them (paper/provenance.tex).


rule provenance:
    input:
        contents=folder_contents,
        code=code_of("workflow/scripts/provenance.py"),
    output:
        manifest=f"{RESULTS}/{{folder}}/provenance.json",
    log:
        f"{LOGS}/provenance/{{folder}}.log",
    wildcard_constraints:
        folder="|".join(PROVENANCE_FOLDERS),
    conda:
        "../../envs/torch.yaml"
    params:
        config=config,
    message:
        "Provenance of {wildcards.folder}/"
    script:
        "../scripts/provenance.py"


rule provenance_table:
    input:
        manifests=expand(
            f"{RESULTS}/{{folder}}/provenance.json", folder=PROVENANCE_FOLDERS
        ),
        code=code_of("workflow/scripts/provenance_table.py"),
    output:
        table=report(
            f"{RESULTS}/provenance.csv",
            caption="../report/provenance.rst",
            category="Provenance",
        ),
    log:
        f"{LOGS}/provenance/table.log",
    conda:
        "../../envs/torch.yaml"
    message:
        "Provenance of every results folder, as one table"
    script:
        "../scripts/provenance_table.py"
