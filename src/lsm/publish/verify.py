"""The reviewer's verdict: a finished run checked, item by item, against its published reference.

The reference (``paper/reference/<study>.yaml``, written by ``make reference``) holds every number
and verdict the README, the manuscript and the tables state, and the digests of the prepared data.
Its ``tolerances`` block says, per group of items (shell patterns over the dotted item names), how
far a number may move and why: ``exact`` (digests, verdicts, counts), ``ignore`` (what describes the
run rather than its result), or an absolute bound measured by ``benchmarks/cpu_spread.py`` (the
spread a CPU with other vector instructions gives the same code), or ``cpu-dependent`` (an item, such as
a verdict whose p-value sits near alpha, that measured runs on two CPUs gave differently: it is shown
whenever it differs, counted apart, and does not fail the check). Items no rule names are exact; where
several rules name an item, the most specific one (most characters that are not wildcards) counts.

``python -m lsm verify`` prints one line per item that is not identical and a one-line summary, and
exits non-zero when any item differs, is missing from the run, or is new to the reference.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsm.data.io import read_yaml
from lsm.errors import InputError
from lsm.names import CPU_DEPENDENT

EXACT, IGNORE = "exact", "ignore"
RUN_DESCRIPTION = ("made.commit", "made.uncommitted_changes", "made.created")  # never results
IDENTICAL, WITHIN, DIFFERS, MISSING, NEW, IGNORED, DIFFERS_BY_CPU = (
    "identical",
    "reproduced within tolerance",
    "differs",
    "missing from the run",
    "not in the reference",
    "ignored",
    "differs, as measured between CPUs",
)
REPRODUCED = (IDENTICAL, WITHIN)


@dataclass(frozen=True)
class Tolerance:
    """How far the items that ``items`` matches may move: ``exact``, ``ignore`` or a bound."""

    items: str
    within: float | str
    reason: str

    def __post_init__(self) -> None:
        if not isinstance(self.within, int | float) and self.within not in (EXACT, IGNORE, CPU_DEPENDENT):
            raise ValueError(
                f"tolerance of {self.items!r}: within must be a number, 'exact', 'ignore' or 'cpu-dependent'"
            )


@dataclass(frozen=True)
class Check:
    """One item: its value in the reference and in the run, and what the comparison found."""

    item: str
    reference: Any
    found: Any
    status: str
    tolerance: Tolerance | None = None

    def line(self) -> str:
        """The line ``verify`` prints for an item that is not identical."""
        if self.status in (MISSING, NEW):
            value = self.reference if self.status == MISSING else self.found
            return f"{self.status}: {self.item} ({value!r})"
        text = f"{self.status}: {self.item}: reference {self.reference!r}, this run {self.found!r}"
        if self.status == DIFFERS_BY_CPU and self.tolerance is not None:
            return f"{text} ({self.tolerance.reason})"
        if _is_number(self.reference) and _is_number(self.found):
            text += f" (|difference| {abs(self.found - self.reference):.4g}"
            if self.tolerance is not None and not isinstance(self.tolerance.within, str):
                text += f", tolerance {self.tolerance.within:g}: {self.tolerance.reason}"
            text += ")"
        return text


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as one mapping of dotted item names (lists stay one value)."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            out.update(flatten(value, name))
        else:
            out[name] = value
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def read_tolerances(reference: Mapping[str, Any], source: Path | str = "the reference") -> list[Tolerance]:
    """The reference's ``tolerances`` rules, after the run's description (always ignored)."""
    rules = [Tolerance(item, IGNORE, "describes the run, not its result") for item in RUN_DESCRIPTION]
    for i, rule in enumerate(reference.get("tolerances") or []):
        try:
            rules.append(Tolerance(str(rule["items"]), rule["within"], str(rule["reason"])))
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(
                source, f"tolerances[{i}] is not a rule ({err})", "give each rule items, within and reason"
            ) from err
    return rules


# A verdict whose p-value in the reference lies within this factor of alpha (alpha / 2 to 2 alpha) is
# fragile: another CPU's rounding, or one seed more, may move it across alpha (the default study's
# SVM comparison did, at p = 0.061). verify declares it so and shows it apart, whatever its rules say.
FRAGILE_FACTOR = 2.0


def fragile_rules(reference: Mapping[str, Any], alpha: float) -> list[Tolerance]:
    """A rule per comparison verdict of ``reference`` whose p lies near ``alpha``."""
    low, high = alpha / FRAGILE_FACTOR, alpha * FRAGILE_FACTOR
    rules = []
    for scheme, models in (reference.get("comparisons") or {}).items():
        for model, values in models.items():
            p = values.get("p") if isinstance(values, Mapping) else None
            if isinstance(p, int | float) and low <= p <= high:
                rules.append(
                    Tolerance(
                        f"comparisons.{scheme}.{model}.verdict",
                        CPU_DEPENDENT,
                        f"fragile: p = {p:.3g} lies within [{low:g}, {high:g}], near alpha = {alpha:g}",
                    )
                )
    return rules


def specificity(pattern: str) -> int:
    """How specific a rule's pattern is: its characters that are not wildcards (an item's own name
    is the most specific pattern it has)."""
    return len(pattern) - sum(pattern.count(c) for c in "*?[]")


def tolerance_for(item: str, rules: list[Tolerance]) -> Tolerance | None:
    """The most specific rule whose pattern matches ``item`` (a broad ``time_ablation.*`` must not
    shadow a bound measured for ``time_ablation.*.cnn_lstm.*.drop``), or None (exact). Two rules of
    equal specificity that match and disagree are an error: which one counts would be an accident of
    their order."""
    matching = [rule for rule in rules if fnmatch.fnmatchcase(item, rule.items)]
    if not matching:
        return None
    top = max(specificity(rule.items) for rule in matching)
    best = [rule for rule in matching if specificity(rule.items) == top]
    if len({rule.within for rule in best}) > 1:
        raise ValueError(
            f"{item} is matched by rules of equal specificity that disagree: "
            + ", ".join(f"{rule.items!r} ({rule.within})" for rule in best)
        )
    return best[0]


def compare_item(item: str, reference: Any, found: Any, rule: Tolerance | None) -> Check:
    """One item of the reference against the run."""
    if rule is not None and rule.within == IGNORE:
        return Check(item, reference, found, IGNORED, rule)
    numbers = _is_number(reference) and _is_number(found)
    if reference == found or (numbers and math.isnan(reference) and math.isnan(found)):
        return Check(item, reference, found, IDENTICAL, rule)
    bound = rule.within if rule is not None and not isinstance(rule.within, str) else None
    if numbers and bound is not None and abs(found - reference) <= float(bound) + 1e-12:
        return Check(item, reference, found, WITHIN, rule)
    if rule is not None and rule.within == CPU_DEPENDENT:
        return Check(item, reference, found, DIFFERS_BY_CPU, rule)
    return Check(item, reference, found, DIFFERS, rule)


def compare(reference: Mapping[str, Any], found: Mapping[str, Any], rules: list[Tolerance]) -> list[Check]:
    """Every item of the reference and of the run, in the reference's order, then the run's new ones."""
    ref = flatten({k: v for k, v in reference.items() if k != "tolerances"})
    run = flatten(found)
    checks = [
        Check(item, value, None, MISSING, tolerance_for(item, rules))
        if item not in run
        else compare_item(item, value, run[item], tolerance_for(item, rules))
        for item, value in ref.items()
    ]
    new = [
        Check(item, None, value, NEW, tolerance_for(item, rules))
        for item, value in run.items()
        if item not in ref
    ]
    return checks + [c for c in new if c.tolerance is None or c.tolerance.within != IGNORE]


@dataclass(frozen=True)
class Verdict:
    """The checks of one run against one reference, and their summary."""

    results: Path
    reference: Path
    checks: list[Check]
    fragile: list[str] = field(default_factory=list)  # verdicts declared fragile (p near alpha)

    def count(self, *statuses: str) -> int:
        """How many checks ended in one of ``statuses``."""
        return sum(check.status in statuses for check in self.checks)

    @property
    def ok(self) -> bool:
        """True when every checked item was reproduced (or differs only where the reference declares
        it CPU-dependent)."""
        return self.count(DIFFERS, MISSING, NEW) == 0

    def summary(self) -> str:
        """The one-line summary: how many items were reproduced, and how many differ."""
        checked = len(self.checks) - self.count(IGNORED)
        reproduced = self.count(*REPRODUCED)
        by_cpu = self.count(DIFFERS_BY_CPU)
        return (
            f"{self.results} against the workspace's committed reference run {self.reference} (a check "
            f"of this run, not of the paper): {reproduced} of {checked} items reproduced "
            f"({self.count(IDENTICAL)} identical, {self.count(WITHIN)} within tolerance), "
            f"{checked - reproduced - by_cpu} differ"
            + (f", {by_cpu} differ as measured between CPUs" if by_cpu else "")
        )

    def lines(self) -> list[str]:
        """One line per checked item that is not identical, then the summary."""
        shown = [c.line() for c in self.checks if c.status not in (IDENTICAL, IGNORED)]
        if self.fragile:
            shown.append(
                f"fragile verdicts (p within a factor {FRAGILE_FACTOR:g} of alpha; apart if they move): "
                + ", ".join(item.removesuffix(".verdict") for item in self.fragile)
            )
        return [*shown, self.summary()]


def verify(results: str | Path, reference: str | Path, alpha: float | None = None) -> Verdict:
    """Check the finished run in ``results`` against the reference file ``reference``; with ``alpha``
    (the run's significance level), verdicts whose p lies near it are declared fragile."""
    from lsm.publish.findings import collect

    results, reference = Path(results), Path(reference)
    if not reference.is_file():
        raise InputError(
            reference, "missing: no published reference for this study", "write one with `make reference`"
        )
    published = read_yaml(reference)
    rules = read_tolerances(published, reference)
    declared = {rule.items for rule in rules}
    fragile = [r for r in fragile_rules(published, alpha) if r.items not in declared] if alpha else []
    rules += fragile
    try:
        checks = compare(published, collect(results), rules)
    except ValueError as err:
        raise InputError(reference, f"tolerances: {err}", "remove one of the rules or narrow one") from err
    return Verdict(results, reference, checks, [rule.items for rule in fragile])


def set_tolerances(reference: str | Path, rules: list[dict[str, Any]]) -> None:
    """Rewrite the ``tolerances`` block of the reference file (its findings and header kept)."""
    import yaml

    from lsm.data.io import write_text

    reference = Path(reference)
    text = reference.read_text() if reference.is_file() else ""
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    body = {k: v for k, v in (yaml.safe_load(text) or {}).items() if k != "tolerances"}
    for rule in rules:
        Tolerance(rule["items"], rule["within"], rule["reason"])  # each rule must be valid
    body["tolerances"] = rules
    write_text(reference, header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100))
