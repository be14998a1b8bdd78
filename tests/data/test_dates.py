"""Dates of any real-world form become the right calendar day in the study's time zone; what is not
a full day is refused with one line, unless the study declares its coarser precision."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import yaml

from lsm.data.io.dates import parse_days
from lsm.data.io.study import Study
from lsm.errors import InputError

MARCH_25, MARCH_26 = pd.Timestamp("2019-03-25"), pd.Timestamp("2019-03-26")


def days(values, **options) -> list[pd.Timestamp]:
    parsed = parse_days(pd.Series(values), "inventory.gpkg", **options)
    assert parsed.dtype == "datetime64[ns]"
    assert (parsed == parsed.dt.normalize()).all()
    return list(parsed)


@pytest.mark.parametrize(
    ("value", "utc_day", "tehran_day"),
    [
        ("2019-03-25", MARCH_25, MARCH_25),
        ("2019-03-25T23:30:00Z", MARCH_25, MARCH_26),
        ("2019-03-25 10:00:00Z", MARCH_25, MARCH_25),
        # Tehran kept summer time (+04:30) from 22 March 2019
        ("2019-03-25T23:30:00+02:00", MARCH_25, MARCH_26),  # 21:30 UTC, 02:00 in Tehran
        ("2019-03-26T00:29:00+05:00", MARCH_25, MARCH_25),  # 19:29 UTC, 23:59 in Tehran
        ("2019-03-26T00:31:00+05:00", MARCH_25, MARCH_26),  # 19:31 UTC, 00:01 in Tehran
        ("2019-03-25T23:30:00", MARCH_25, MARCH_25),  # naive: already local time
        (dt.date(2019, 3, 25), MARCH_25, MARCH_25),
        (dt.datetime(2019, 3, 25, 23, 30, tzinfo=dt.UTC), MARCH_25, MARCH_26),
        (pd.Timestamp("2019-03-26 02:00", tz="Asia/Tehran"), MARCH_25, MARCH_26),
        (np.datetime64("2019-03-25T23:30"), MARCH_25, MARCH_25),
        ("25 March 2019", MARCH_25, MARCH_25),
        ("25/03/2019", MARCH_25, MARCH_25),  # only one reading: no month 25
        ("20190325", MARCH_25, MARCH_25),
    ],
)
def test_each_form_gives_its_calendar_day(value, utc_day, tehran_day) -> None:
    assert days([value]) == [utc_day]
    assert days([value], timezone="Asia/Tehran") == [tehran_day]


def test_a_utc_column_is_converted_as_a_whole() -> None:
    column = pd.Series(pd.to_datetime(["2019-03-25T23:30Z", "2019-03-25T12:00Z"])).dt.as_unit("ms")
    assert days(column, timezone="Asia/Tehran") == [MARCH_26, MARCH_25]
    assert days(column, timezone="America/Lima") == [MARCH_25, MARCH_25]
    assert days(column) == [MARCH_25, MARCH_25]


@pytest.mark.parametrize(
    ("values", "words"),
    [
        (
            ["2019-03-25", "2019", "2018-07-02", 2017],
            "2 date(s) give only a year, not a full day (row 2: '2019', row 4: 2017)",
        ),
        (
            ["2019-03", "2019-03-25", "03/2019"],
            "2 date(s) give only a year and month, not a full day (row 1: '2019-03', row 3: '03/2019')",
        ),
        (["03/04/2019", "2019-03-25"], "1 date(s) may be day-first or month-first (row 1: '03/04/2019')"),
        (["2019-03-25", None, "", np.nan, "2019-03-26"], "3 date(s) are missing (row 2, row 3, row 4)"),
        (
            ["yesterday", "2019-02-30", "2019-13-01", "March 25", "10:00 EST 2019-03-25"],
            "5 date(s) cannot be read as a day "
            "(row 1: 'yesterday', row 2: '2019-02-30', row 3: '2019-13-01', ...)",
        ),
    ],
)
def test_what_is_not_a_full_day_is_refused_with_rows(values, words: str) -> None:
    with pytest.raises(InputError) as info:
        parse_days(pd.Series(values), "inventory.gpkg")
    message = str(info.value)
    assert message.startswith("inventory.gpkg: ")
    assert words in message, message
    assert "\n" not in message and "Fix: " in message


def test_declared_precision_accepts_partial_dates_as_the_first_day() -> None:
    values = ["2019-03", "03/2019", "2019-03-25", "March 2018"]
    expected = [pd.Timestamp(d) for d in ("2019-03-01", "2019-03-01", "2019-03-25", "2018-03-01")]
    assert days(values, precision="month") == expected
    assert days(["2019", 2018, "2019-03"], precision="year") == [
        pd.Timestamp("2019-01-01"),
        pd.Timestamp("2018-01-01"),
        pd.Timestamp("2019-03-01"),
    ]
    with pytest.raises(InputError, match=r"1 date\(s\) give only a year.*date_precision: year"):
        parse_days(pd.Series(["2019-03", "2019"]), "inventory.gpkg", precision="month")


def test_unknown_time_zone_and_precision_are_refused() -> None:
    with pytest.raises(InputError, match="'Asia/Teheran' is not an IANA time zone name"):
        parse_days(pd.Series(["2019-03-25"]), "study.yaml", timezone="Asia/Teheran")
    with pytest.raises(InputError, match="date_precision 'week' is not one of day, month, year"):
        parse_days(pd.Series(["2019-03-25"]), "study.yaml", precision="week")


# -- through the study's readers -------------------------------------------------------------------
def study_copy(tiny_study_dir: Path, tmp_path: Path, **meta) -> Path:
    study = tmp_path / "study"
    shutil.copytree(tiny_study_dir, study, ignore=shutil.ignore_patterns("truth"))
    description = yaml.safe_load((study / "study.yaml").read_text())
    description.update(meta)
    (study / "study.yaml").write_text(yaml.safe_dump(description))
    return study


def write_dates(study: Path, dates) -> None:
    """Replace the inventory's dates as a desktop GIS would write them (GeoPackage via OGR)."""
    inventory = gpd.read_file(study / "inventory.gpkg")
    inventory["date"] = list(dates) + [dates[-1]] * (len(inventory) - len(dates))
    (study / "inventory.gpkg").unlink()
    inventory.to_file(study / "inventory.gpkg", driver="GPKG")


def test_geopackage_datetime_in_utc_gives_the_day_of_the_study(tiny_study_dir: Path, tmp_path: Path) -> None:
    """A DATETIME column in UTC (read back by pyogrio as datetime64[ms, UTC]) becomes the local day."""
    study = study_copy(tiny_study_dir, tmp_path)
    write_dates(study, pd.to_datetime(["2019-03-25T23:30Z", "2019-03-25T10:00Z"]))
    assert str(gpd.read_file(study / "inventory.gpkg")["date"].dtype).endswith(", UTC]")
    utc = Study(study).read_inventory()["date"]
    assert list(utc[:2]) == [MARCH_25, MARCH_25]
    description = yaml.safe_load((study / "study.yaml").read_text())
    (study / "study.yaml").write_text(yaml.safe_dump({**description, "timezone": "Asia/Tehran"}))
    tehran = Study(study)
    assert tehran.timezone == "Asia/Tehran" and tehran.date_precision == "day"
    assert list(tehran.read_inventory()["date"][:2]) == [MARCH_26, MARCH_25]


@pytest.mark.filterwarnings("ignore:Non-conformant content:RuntimeWarning")  # GDAL: offsets other than Z
def test_geopackage_datetimes_with_mixed_offsets(tiny_study_dir: Path, tmp_path: Path) -> None:
    study = study_copy(tiny_study_dir, tmp_path, timezone="Asia/Tehran")
    offsets = [dt.timezone(dt.timedelta(hours=h)) for h in (2, -5, 0)]
    stamps = [
        dt.datetime(2019, 3, 25, 23, 30, tzinfo=offsets[0]),  # 02:00 on the 26th in Tehran (+04:30)
        dt.datetime(2019, 3, 25, 14, 0, tzinfo=offsets[1]),  # 23:30 on the 25th in Tehran
        dt.datetime(2019, 3, 25, 20, 45, tzinfo=offsets[2]),  # 01:15 on the 26th in Tehran
    ]
    write_dates(study, stamps)
    assert list(Study(study).read_inventory()["date"][:3]) == [MARCH_26, MARCH_25, MARCH_26]


def test_study_declaring_month_precision_reads_year_months(tiny_study_dir: Path, tmp_path: Path) -> None:
    study = study_copy(tiny_study_dir, tmp_path)
    write_dates(study, ["2019-03", "2018-11", "2019-03-25"])
    with pytest.raises(InputError, match=r"give only a year and month.*date_precision: month or year"):
        Study(study).read_inventory()
    description = yaml.safe_load((study / "study.yaml").read_text())
    (study / "study.yaml").write_text(yaml.safe_dump({**description, "date_precision": "month"}))
    read = Study(study)
    assert read.date_precision == "month"
    assert list(read.read_inventory()["date"][:3]) == [
        pd.Timestamp("2019-03-01"),
        pd.Timestamp("2018-11-01"),
        MARCH_25,
    ]


def test_landuse_classes_as_a_mapping(tiny_study_dir: Path, tmp_path: Path) -> None:
    listed = Study(study_copy(tiny_study_dir, tmp_path / "list")).landuse_classes()
    mapping = dict(zip(listed["code"], listed["name"], strict=True))
    study = study_copy(
        tiny_study_dir, tmp_path / "map", landuse_classes={int(k): v for k, v in mapping.items()}
    )
    assert yaml.safe_load((study / "study.yaml").read_text())["landuse_classes"][1] == "bare_rock"
    classes = Study(study).landuse_classes()
    pd.testing.assert_frame_equal(classes, listed)
    assert list(classes["code"]) == [1, 2, 3, 4, 5, 6] and classes["code"].dtype == "int64"
    assert Study(study).read_landuse().max() == 6


def test_reservoir_levels_with_offsets_and_iso_days(tiny_study_dir: Path, tmp_path: Path) -> None:
    """Levels are read through the same day rules: the study's days, one level per reservoir and day."""
    study = study_copy(tiny_study_dir, tmp_path)
    levels = pd.read_csv(study / "reservoir_levels.csv")
    levels.loc[0, "date"] = "2016-01-01T06:00:00+03:00"
    levels.to_csv(study / "reservoir_levels.csv", index=False)
    reservoirs, table = Study(study).read_reservoirs()
    assert table.index[0] == pd.Timestamp("2016-01-01")
    assert table.index.dtype == "datetime64[ns]"
    assert table.loc["2016-01-01", "RES1"] == pytest.approx(levels.loc[0, "level_m"])
    assert list(reservoirs["reservoir_id"]) == ["RES1"]
