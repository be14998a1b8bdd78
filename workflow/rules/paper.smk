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
        },
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
