"""Are two versions of kam-xl's outputs identical? `python bench/compare_outputs.py --base <git rev>`.

Restructures and a new write path must not change a single thing a reader sees. This script builds the same
input books with the working tree and with a base revision (exported by `git archive`, run from the same
environment), then compares every summary cell by cell:

  values and formulas (openpyxl), the cached values a plain reader sees (data_only), cell types, number formats,
  fonts, fills, borders, alignment, protection; column widths, row heights, merged ranges, freeze panes,
  Excel Tables (name, range, style, columns), conditional formats, data validations, print settings, defined
  names, sheet order and state; and the chart and drawing parts byte for byte.

Only About's RunTime (the clock) is ignored. The books: the 120-customer demo in English and in Chinese,
the 1,000-customer demo, the hand-checked oracle book of tests/oracle_book.py and the messy ledger book of
tests/test_month_end_reader.py; each built with `kam-xl build`, and the English demo also refreshed in
place (`kam-xl refresh`). The inputs are written once, by the base revision, and fed to both.

--sizes 1M adds a demo book of a million sales lines (slow). It prints one line per book and a final verdict;
exit 1 when anything differs.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl

REPO = Path(__file__).resolve().parent.parent
LINES = {"1M": (5_000, 200.0)}  # customers, lines per customer (about 56 x this per customer): about 1M lines

def run(tree: Path, *args: str) -> None:
    """`kam-xl ARGS` with TREE's kam_xl first on the path; exit 1 (a book with data errors) is a result too."""
    code = f"import sys; sys.path.insert(0, {str(tree)!r}); from kam_xl.app.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:   # a crash exits 1 too
        raise SystemExit(f"kam-xl {' '.join(args)} failed with exit {done.returncode} ({tree}):\n{done.stderr}")


def make_inputs(tree: Path, folder: Path, sizes: list[str]) -> list[Path]:
    """The input books, written by TREE's demo generator and the test suite's book builders."""
    folder.mkdir(parents=True, exist_ok=True)
    books = []
    for name, args in [("demo_en", []), ("demo_zh", ["--lang", "zh-CN"]), ("demo_1000", ["--customers", "1000"]),
                       *[(f"demo_{size}", ["--customers", str(LINES[size][0]),
                                           "--lines-per-customer", str(LINES[size][1])]) for size in sizes]]:
        run(tree, "demo", "--no-build", "--out", str(folder / name), *args)
        books += [shutil.move(next((folder / name).glob("*.xls*")), folder / f"{name}.xlsm")]
    script = (f"import sys; sys.path[:0] = [{str(tree)!r}, {str(tree / 'tests')!r}]\n"
              "from pathlib import Path\nfrom test_month_end_reader import messy_book\n"
              "from oracle_book import oracle_book\nimport pandas as pd\n"
              f"messy_book(Path({str(folder / 'messy.xlsx')!r}))\n"
              f"with pd.ExcelWriter({str(folder / 'oracle.xlsx')!r}) as book:\n"
              "    for name, frame in oracle_book().items():\n"
              "        frame.to_excel(book, sheet_name=name, index=False)\n")
    subprocess.run([sys.executable, "-c", script], check=True, cwd=tree / "tests")
    return [Path(b) for b in books] + [folder / "messy.xlsx", folder / "oracle.xlsx"]


def build_all(tree: Path, books: list[Path], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for book in books:
        run(tree, "build", str(book), "-o", str(out / f"{book.stem}_summary.xlsx"))
    refreshed = out.parent / f"{out.name}_refresh" / "demo_en_refreshed.xlsm"
    refreshed.parent.mkdir(exist_ok=True)
    shutil.copy(books[0], refreshed)
    run(tree, "refresh", str(refreshed))
    shutil.copy(refreshed, out / refreshed.name)


def _style(cell) -> tuple:
    f, a, b, p = cell.font, cell.alignment, cell.border, cell.protection
    return (cell.number_format, f.b, f.i, f.u, f.sz, f.name, f.color and f.color.rgb, cell.fill.fill_type,
            cell.fill.fgColor.rgb, a.horizontal, a.vertical, a.wrap_text, a.indent, a.text_rotation,
            *(side.style for side in (b.left, b.right, b.top, b.bottom)), p.locked, p.hidden)


def _sheet_facts(ws) -> dict:
    return {
        "state": ws.sheet_state, "freeze": ws.freeze_panes, "merged": sorted(map(str, ws.merged_cells.ranges)),
        "widths": {k: (d.width, d.hidden) for k, d in ws.column_dimensions.items()},
        "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
        "tables": {t.name: (t.ref, t.tableStyleInfo and t.tableStyleInfo.name, [c.name for c in t.tableColumns],
                            t.totalsRowCount) for t in ws.tables.values()},
        "conditional": sorted((str(r.sqref), [(x.type, x.formula, x.operator, x.dxfId) for x in r.rules])
                              for r in ws.conditional_formatting),
        "validations": sorted((str(v.sqref), v.type, v.formula1, v.formula2)
                              for v in ws.data_validations.dataValidation),
        "print": (ws.print_area, ws.print_title_rows, ws.print_title_cols, ws.page_setup.orientation,
                  ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.page_setup.paperSize,
                  ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "protected": ws.protection.sheet,
    }


def _cells(ws, cached) -> dict:
    cells = {}
    for row, cached_row in zip(ws.iter_rows(), cached.iter_rows()):
        for cell, value in zip(row, cached_row):
            if cell.value is not None or cell.has_style:
                cells[cell.coordinate] = (cell.value, cell.data_type, value.value, _style(cell))
    return cells


def _drawing_parts(path: Path) -> dict:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith(("xl/charts/", "xl/drawings/"))}


def differences(a: Path, b: Path, limit: int = 12) -> list[str]:
    """What differs between two summaries, one line each (at most LIMIT cells listed per sheet)."""
    found = []
    wa, wb = openpyxl.load_workbook(a), openpyxl.load_workbook(b)
    ca, cb = openpyxl.load_workbook(a, data_only=True), openpyxl.load_workbook(b, data_only=True)
    if wa.sheetnames != wb.sheetnames:
        return [f"sheets {wa.sheetnames} != {wb.sheetnames}"]
    names = lambda w: {n: (d.attr_text, d.localSheetId) for n, d in w.defined_names.items()}  # noqa: E731
    if names(wa) != names(wb):
        found.append(f"defined names differ: {set(names(wa).items()) ^ set(names(wb).items())}")
    for sheet in wa.sheetnames:
        fa, fb = _sheet_facts(wa[sheet]), _sheet_facts(wb[sheet])
        found += [f"{sheet}: {k} {fa[k]!r} != {fb[k]!r}" for k in fa if fa[k] != fb[k]]
        xa, xb = _cells(wa[sheet], ca[sheet]), _cells(wb[sheet], cb[sheet])
        diff = [k for k in sorted(set(xa) | set(xb)) if xa.get(k) != xb.get(k)
                and not (sheet in ("About", "关于") and _is_clock(xa.get(k), xb.get(k)))]
        found += [f"{sheet}!{k}: {xa.get(k)!r} != {xb.get(k)!r}" for k in diff[:limit]]
        if len(diff) > limit:
            found.append(f"{sheet}: {len(diff) - limit} more cells differ")
    da, db = _drawing_parts(a), _drawing_parts(b)
    found += [f"part {n} differs" for n in sorted(set(da) | set(db)) if da.get(n) != db.get(n)]
    return found


def _is_clock(a, b) -> bool:
    """About's RunTime: an ISO time stamp, the one thing meant to differ between two runs."""
    return all(x and isinstance(x[0], str) and len(x[0]) == 19 and x[0][10] == "T" for x in (a, b))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="git revision to compare the working tree with")
    parser.add_argument("--sizes", default="", help="extra demo sizes, e.g. 1M")
    parser.add_argument("--keep", type=Path, help="keep the books and summaries in this folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kam-compare-"))
    base = work / "base_tree"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", args.base], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
    books = make_inputs(base, work / "inputs", [s for s in args.sizes.split(",") if s])
    build_all(base, books, work / "base")
    build_all(REPO, books, work / "new")
    failed = 0
    for summary in sorted((work / "base").iterdir()):
        found = differences(summary, work / "new" / summary.name)
        failed += bool(found)
        print(f"{'identical' if not found else 'DIFFERENT'}  {summary.name}")
        for line in found:
            print(f"    {line}")
    print(f"{failed} of {len(list((work / 'base').iterdir()))} summaries differ from {args.base}")
    if not args.keep:
        shutil.rmtree(work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
