"""kam-xl benchmarks: `make bench` (or `python bench/run.py --sizes 10k,100k,1M`).

For demo books of the given numbers of sales lines it measures, each in a
fresh process, wall time and peak RSS of:
  read floor   fastexcel loading every input table into typed Arrow columns, and nothing else
  write floor  rustpy-xlsxwriter (a Rust writer) writing the very cell values of kam-xl's summary of that
               book (read from the summary first, untimed): what writing those cells costs at the least
  kam-xl       read_workbook, analyze, write_workbook (the stages of `kam-xl build`)
  CLI          the `kam-xl build` command as a user runs it (imports included)
  naive        what a user would write: pandas.read_excel(openpyxl), per-customer
               groupby loops, DataFrame.to_excel (--naive; its seconds in latest.json)
  analyze      analyze() alone on typed tables already in memory
and prints one table with the ratios: the build against read floor + write floor (issue 32's target: 2.5x),
in wall seconds and in CPU seconds (every thread; much steadier than wall time on a shared machine), and its
peak against the read floor's own peak (target: 1.25x). The floor, kam-xl and CLI runs are repeated
(--repeat, default 3) and the fastest of each is reported, the usual way to take noise out of wall times on a
shared machine. Timings are not asserted anywhere.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
# Lines per customer and customers chosen so 1M lines come with 5,000 customers.
CUSTOMERS = {"10k": 300, "100k": 1_500, "1M": 5_000}
INPUT_TABLES = ["Customers", "Sales", "Invoices", "Payments", "Activities", "ActivityRates", "Contacts",
                "IndustryOutlook", "Parameters"]

# VmHWM is this process's own high-water mark (ru_maxrss would include the parent's size at fork).
PEAK = ("import re; peak = lambda: "
        "int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024")

# The reference floor: fastexcel (calamine in Rust, straight to Arrow, the reader Polars uses) loading every
# Excel Table of the book into typed columns, one after the other, and nothing else.
ARROW_FLOOR = PEAK + """
import fastexcel, time, json, sys
start, cpu = time.perf_counter(), time.process_time()
book = fastexcel.read_excel(sys.argv[1])
rows = sum(book.load_table(t).to_arrow().num_rows for t in book.table_names())
print(json.dumps({"arrow_floor": time.perf_counter() - start, "arrow_floor_cpu": time.process_time() - cpu,
                  "arrow_floor_mb": peak(), "rows": rows}))
"""

# The write floor: the summary's cells (the values a reader sees, formulas as their cached values) read back
# untimed, then written by a Rust writer, one sheet after the other; every row a dict of every column.
WRITE_FLOOR = PEAK + """
import python_calamine, rustpy_xlsxwriter, time, json, sys
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
sheets, cells = [], 0
for name in book.sheet_names:
    rows = book.get_sheet_by_name(name).to_python()
    keys = [f"c{j}" for j in range(max(map(len, rows), default=0))]
    sheets.append((name, [{k: (None if v == "" else v) for k, v in zip(keys, row)} for row in rows]))
    cells += sum(v != "" for row in rows for v in row)
start, cpu = time.perf_counter(), time.process_time()
rustpy_xlsxwriter.write_worksheets(sheets, sys.argv[2])
print(json.dumps({"write_floor": time.perf_counter() - start, "write_floor_cpu": time.process_time() - cpu,
                  "summary_cells": cells}))
"""

KAM = PEAK + """
import time, json, sys
from kam_xl import read_workbook, analyze
from kam_xl.render.writer import write_workbook
t0 = time.perf_counter(); inputs = read_workbook(sys.argv[1]); t1 = time.perf_counter(); m1 = peak()
results = analyze(inputs); t2 = time.perf_counter(); m2 = peak()
write_workbook(results, sys.argv[2]); t3 = time.perf_counter()
print(json.dumps({"read": t1 - t0, "read_mb": m1, "analyze": t2 - t1, "analyze_mb": m2, "write": t3 - t2,
                  "total": t3 - t0, "total_mb": peak()}))
"""

NAIVE = PEAK + """
import time, json, sys
import pandas as pd
start = time.perf_counter()
tables = pd.read_excel(sys.argv[1], sheet_name=["Customers", "Sales", "Invoices", "Payments", "Activities",
                                                 "ActivityRates"], engine="openpyxl")
sales, invoices, payments = tables["Sales"], tables["Invoices"], tables["Payments"]
activities, rates = tables["Activities"], tables["ActivityRates"].set_index("Activity")["Rate"]
rows = []
for cid in tables["Customers"]["CustomerID"]:          # the per-customer loop people write
    s = sales[sales["CustomerID"] == cid]
    i = invoices[invoices["CustomerID"] == cid]
    p = payments[payments["CustomerID"] == cid]
    a = activities[activities["CustomerID"] == cid]
    driver = pd.to_numeric(a["DriverQuantity"], errors="coerce").astype(float).fillna(0)
    cost = (driver * a["Activity"].map(rates).astype(float).fillna(0)).sum() \
        + pd.to_numeric(a["DirectCost"], errors="coerce").astype(float).fillna(0).sum()
    revenue, cogs = s["NetRevenue"].sum(), s["COGS"].sum()
    rows.append({"CustomerID": cid, "NetRevenue": revenue, "GrossProfit": revenue - cogs,
                 "CostToServe": cost, "OpenBalance": i["Amount"].sum() - p["Amount"].sum()})
pd.DataFrame(rows).to_excel(sys.argv[2], index=False, engine="openpyxl")
print(json.dumps({"naive": time.perf_counter() - start, "naive_mb": peak()}))
"""

ANALYZE = PEAK + """
import time, json, sys
import pandas as pd
from kam_xl import analyze
from kam_xl.authoring import demo
from kam_xl.inputs.reader import inputs_from_frames
tables = demo.generate(customers=int(sys.argv[1]), lines_per_customer=float(sys.argv[2]), seed=1)
inputs = inputs_from_frames(tables)   # typed as a workbook's tables are, before the clock starts
del tables
base = peak()
open("/proc/self/clear_refs", "w").write("5")   # the high-water mark from here: the analysis's, not the generator's
start = time.perf_counter()
results = analyze(inputs)
print(json.dumps({"analyze_only": time.perf_counter() - start, "analyze_only_mb": peak(), "base_mb": base,
                  "sales": len(inputs["Sales"]), "invoices": len(inputs["Invoices"]),
                  "customers": len(inputs["Customers"])}))
"""


def run(script: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def lines_per_customer(label: str) -> float:
    """Calibrate the demo generator to the wanted number of sales lines."""
    from kam_xl.authoring import demo
    probe = demo.generate(customers=CUSTOMERS[label], lines_per_customer=80.0, seed=1)
    return 80.0 * SIZES[label] / len(probe["Sales"])


def fastest(script: str, args: list[str], key: str, repeat: int) -> dict:
    """The run with the smallest ``key`` out of ``repeat``."""
    return min((run(script, *args) for _ in range(repeat)), key=lambda r: r[key])


def bench(label: str, folder: Path, with_naive: bool, repeat: int) -> dict:
    from kam_xl.authoring import demo
    from kam_xl.authoring.template import write_template
    lpc = lines_per_customer(label)
    source = folder / f"bench_{label}.xlsx"
    start = time.perf_counter()
    tables = demo.generate(customers=CUSTOMERS[label], lines_per_customer=lpc, seed=1)
    write_template(source, tables)
    row = {"size": label, "sales": len(tables["Sales"]), "invoices": len(tables["Invoices"]),
           "customers": len(tables["Customers"]), "generate": time.perf_counter() - start,
           "input_mb": source.stat().st_size / 1e6}
    del tables
    row |= fastest(ARROW_FLOOR, [str(source)], "arrow_floor", repeat)
    row |= fastest(KAM, [str(source), str(folder / f"summary_{label}.xlsx")], "total", repeat)
    row["output_mb"] = (folder / f"summary_{label}.xlsx").stat().st_size / 1e6
    row |= fastest(WRITE_FLOOR, [str(folder / f"summary_{label}.xlsx"), str(folder / f"floor_{label}.xlsx")],
                   "write_floor", repeat)
    runs = [timed(CLI + ["build", str(source), "-o", str(folder / f"cli_{label}.xlsx")]) for _ in range(repeat)]
    row["cli"], row["cli_mb"], row["cli_cpu"] = (min(r[0] for r in runs), max(r[1] for r in runs),
                                                 min(r[2] for r in runs))
    if with_naive:
        row |= run(NAIVE, str(source), str(folder / f"naive_{label}.xlsx"))
    row |= run(ANALYZE, str(CUSTOMERS[label]), str(lpc))
    return row


# A small launcher: the measured command's peak RSS comes from the launcher's
# children, which only inherit the launcher's (small) size at fork.
LAUNCH = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
          "use = resource.getrusage(resource.RUSAGE_CHILDREN); "
          "print(use.ru_maxrss / 1024, use.ru_utime + use.ru_stime)")


def timed(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MB, CPU seconds of all its processes) of one command."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", LAUNCH, *command], check=True, capture_output=True, text=True)
    peak, cpu = map(float, out.stdout.strip().splitlines()[-1].split())
    return time.perf_counter() - start, peak, cpu


CLI = [sys.executable, "-m", "kam_xl.app.cli"]


def bench_batch(folder: Path, books: int = 50) -> str:
    """--jobs 1 vs 2 over `books` workbooks of about 20k sales lines."""
    from kam_xl.authoring import demo
    from kam_xl.authoring.template import write_template
    probe = len(demo.generate(customers=400, lines_per_customer=80.0, seed=2)["Sales"])
    tables = demo.generate(customers=400, lines_per_customer=80.0 * 20_000 / probe, seed=2)
    sources = []
    for i in range(books):
        source = folder / f"batch_{i:02d}.xlsx"
        write_template(source, tables) if i == 0 else source.write_bytes(sources[0].read_bytes())
        sources.append(source)
    one, _, cpu_one = timed(CLI + ["build", *map(str, sources), "--out-dir", str(folder / "b1"), "--jobs", "1"])
    two, _, cpu_two = timed(CLI + ["build", *map(str, sources), "--out-dir", str(folder / "b2"), "--jobs", "2"])
    return (f"| batch of {books} books, {len(tables['Sales']):,} lines each | --jobs 1: {one:.1f} s "
            f"({cpu_one / one:.2f} cores busy) | --jobs 2: {two:.1f} s ({cpu_two / two:.2f} cores busy) | "
            f"speed-up {one / two:.2f}x |")


def bench_split(folder: Path) -> str:
    """One build vs --split-by AccountManager with 100 managers on a 5k-customer book."""
    from kam_xl.authoring import demo
    from kam_xl.authoring.template import write_template
    tables = demo.generate(customers=5_000, lines_per_customer=60.0, seed=3)
    tables["Customers"]["AccountManager"] = [f"Manager {i % 100:03d}" for i in range(len(tables["Customers"]))]
    source = write_template(folder / "split.xlsx", tables)
    single = timed(CLI + ["build", str(source), "-o", str(folder / "single.xlsx")])[0]
    split = [timed(CLI + ["build", str(source), "--split-by", "AccountManager",
                          "--out-dir", str(folder / f"split{jobs}"), "--jobs", str(jobs)])[0] for jobs in (1, 2)]
    return (f"| split: 5,000 customers, {len(tables['Sales']):,} lines, 100 managers | one build {single:.1f} s | "
            f"100 workbooks: --jobs 1 {split[0]:.1f} s ({split[0] / single:.1f}x one build), "
            f"--jobs 2 {split[1]:.1f} s ({split[1] / single:.1f}x) |")


def bench_refresh(folder: Path, label: str, build: tuple[float, float]) -> str:
    """kam-xl refresh in place of a benchmark book, against the build of the same book (issue 32: within 1.5x)."""
    book = folder / f"refresh_{label}.xlsx"
    book.write_bytes((folder / f"bench_{label}.xlsx").read_bytes())
    first, peak, first_cpu = timed(CLI + ["refresh", str(book)])          # adds the output sheets
    again, peak_again, again_cpu = timed(CLI + ["refresh", str(book)])    # replaces them
    return (f"| refresh {label} in place | build {build[0]:.1f} s ({build[1]:.1f} s CPU) | first refresh "
            f"{first:.1f} s (**{first / build[0]:.2f}x** the build; CPU {first_cpu:.1f} s, "
            f"**{first_cpu / build[1]:.2f}x**), again {again:.1f} s (**{again / build[0]:.2f}x**; CPU "
            f"{again_cpu:.1f} s, **{again_cpu / build[1]:.2f}x**) | peak {max(peak, peak_again):,.0f} MB |")


SCALE = PEAK + """
import time, json, sys
from pathlib import Path
from kam_xl import read_workbook, analyze
from kam_xl.render.writer import write_workbook
start = time.perf_counter()
external = dict(zip(("Sales", "Invoices", "Payments"), map(Path, sys.argv[2:-1])))
inputs = read_workbook(sys.argv[1], external=external)
read = time.perf_counter() - start
results = analyze(inputs)
analysed = time.perf_counter() - start
write_workbook(results, sys.argv[-1])
said = next((r["values"] for r in inputs.dq.records if r["key"] == "source.condensed"), {})
total = time.perf_counter() - start
print(json.dumps({"read": read, "analyze": analysed - read, "write": total - analysed, "total": total, "mb": peak(),
                  "rows": len(inputs["Sales"]), "plain": said.get("plain", 0)}))
"""

SCALE_SIZES = {"1M": 1_000_000, "10M": 10_000_000, "100M": 100_000_000}


def write_sales_file(path: Path, base, size: int, distinct_documents: bool) -> int:
    """Stream ``size`` sales lines to a Parquet or CSV file, one copy of ``base`` at a time, so the
    generator holds one copy in memory. Copy k scales the amounts by 1 + k/1000 (no two lines alike); it
    keeps the documents' numbers (so a document of the 1M book gains lines: a distributor's delivery note)
    or, with ``distinct_documents``, numbers its documents apart (every line of base shape, the worst case
    for condensing). Returns the number of documents written."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq
    writer, written, copy, documents = None, 0, 0, set()
    while written < size:
        chunk = base.iloc[: size - written]
        factor = 1.0 + copy / 1000.0
        chunk = chunk.assign(NetRevenue=(chunk["NetRevenue"] * factor).round(2), COGS=(chunk["COGS"] * factor).round(2))
        if distinct_documents:
            chunk = chunk.assign(DocumentNo=chunk["DocumentNo"] + f"-{copy}")
        table = pa.Table.from_pandas(chunk, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema) if path.suffix == ".parquet" else \
                pa_csv.CSVWriter(path, table.schema)
        writer.write_table(table)
        if distinct_documents or copy == 0:
            documents.update(chunk["DocumentNo"].unique())
        written += len(chunk)
        copy += 1
    writer.close()
    return len(documents)


def bench_scale(folder: Path, sizes: list[str]) -> str:
    """Sales from a Parquet (or CSV) file beyond Excel's row limit, 5,000 customers: lines summed per
    customer, day and document as the file streams in (kam_xl.inputs.condense). The book around it is the
    1M book's, with its 404k invoices and 360k payments in the workbook; one more 10M case takes them as
    Parquet extracts too (three ERP extracts, the rest of the book in the workbook)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kam_xl.authoring import demo
    from kam_xl.authoring.template import write_template
    base = demo.generate(customers=5_000, lines_per_customer=lines_per_customer("1M"), seed=1)
    book = write_template(folder / "scale.xlsx", {k: v for k, v in base.items() if k not in ("Sales",)})
    extracts = []
    cases = [(label, ".parquet", False, False) for label in sizes]
    if "10M" in sizes:
        cases += [("10M", ".csv", False, False), ("10M", ".parquet", True, False), ("10M", ".parquet", False, True)]
        extracts = [folder / f"{name}.parquet" for name in ("Invoices", "Payments")]
        for name, path in zip(("Invoices", "Payments"), extracts):
            pq.write_table(pa.Table.from_pandas(base[name], preserve_index=False), path)
        slim = write_template(folder / "slim.xlsx", {k: v for k, v in base.items()
                                                     if k not in ("Sales", "Invoices", "Payments")})
    lines = []
    for label, suffix, distinct, with_extracts in cases:
        path = folder / f"sales_{label}{suffix}"
        start = time.perf_counter()
        documents = write_sales_file(path, base["Sales"], SCALE_SIZES[label], distinct)
        made = time.perf_counter() - start
        arguments = [str(slim), str(path), *map(str, extracts)] if with_extracts else [str(book), str(path)]
        r = run(SCALE, *arguments, str(folder / f"scale_{label}.xlsx"))
        shape = "every document distinct" if distinct else "documents of the 1M book"
        file = f"{suffix[1:]}, invoices and payments too" if with_extracts else suffix[1:]
        lines.append(f"| {SCALE_SIZES[label]:,} | {file} | {shape} ({documents:,}) | "
                     f"{path.stat().st_size / 2**20:,.0f} | {made:.0f} | {r['plain']:,} | {r['rows']:,} | "
                     f"{r['read']:.1f} | {r['analyze']:.1f} | {r['write']:.1f} | {r['total']:.1f} | {r['mb']:,.0f} |")
        path.unlink()
        print(f"scale {label}{suffix}{' + extracts' if with_extracts else ''}: done", file=sys.stderr)
    return ("| sales lines | file | documents | MB | written in s | lines summed | Sales rows analysed | read s "
            "| analyze s | write s | build s | peak MB |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n"
            + "\n".join(lines))


def bench_models(customers: int = 100_000) -> str:
    """Fits of BG/NBD, Pareto/NBD and Gamma-Gamma on simulated purchase histories
    (days, ages 30-730, 1 % heavy buyers with hundreds of purchases), with any
    numerical warning (overflow, invalid value) counted."""
    import warnings

    import numpy as np

    from kam_xl.domain.models import fit_bgnbd, fit_gamma_gamma, fit_pareto_nbd
    rng = np.random.default_rng(7)
    T = rng.integers(30, 731, customers).astype(float)
    lam = np.where(rng.random(customers) < 0.01, rng.uniform(0.5, 1.0, customers), rng.gamma(0.8, 1 / 30, customers))
    end = np.minimum(rng.exponential(1 / rng.gamma(0.7, 1 / 300, customers)), T)
    x = rng.poisson(lam * end).astype(float)
    t_x = np.where(x > 0, end * rng.random(customers) ** (1 / np.maximum(x, 1)), 0.0)
    value = rng.gamma(6.0, rng.gamma(3.7, 1 / 15.0, customers) ** -1 / np.maximum(x, 1)) * np.maximum(x, 1) / 6.0
    lines = []
    for name, fit, args in (("BG/NBD", fit_bgnbd, (x, t_x, T)), ("Pareto/NBD", fit_pareto_nbd, (x, t_x, T)),
                            ("Gamma-Gamma", fit_gamma_gamma, (x[x > 0], value[x > 0]))):
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
            warnings.simplefilter("always")
            start = time.perf_counter()
            model = fit(*args)
            seconds = time.perf_counter() - start
        histories = len(np.unique(np.column_stack(args), axis=0))
        lines.append(f"| {name} | {len(args[0]):,} | {histories:,} | {int(x.max())} | {seconds:.1f} | "
                     f"{'yes' if model.converged else 'no'} | {len(caught)} |")
    return ("| model fit | customers | distinct histories | most purchases | fit s | converged | numerical warnings |\n"
            "|---|---|---|---|---|---|---|\n" + "\n".join(lines))


def bench_targets(customers: int = 2_000) -> str:
    """Attainment with a target per customer and month (revenue, gross profit, collections) for the 12
    months to AsOfDate: the analysis with and without the Targets table."""
    import numpy as np
    import pandas as pd

    from kam_xl import analyze
    from kam_xl.authoring import demo
    from kam_xl.inputs.reader import inputs_from_frames
    tables = demo.generate(customers=customers, lines_per_customer=20.0, seed=1)
    rng = np.random.default_rng(1)
    months = pd.period_range(end=pd.Timestamp(tables["Parameters"].set_index("Parameter").at["AsOfDate", "Value"]),
                             periods=12, freq="M").astype(str)
    ids = np.repeat(tables["Customers"]["CustomerID"].to_numpy(), len(months))
    targets = pd.DataFrame({"CustomerID": ids, "Period": np.tile(months, customers),
                            **{m: rng.integers(1, 100, len(ids)) * 1000.0
                               for m in ("Revenue", "GrossProfit", "Collections")}})
    seconds, rows = {}, {}
    for label, book in (("with", {**tables, "Targets": targets}), ("without", {**tables, "Targets": targets.head(0)})):
        inputs = inputs_from_frames(book)
        start = time.perf_counter()
        results = analyze(inputs)
        seconds[label] = time.perf_counter() - start
        rows[label] = len(results["Attainment"]) if "Attainment" in results.tables else 0
    return ("| targets | customers | target rows | attainment rows | analyze s with | analyze s without |\n"
            "|---|---|---|---|---|---|\n"
            f"| per customer and month | {customers:,} | {len(targets):,} | {rows['with']:,} | {seconds['with']:.1f} "
            f"| {seconds['without']:.1f} |")


UDFS = PEAK + """
import datetime as dt, json, sys, time
import numpy as np, pandas as pd
import kam_udfs as udf
from kam_xl.authoring import demo
from kam_xl.domain.potential import purchase_history
from kam_xl.excel.cells import column_of, table_of   # Excel-shaped values: datetimes, floats, None for blanks
tables = demo.generate(customers=int(sys.argv[1]), lines_per_customer=float(sys.argv[2]), seed=1)
excel = table_of

def column(values):
    return column_of(pd.Series(values))

sales, invoices = tables["Sales"], tables["Invoices"]
n = int(sys.argv[3])
rng = np.random.default_rng(1)
amounts = column(rng.gamma(2.0, 5000.0, n))
other = column(rng.gamma(2.0, 3000.0, n))
ages = column(rng.integers(0, 900, n))
dates = column(pd.Timestamp("2026-10-31") - pd.to_timedelta(rng.integers(-60, 400, n), unit="D"))
history = purchase_history(sales, pd.Index(sales["CustomerID"].unique()), pd.Timestamp("2026-10-31"))
history = history.dropna(subset=["Frequency"])
reps = -(-n // len(history))
x, t_x, T = (column(np.tile(history[c].to_numpy(), reps)[:n]) for c in ("Frequency", "RecencyDays", "AgeDays"))
t = {name: excel(tables[name])
     for name in ("Customers", "Sales", "Invoices", "Payments", "Activities", "ActivityRates")}
t["Parameters"] = [["Parameter", "Value"], ["AsOfDate", dt.datetime(2026, 10, 31)]]
calls = [
    ("KAM_ABC", lambda: udf.KAM_ABC(amounts)),
    ("KAM_GROSSMARGIN", lambda: udf.KAM_GROSSMARGIN(amounts, other)),
    ("KAM_ARTURNOVER", lambda: udf.KAM_ARTURNOVER(amounts, other, other)),
    ("KAM_DSO", lambda: udf.KAM_DSO(amounts, other, other, 365)),
    ("KAM_AGING", lambda: udf.KAM_AGING(dates, amounts, dt.datetime(2026, 10, 31))),
    ("KAM_PROVISION", lambda: udf.KAM_PROVISION(amounts, ages, [[365], [730], [1095], [None]],
                                                [[0.05], [0.1], [0.3], [1.0]])),
    ("KAM_EXPECTED_RECEIPT_DATE", lambda: udf.KAM_EXPECTED_RECEIPT_DATE(dates, ages)),
    ("KAM_RFM", lambda: udf.KAM_RFM(ages, x, amounts)),
    ("KAM_HHI", lambda: udf.KAM_HHI(amounts)),
    ("KAM_BGNBD_FIT", lambda: udf.KAM_BGNBD_FIT(x, t_x, T)),
    ("KAM_PARETO_FIT", lambda: udf.KAM_PARETO_FIT(x, t_x, T)),
    ("KAM_PALIVE", lambda: udf.KAM_PALIVE(x, t_x, T, [[0.24, 30.9, 0.79, 2.43]])),
    ("KAM_EXPECTED_PURCHASES", lambda: udf.KAM_EXPECTED_PURCHASES(x, t_x, T, [[0.24, 30.9, 0.79, 2.43]], 365.25)),
    ("KAM_PROFITABILITY", lambda: udf.KAM_PROFITABILITY(t["Sales"], t["Activities"], t["ActivityRates"], t["Customers"],
                                                        t["Invoices"], t["Payments"], t["Parameters"])),
    ("KAM_RECEIVABLES", lambda: udf.KAM_RECEIVABLES(t["Invoices"], t["Payments"], t["Customers"], t["Parameters"])),
    ("KAM_CLASSIFICATION", lambda: udf.KAM_CLASSIFICATION(t["Customers"], t["Sales"], t["Parameters"])),
    ("KAM_TABLE", lambda: udf.KAM_TABLE("RiskSummary", t["Customers"], t["Sales"], t["Invoices"], t["Payments"],
                                        t["Activities"], t["ActivityRates"], None, None, t["Parameters"])),
]
out = []
for name, call in calls:
    start = time.perf_counter(); result = call(); first = time.perf_counter() - start
    start = time.perf_counter(); call(); again = time.perf_counter() - start
    if isinstance(result, str):
        raise SystemExit(f"{name}: {result}")
    out.append([name, first, again])
print(json.dumps({"udfs": out, "rows": n, "sales": len(sales), "mb": peak()}))
"""


def bench_udfs(rows: int = 100_000) -> str:
    """Every KAM_ function once and again on {rows}-row inputs (the table functions on the 100k demo book),
    as Excel would call it: the Python body with Excel-shaped values; xlwings' own conversion is not in it."""
    r = run(UDFS, str(CUSTOMERS["100k"]), str(lines_per_customer("100k")), str(rows))
    lines = [f"| {name} | {first:.2f} | {again:.2f} |" for name, first, again in r["udfs"]]
    return (f"Cell formulas on {r['rows']:,}-row columns (table formulas: the 100k book, {r['sales']:,} sales lines); "
            f"the second call of the same cells is answered from the cache (peak {r['mb']:,.0f} MB)\n\n"
            "| function | first call s | same cells again s |\n|---|---|---|\n" + "\n".join(lines))


def table(rows: list[dict]) -> str:
    """The issue's table. Wall seconds on a shared machine move with whatever else runs; CPU seconds (every
    thread of the process) much less, so the ratio is given both ways."""
    head = ("| lines | customers | read floor s (MB) | write floor s | summary cells | read s | analyze s | write s | "
            "`kam-xl build` s (MB) | build / (read + write floor) | build peak / read floor peak | CPU s: floors, "
            "build | build / floors, CPU | analyze-only s (MB) | in/out MB |")
    lines = [head, "|" + "|".join(["---"] * (head.count("|") - 1)) + "|"]
    for r in rows:
        floor = r["arrow_floor"] + r["write_floor"]
        floor_cpu = r["arrow_floor_cpu"] + r["write_floor_cpu"]
        lines.append(f"| {r['sales']:,} | {r['customers']:,} | {r['arrow_floor']:.1f} ({r['arrow_floor_mb']:,.0f}) | "
                     f"{r['write_floor']:.1f} | {r['summary_cells']:,} | {r['read']:.1f} | {r['analyze']:.1f} | "
                     f"{r['write']:.1f} | {r['cli']:.1f} ({r['cli_mb']:,.0f}) | **{r['cli'] / floor:.2f}x** | "
                     f"**{r['cli_mb'] / r['arrow_floor_mb']:.2f}x** | {floor_cpu:.1f}, {r['cli_cpu']:.1f} | "
                     f"**{r['cli_cpu'] / floor_cpu:.2f}x** | {r['analyze_only']:.1f} ({r['analyze_only_mb']:,.0f}) | "
                     f"{r['input_mb']:.1f}/{r['output_mb']:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1M")
    parser.add_argument("--naive", action="store_true", help="run the slow naive reference too")
    parser.add_argument("--repeat", type=int, default=3, help="runs of floor, kam-xl and CLI; the fastest counts")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--scale", default="1M,10M,100M", help="Sales file sizes of the scale section")
    parser.add_argument("--extras", default="batch,split,refresh,scale,models,targets,udfs",
                        help="extra sections: batch, split, refresh, scale, models, targets, udfs (or none)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows, extras = [], []
    with tempfile.TemporaryDirectory(prefix="kam-xl-bench-") as folder:
        for label in [s for s in args.sizes.split(",") if s]:
            rows.append(bench(label, Path(folder), args.naive, args.repeat))
            print(f"{label}: done", file=sys.stderr)
        wanted = set(args.extras.split(","))
        if "batch" in wanted:
            extras.append(bench_batch(Path(folder)))
        if "split" in wanted:
            extras.append(bench_split(Path(folder)))
        if "refresh" in wanted and rows:
            extras.append(bench_refresh(Path(folder), rows[-1]["size"], (rows[-1]["cli"], rows[-1]["cli_cpu"])))
        if "scale" in wanted:
            extras.append(bench_scale(Path(folder), [s for s in args.scale.split(",") if s]))
        if "models" in wanted:
            extras.append(bench_models())
        if "targets" in wanted:
            extras.append(bench_targets())
        if "udfs" in wanted:
            extras.append(bench_udfs())
    machine = f"{platform.processor() or platform.machine()}, {platform.python_version()}, " \
              f"{subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores"
    report = f"Machine: {machine}\n\n{table(rows) if rows else ''}\n\n" + "\n\n".join(extras) + "\n"
    print(report)
    (args.out / "latest.md").write_text(report)
    (args.out / "latest.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
