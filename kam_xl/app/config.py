"""The project file (kam.toml): one month end as one repeatable command.

```toml
inputs = ["main.xlsx"]                      # the workbook(s) to build
sources = ["crm_contacts.xlsx", "应收单.csv"] # other departments' files joining each input
preset = "kingdee"                          # optional: force an ERP preset
map = "map.csv"                             # optional: a ColumnMap file
out_dir = "summaries"
previous = "summaries/main_Summary_2026-09.xlsx"  # optional: last month's summary, its actions reviewed
lang = "zh-CN"
period = "2026-10"                          # optional: the month end (or 2026Q3, 2026, 2026-01..2026-03)
split_by = "AccountManager"
pdf = true
pack = true                                 # optional: the management pack, <summary>_pack.pdf

[parameters]                                # override the workbook's Parameters
CostOfCapital = 0.05

[tables.Sales]                              # optional: a table read from a database or Spark instead
url = "postgresql://reader@erp-copy:5432/ledgers"   # no password here: KAM_XL_DB_PASSWORD or .pgpass
table = "sales_lines"                       # or query = "SELECT ...", or parquet = "sales/" (Spark, DuckDB)
preset = "kingdee"                          # optional, as for files; map = { NetRevenue = "amount_lc" }
```

``tables`` gives each named contract table as a kam_xl.inputs.database.DatabaseTable
(docs/IMPORT.md); the workbook's own sheet of that table, if any, is not read.

Paths are relative to the file's folder. Options typed on the command line
win over the file. ``period`` sets PeriodStart, PeriodEnd and AsOfDate (the
period's last day), as ``--period`` does; ``as_of`` sets AsOfDate alone; a
file gives one of them, and either typed on the command line replaces both.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from kam_xl.inputs.safe_io import InputError

PATHS = {"inputs", "sources"}
PATH = {"map", "output", "out_dir", "previous"}
TEXT = {"preset", "lang", "split_by", "as_of", "period"}
FLAGS = {"pdf", "pdf_all", "pack", "protect"}
KNOWN = PATHS | PATH | TEXT | FLAGS | {"jobs", "parameters", "tables"}


def load_config(path: Path) -> dict:
    """The settings of a kam.toml, paths resolved; an unknown key or a value
    of the wrong kind is an InputError naming it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a valid TOML file ({exc})") from None
    unknown = sorted(set(data) - KNOWN)
    if unknown:
        raise InputError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN))}")
    if "period" in data and "as_of" in data:
        raise InputError(f"{path}: period and as_of both set AsOfDate (period to its last day); keep one of them")
    if isinstance(data.get("period"), int) and not isinstance(data["period"], bool):
        data["period"] = str(data["period"])   # period = 2026: a year
    folder = path.parent
    settings: dict = {}
    for key, value in data.items():
        if key in PATHS:
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise InputError(f"{path}: {key} must be a file name or a list of them")
            settings[key] = tuple(folder / v for v in values)
        elif key in PATH | TEXT:
            if not isinstance(value, str):
                raise InputError(f"{path}: {key} must be text")
            settings[key] = folder / value if key in PATH else value
        elif key in FLAGS:
            if not isinstance(value, bool):
                raise InputError(f"{path}: {key} must be true or false")
            settings[key] = value
        elif key == "jobs":
            if not isinstance(value, int) or not 1 <= value <= 64:
                raise InputError(f"{path}: jobs must be a whole number from 1 to 64")
            settings[key] = value
        elif key == "tables":
            settings[key] = _tables(path, value, data.get("lang") if isinstance(data.get("lang"), str) else "en")
        else:   # parameters
            if not isinstance(value, dict):
                raise InputError(f"{path}: [parameters] must be a table of Parameter = value")
            settings[key] = {str(k): v for k, v in value.items()}
    return settings


def _tables(path: Path, value: object, language: str) -> dict:
    """The ``[tables.<Table>]`` sections: contract table -> DatabaseTable."""
    from kam_xl.inputs.database import table_settings
    if not isinstance(value, dict):
        raise InputError(f"{path}: tables must be sections [tables.Sales], [tables.Customers] ...")
    try:
        return {name: table_settings(name, section, path.parent, language) for name, section in value.items()}
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
