"""Dates as real inventories write them, reduced to calendar days in the study's time zone.

A temporal model reads the rain of the days before each landslide, so a date that is silently
shifted (a year alone taken as 1 January, 03/04 read the wrong way round, a UTC time read as the
local day) trains it on the wrong window. Every value is therefore read on its own terms: a full
day in any common form is accepted; a time with an offset is converted to the study's time zone
before it is reduced to its day; a naive time is taken as local time; anything that is not a full
day (missing, unreadable, ambiguous, a year or a year-month) is refused with one line that counts
and shows the offending values, unless the study declares the coarser precision it has.

Rows are reported as the series' index plus one: the feature number of a vector file, the data
row of a CSV (header not counted).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Hashable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from dateutil import parser as dateutil_parser

from lsm.errors import InputError

PRECISIONS = ("day", "month", "year")
_COARSENESS = {"day": 0, "month": 1, "year": 2}
# pandas holds days in datetime64[ns]: years outside this span cannot be represented.
_FIRST_YEAR, _LAST_YEAR = 1678, 2261

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}(?:\.0*)?")  # 2019, or 2019.0 as a spreadsheet writes a year
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{4})")
_YEAR_FIRST_DAY = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ].*)?")
_COMPACT_DAY = re.compile(r"\d{8}")
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")
# Two defaults that differ in every field: a field that changes with the default was not given.
_DEFAULT_A, _DEFAULT_B = dt.datetime(2001, 1, 1), dt.datetime(2002, 2, 2)

_KIND_ORDER = ("bad", "ambiguous", "missing", "year", "month")
_FIXES = {
    "bad": "write dates as ISO days, e.g. 2019-03-25",
    "ambiguous": "write dates as ISO days (YYYY-MM-DD): 03/04/2019 may be 3 April or 4 March",
    "missing": "give every row its date (an ISO day, e.g. 2019-03-25) or remove those rows",
}

_PROBLEMS = {
    "bad": "cannot be read as a day",
    "ambiguous": "may be day-first or month-first",
    "missing": "are missing",
    "year": "give only a year, not a full day",
    "month": "give only a year and month, not a full day",
}

Reading = tuple[str, pd.Timestamp | None]


def check_timezone(name: Any, source: str | Path) -> ZoneInfo:
    """The IANA time zone ``name`` (e.g. "Asia/Tehran"), or one line saying it is not one."""
    try:
        if not isinstance(name, str):
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise InputError(
            source,
            f"timezone {name!r} is not an IANA time zone name",
            "write e.g. timezone: Asia/Tehran, Europe/Rome or UTC (the tz database names)",
        ) from err


def check_precision(precision: Any, source: str | Path) -> str:
    """The declared date precision ("day", "month" or "year"), or one line saying it is not one."""
    if precision not in PRECISIONS:
        raise InputError(
            source,
            f"date_precision {precision!r} is not one of {', '.join(PRECISIONS)}",
            "write date_precision: day (the default), month or year",
        )
    return str(precision)


def parse_days(
    values: pd.Series,
    source: str | Path,
    timezone: str = "UTC",
    precision: str = "day",
    what: str = "date",
) -> pd.Series:
    """Calendar days (tz-naive datetime64[ns], midnight) of ``values`` in ``timezone``.

    Partial dates are accepted only down to the declared ``precision`` and then stand for the first
    day of their month or year; everything else that is not a full day raises one InputError.
    """
    zone = check_timezone(timezone, source)
    precision = check_precision(precision, source)
    days = _fast_days(values, zone)
    if days is not None:
        return days
    readings = [_read_one(value) for value in values]
    _refuse_problems(values, readings, source, precision, what)
    local = [_local_day(stamp, zone) for _, stamp in readings]
    return pd.Series(pd.DatetimeIndex(local).astype("datetime64[ns]"), index=values.index, name=values.name)


def _fast_days(values: pd.Series, zone: ZoneInfo) -> pd.Series | None:
    """Whole columns that need no per-value reading: datetime columns and ISO day strings."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype) and values.notna().all():
        stamps = values.dt.tz_convert(zone).dt.tz_localize(None) if values.dt.tz is not None else values
        years = stamps.dt.year
        if years.between(_FIRST_YEAR, _LAST_YEAR).all():
            return stamps.dt.normalize().astype("datetime64[ns]")
        return None
    if values.map(lambda v: isinstance(v, str) and _ISO_DAY.fullmatch(v) is not None).all():
        days = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        if days.notna().all() and days.dt.year.between(_FIRST_YEAR, _LAST_YEAR).all():
            return days.astype("datetime64[ns]")
    return None


def _read_one(value: Any) -> Reading:
    """(kind, timestamp) of one value; kind is day, month, year, missing, bad or ambiguous."""
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return "missing", None
    if isinstance(value, bool | np.bool_):
        return "bad", None
    if isinstance(value, dt.date | np.datetime64):
        try:
            return _checked("day", pd.Timestamp(value))
        except (ValueError, OverflowError):
            return "bad", None
    if isinstance(value, int | float | np.integer | np.floating):
        return _read_number(float(value))
    if isinstance(value, str):
        return _read_text(value.strip())
    return "bad", None


def _checked(kind: str, stamp: pd.Timestamp) -> Reading:
    """A reading whose day pandas can hold (datetime64[ns]); others are unreadable."""
    if stamp is pd.NaT:
        return "missing", None
    if not _FIRST_YEAR <= stamp.year <= _LAST_YEAR:
        return "bad", None
    return kind, stamp


def _read_number(number: float) -> Reading:
    """A year (2019), a compact ISO day (20190325); other numbers (Excel serial days ...) are not dates."""
    if not number.is_integer():
        return "bad", None
    whole = int(number)
    if _FIRST_YEAR <= whole <= _LAST_YEAR:
        return "year", pd.Timestamp(year=whole, month=1, day=1)
    if 10_000_000 <= whole <= 99_999_999:
        return _read_text(str(whole))
    return "bad", None


def _read_text(text: str) -> Reading:
    """A date written as text, year first (ISO and its variants) or in words and day/month orders."""
    if not text:
        return "missing", None
    if _YEAR.fullmatch(text):
        return _checked("year", pd.Timestamp(year=int(text[:4]), month=1, day=1))
    for pattern, year_group, month_group in ((_YEAR_MONTH, 1, 2), (_MONTH_YEAR, 2, 1)):
        match = pattern.fullmatch(text)
        if match:
            year, month = int(match.group(year_group)), int(match.group(month_group))
            if not 1 <= month <= 12:
                return "bad", None
            return _checked("month", pd.Timestamp(year=year, month=month, day=1))
    if _COMPACT_DAY.fullmatch(text):
        return _parse_stamp(f"{text[:4]}-{text[4:6]}-{text[6:]}")
    if _YEAR_FIRST_DAY.fullmatch(text):  # never day-first: 2019-13-01 is an error, not 13 January
        return _parse_stamp(text)
    if text[:4].isdigit():
        return "bad", None
    return _parse_words(text)


def _parse_stamp(text: str) -> Reading:
    try:
        return _checked("day", pd.Timestamp(text))
    except (ValueError, OverflowError):
        return "bad", None


def _parse_words(text: str) -> Reading:
    """Free forms (25 March 2019, 25/03/2019, March 2019) read by dateutil, refusing any guess:
    no four-digit year, a time zone it does not know, or a day/month order that matters."""
    if not _FOUR_DIGITS.search(text):
        return "bad", None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # UnknownTimezoneWarning: "10:00 EST" would lose its zone
            month_first = dateutil_parser.parse(text, default=_DEFAULT_A, dayfirst=False)
            day_first = dateutil_parser.parse(text, default=_DEFAULT_A, dayfirst=True)
            other_default = dateutil_parser.parse(text, default=_DEFAULT_B, dayfirst=False)
    except (ValueError, OverflowError, Warning):
        return "bad", None
    if month_first != day_first:
        return "ambiguous", None
    if month_first.year != other_default.year:
        return "bad", None
    if month_first.month != other_default.month:
        return _checked("year", pd.Timestamp(year=month_first.year, month=1, day=1))
    if month_first.day != other_default.day:
        return _checked("month", pd.Timestamp(year=month_first.year, month=month_first.month, day=1))
    return _checked("day", pd.Timestamp(month_first))


def _local_day(stamp: pd.Timestamp, zone: ZoneInfo) -> pd.Timestamp:
    """The calendar day of ``stamp`` in ``zone``; a naive time is already local."""
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(zone).tz_localize(None)
    return stamp.normalize()


def _refuse_problems(
    values: pd.Series, readings: list[Reading], source: str | Path, precision: str, what: str
) -> None:
    """One InputError naming every kind of problem, how many values and the first ones."""
    allowed = _COARSENESS[precision]
    rows: dict[str, list[int]] = {kind: [] for kind in _KIND_ORDER}
    for position, (kind, _) in enumerate(readings):
        if kind in ("bad", "ambiguous", "missing") or _COARSENESS.get(kind, 0) > allowed:
            rows[kind].append(position)
    found = [kind for kind in _KIND_ORDER if rows[kind]]
    if not found:
        return
    parts = [_describe(kind, rows[kind], values, what) for kind in found]
    fixes = dict.fromkeys(_fix(kind, precision) for kind in found)  # distinct, in order
    raise InputError(source, "; ".join(parts), "; ".join(fixes))


def _describe(kind: str, positions: list[int], values: pd.Series, what: str) -> str:
    shown = ", ".join(_show(values.index[p], values.iloc[p], kind) for p in positions[:3])
    more = ", ..." if len(positions) > 3 else ""
    return f"{len(positions)} {what}(s) {_PROBLEMS[kind]} ({shown}{more})"


def _show(label: Hashable, value: Any, kind: str) -> str:
    row = label + 1 if isinstance(label, int | np.integer) else label
    if kind == "missing":
        return f"row {row}"
    text = repr(value) if isinstance(value, str) else str(value)
    return f"row {row}: {text[:40]}"


def _fix(kind: str, precision: str) -> str:
    if kind in _FIXES:
        return _FIXES[kind]
    if precision == "month":
        return "give at least year and month (2019-03), or declare date_precision: year in study.yaml"
    return (
        "give full ISO days (2019-03-25), or declare date_precision: month or year in study.yaml "
        "(the temporal models are then skipped)"
    )
