# Publishing: every figure and table of workflow/manifest.yaml (one rule each, generated below from
# the manifest: a notebook run through papermill with the inputs and params its entry declares), the
# provenance of every results folder, the manuscript, and the verdict-stability target.


for artefact in ARTEFACTS.values():

    rule:
        name:
            artefact.rule
        input:
            unpack(artefact_inputs(artefact)),
            notebook=artefact.notebook,
            code=code_of("workflow/scripts/run_notebook.py", artefact.notebook),
        output:
            **artefact_outputs(artefact.id, results=artefact_results(artefact)),
        log:
            f"{artefact_results(artefact)}/logs/{artefact.id}.log",
        benchmark:
            f"{artefact_results(artefact)}/benchmarks/artefacts/{artefact.id}.tsv"
        conda:
            "../../envs/figures.yaml"
        params:
            **artefact_params(artefact),
        message:
            artefact.title
        script:
            "../scripts/run_notebook.py"


# Verdict stability across generated worlds (tab04): not in the default target, it runs the whole
# grid once per world: `snakemake --cores all verdict_stability`.
rule verdict_stability:
    input:
        rules.tab04_verdict_stability.output,


# Provenance (lsm.publish.provenance): every output folder of results/<study>/ gets a provenance.json (git
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


# The report's landing page: the answer (each claim, the paper's number, ours and the verdict by
# scheme) and the paper-against-ours and schemes figures, then the workflow's description. The
# Snakefile's `report:` points at it once it exists.
rule scorecard_page:
    input:
        summary=rules.evaluate.output.summary,
        comparisons=rules.evaluate.output.comparisons,
        claims=rules.evaluate.output.claims,
        reported="paper/reported.yaml",
        intro="workflow/report/workflow.rst",
        figures=[ARTEFACTS[name].outputs(RESULTS)["png"] for name in SCORECARD_FIGURES],
        code=code_of("workflow/scripts/scorecard_page.py"),
    output:
        page=SCORECARD_PAGE,
    log:
        f"{LOGS}/scorecard_page.log",
    conda:
        "../../envs/figures.yaml"
    params:
        study=STUDY,
        titles=[ARTEFACTS[name].title for name in SCORECARD_FIGURES],
    message:
        "The report's landing page: the answer, then the paper's numbers beside ours"
    script:
        "../scripts/scorecard_page.py"


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


# The replication manuscript (paper/manuscript.tex): its numbers as macros, the floats of the
# manifest's artefacts, and the PDF built with latexmk (TeX Live from the system; `make replicate`
# builds it where latexmk exists). Not part of `all`: the PDF needs TeX, the rest does not.

PAPER = f"{RESULTS}/paper"


rule paper_macros:
    input:
        unpack(
            lambda wildcards: (
                {"truth": f"{SYNTHETIC_RAW}/truth/summary.json"}
                if IS_SYNTHETIC
                else {}
            )
            | (
                {
                    "claims_both_ways": ARTEFACTS[
                        "tab06_claims_tuned_untuned"
                    ].outputs(RESULTS)["csv"]
                }
                if TUNED
                else {}
            )
        ),
        reported="paper/reported.yaml",
        factors=rules.factors.output.factors,
        samples_summary=rules.samples.output.summary,
        balance=rules.samples.output.balance,
        splits_info=rules.splits.output.info,
        runs=rules.runs_table.output.runs,
        skipped=rules.runs_table.output.skipped,
        summary=rules.evaluate.output.summary,
        comparisons=rules.evaluate.output.comparisons,
        references=rules.evaluate.output.references,
        ablation=rules.evaluate.output.ablation,
        where_when=rules.evaluate.output.where_when,
        claims=rules.evaluate.output.claims,
        proximity=rules.evaluate.output.proximity,
        absences=rules.evaluate.output.absences,
        map_shares=rules.map_tables.output.classes,
        map_summary=rules.map_tables.output.summary,
        importance=rules.importance.output.summary,
        realism=rules.realism.output.realism,
        realism_ranges="paper/realism_ranges.yaml",
        open_choices="paper/open_choices.yaml",
        code=code_of("workflow/scripts/paper_macros.py"),
    output:
        macros=f"{PAPER}/macros.tex",
    log:
        f"{LOGS}/paper_macros.log",
    conda:
        "../../envs/figures.yaml"
    params:
        config={
            key: config[key]
            for key in (
                "grid",
                "factors",
                "sampling",
                "splits",
                "models",
                "evaluation",
                "tuning",
            )
        }
        # the one mapping key the register of open choices names (the rest would rerun it for nothing)
        | {"mapping": {"classes": config["mapping"]["classes"]}},
        study=STUDY,
    message:
        "Manuscript: every number of its text as a LaTeX macro"
    script:
        "../scripts/paper_macros.py"


rule paper_artefacts:
    input:
        manifest="workflow/manifest.yaml",
        captions=[a.caption for a in ARTEFACTS.values()],
        code=code_of("workflow/scripts/paper_artefacts.py"),
    output:
        artefacts=f"{PAPER}/artefacts.tex",
    log:
        f"{LOGS}/paper_artefacts.log",
    conda:
        "../../envs/paper.yaml"
    params:
        skipped=PLAN.skipped_artefacts,
    message:
        "Manuscript: the floats of the manifest's figures and tables"
    script:
        "../scripts/paper_artefacts.py"


rule paper_provenance:
    input:
        manifests=rules.provenance_table.input.manifests,
        code=code_of("workflow/scripts/paper_provenance.py"),
    output:
        provenance=f"{PAPER}/provenance.tex",
    log:
        f"{LOGS}/paper_provenance.log",
    conda:
        "../../envs/torch.yaml"
    message:
        "Manuscript: the provenance of the results as LaTeX macros"
    script:
        "../scripts/paper_provenance.py"


rule paper:
    input:
        manuscript="paper/manuscript.tex",
        macros=rules.paper_macros.output.macros,
        artefacts=rules.paper_artefacts.output.artefacts,
        provenance=rules.paper_provenance.output.provenance,
        files=[
            f"{RESULTS}/{ARTEFACTS[name].manuscript_file()}" for name in PLAN.artefacts
        ],
        code=code_of("workflow/scripts/paper.py"),
    output:
        pdf=report(
            f"{RESULTS}/paper.pdf",
            caption="../report/paper.rst",
            category="Manuscript",
        ),
    log:
        f"{LOGS}/paper.log",
    conda:
        "../../envs/paper.yaml"
    params:
        results=lambda wildcards, output: Path(output.pdf).parent,
        latexmk_log=lambda wildcards, output: Path(output.pdf).parent
        / "paper/build/latexmk.log",
    message:
        "Manuscript: {output.pdf} with latexmk"
    script:
        "../scripts/paper.py"


# A reproducibility checklist (REFORMS) answered from the run's own records (lsm.publish.checklist).


rule checklist:
    input:
        study=f"{RAW}/study.yaml",
        plan=f"{RESULTS}/plan.json",
        samples=f"{RESULTS}/samples/summary.json",
        splits=f"{RESULTS}/samples/splits.json",
        proximity=rules.evaluate.output.proximity,
        provenance=rules.provenance_table.output.table,
        claims=f"{RESULTS}/metrics/claims.csv",
        code=code_of("workflow/scripts/checklist.py"),
    output:
        table=report(
            f"{RESULTS}/checklist.csv",
            caption="../report/checklist.rst",
            category="Provenance",
        ),
    log:
        f"{LOGS}/checklist.log",
    conda:
        "../../envs/workflow.yaml"
    params:
        settings={
            "sampling_seed": config["sampling"]["seed"],
            "split_seed": config["splits"]["seed"],
            "tuning": config["tuning"],
            "evaluation": config["evaluation"],
        },
    message:
        "The reproducibility checklist of study '{STUDY}', answered from the run"
    script:
        "../scripts/checklist.py"


# The command and cost of every figure, table and the claims (lsm.publish.costs): the jobs each one
# needs, from Snakemake's own DAG, and their benchmark files, summed. After the provenance table, so
# that every job it sums has finished. The DAG depends on the whole configuration, which it takes as a
# parameter (as the provenance does): a changed key reruns it, as it reruns the jobs whose costs it sums.


rule costs:
    input:
        after=rules.provenance_table.output.table,
        code=code_of("workflow/scripts/costs.py"),
    output:
        table=report(
            f"{RESULTS}/costs.csv",
            caption="../report/costs.rst",
            category="Provenance",
        ),
    log:
        f"{LOGS}/costs.log",
    conda:
        "../../envs/workflow.yaml"
    params:
        results=costed_results(),
        config=config,
    message:
        "The command and cost of every figure, table and the claims of study '{STUDY}'"
    script:
        "../scripts/costs.py"
