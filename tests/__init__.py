"""The test suite, by workflow stage: the same names as src/lsm/ and workflow/rules/."""
