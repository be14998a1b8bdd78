# Figures and tables: one jupytext notebook and one rule each, run through papermill.
# Parameters reach the notebook as data (a YAML file recorded beside the executed notebook).


rule fig00_paper_reported:
    input:
        notebook="notebooks/fig00_paper_reported.py",
        reported="paper/reported.yaml",
    output:
        png=report(
            f"{RESULTS}/figures/fig00_paper_reported.png",
            caption="../report/fig00_paper_reported.rst",
            category="Paper",
        ),
        pdf=f"{RESULTS}/figures/fig00_paper_reported.pdf",
        notebook=f"{RESULTS}/notebooks/fig00_paper_reported.ipynb",
        parameters=f"{RESULTS}/notebooks/fig00_paper_reported.parameters.yaml",
    log:
        f"{LOGS}/fig00_paper_reported.log",
    conda:
        "../../envs/figures.yaml"
    params:
        dpi=config["figures"]["dpi"],
    message:
        "Figure 0: the paper's reported model comparison"
    script:
        "../scripts/run_notebook.py"
