"""The management pack (--pack) and the full print (--pdf-all) as a reader holds them: the text of the PDFs
(pdftotext -layout) and its word boxes (pdftotext -bbox).

- No printed line sets a customer's ID beside another table's row: every figure on a line that starts with a
  CustomerID (or a group's ParentID) must be one of that customer's figures in the summary's tables, as
  printed (to the shown decimals). Before the side tables moved below their main table, the 40-customer demo's
  full print had 163 such lines (Segments and WhaleCurve rows printed beside Classification's and
  Profitability's repeated CustomerID and CustomerName).
- The pack has 4 to 12 pages (the full print it replaces had 52) and every page reads on paper: the 10th
  percentile of its word heights is at least 7.5 pt (the old Dashboard page: 3.9 pt).
"""
from __future__ import annotations

import re
import subprocess

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from kam_xl.app.build import build_file
from kam_xl.app.cli import main
from kam_xl.app.config import load_config
from kam_xl.authoring import demo
from kam_xl.authoring.template import write_template
from kam_xl.render import libreoffice
from kam_xl.render.results_reader import read_results
from kam_xl.words import ui

LANGUAGES = ("en", "zh-CN")
ID = re.compile(r"^C\d{5}$")                       # the demo's customer (and group parent) IDs
FIGURE = re.compile(r"^-?[¥$€£]?-?[\d,]*\.?\d+%?$")   # an amount, a count or a percentage as printed
DATE = re.compile(r"^\d{4}-\d{2}")
MIN_WORD_HEIGHT = 7.5   # points: word boxes of text printed at about 7 pt


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict:
    """The 40-customer demo built in both languages with last quarter's summary reviewed, a holdout
    checked, the full print and the pack: one build per language for the module."""
    root = tmp_path_factory.mktemp("pack")
    source = write_template(root / "Demo.xlsx", demo.generate(customers=40, seed=7))
    earlier = (demo.AS_OF - pd.offsets.MonthEnd(3)).date().isoformat()
    built = {}
    for language in LANGUAGES:
        folder = root / language
        previous = build_file(source, output=folder / "Previous.xlsx", as_of=earlier, language=language)
        assert previous.exit_code == 0, previous.message
        outcome = build_file(source, out_dir=folder, language=language, previous=folder / "Previous.xlsx",
                             pdf=True, pdf_all_sheets=True, pack=True, params={"HoldoutMonths": 6})
        assert outcome.exit_code == 0, outcome.message
        built[language] = {"summary": folder / "Demo_Summary.xlsx", "print": folder / "Demo_Summary.pdf",
                           "pack": folder / "Demo_Summary_pack.pdf", "folder": folder, "outputs": outcome.outputs}
    return built


def pdf_text(pdf) -> list[str]:
    """The pages of a PDF as pdftotext -layout prints them."""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")[:-1]


def _figure(token: str) -> tuple[float, float] | None:
    """A printed figure as a number and the half-unit of its last shown decimal."""
    number = token.replace(",", "").lstrip("¥$€£").replace("-¥", "-")
    percent = number.endswith("%")
    number = number.rstrip("%").replace("¥", "")
    try:
        value = float(number)
    except ValueError:
        return None
    decimals = len(number.split(".")[1]) if "." in number else 0
    if percent:
        return value / 100, 0.5 * 10 ** -(decimals + 2) + 1e-9
    return value, 0.5 * 10 ** -decimals + 1e-9


def customer_figures(summary) -> dict[str, np.ndarray]:
    """Every number of each customer's rows (and each group's, by ParentID) in the summary's tables."""
    figures: dict[str, list[float]] = {}
    for table in read_results(summary).values():
        key = "CustomerID" if "CustomerID" in table else "ParentID" if "ParentID" in table else None
        if key is None:
            continue
        for _, row in table.iterrows():
            figures.setdefault(row[key], []).extend(
                float(v) for v in row.to_numpy()
                if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and pd.notna(v))
    return {k: np.array(v) for k, v in figures.items()}


def misplaced_lines(pdf, summary) -> list[tuple[int, str, str]]:
    """Printed lines that hold a customer's ID and a figure that is none of that customer's: (page, the
    figure, the line)."""
    figures = customer_figures(summary)
    wrong = []
    for page, text in enumerate(pdf_text(pdf), start=1):
        for line in text.splitlines():
            words = line.split()
            first = next((i for i, w in enumerate(words) if ID.match(w)), None)
            if first is None:
                continue
            known = figures.get(words[first], np.array([]))
            for word in words[first + 1:]:
                if ID.match(word) or DATE.match(word) or not FIGURE.match(word):
                    continue
                figure = _figure(word)
                if figure is not None and not np.any(np.abs(known - figure[0]) <= figure[1]):
                    wrong.append((page, word, line.strip()))
                    break
    return wrong


def word_heights(pdf) -> list[float]:
    """Per page, the 10th percentile of the heights of its word boxes (pdftotext -bbox), in points."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    heights = []
    for page in xml.split("<page ")[1:]:
        boxes = [float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)]
        heights.append(float(np.percentile(boxes, 10)) if boxes else float("inf"))
    return heights


@pytest.mark.libreoffice
@pytest.mark.slow(27)
@pytest.mark.parametrize("language", LANGUAGES)
def test_full_print_sets_each_figure_beside_its_own_customer(books, language):
    book = books[language]
    assert misplaced_lines(book["print"], book["summary"]) == []
    pages = pdf_text(book["print"])
    assert any(ID.match((line.split() or [""])[0]) for page in pages for line in page.splitlines())   # checked


@pytest.mark.libreoffice
@pytest.mark.parametrize("language", LANGUAGES)
def test_pack_sets_each_figure_beside_its_own_customer(books, language):
    book = books[language]
    assert misplaced_lines(book["pack"], book["summary"]) == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("language", LANGUAGES)
def test_pack_is_short_and_readable(books, language):
    pack = books[language]["pack"]
    heights = word_heights(pack)
    assert 4 <= len(heights) <= 12
    assert min(heights) >= MIN_WORD_HEIGHT, heights


@pytest.mark.libreoffice
@pytest.mark.parametrize("language", LANGUAGES)
def test_pack_holds_what_a_manager_reads(books, language):
    """Its sections in the summary's language, each action's verdict on the action's line, and nothing
    left beside the summary but the pack itself."""
    book = books[language]
    text = "\n".join(pdf_text(book["pack"]))
    flat = re.sub(r"\s+", "", text)
    for key in ("dashboard.title", "pack.customers", "pack.receivables", "pack.targets", "pack.actions",
                "pack.forecast", "pack.quality"):
        assert re.sub(r"\s+", "", ui(key, language)) in flat, key
    names = set(read_results(book["summary"])["ActionReview"]["CustomerName"])
    verdicts = [ui(f"pack.verdict_{v}", language) for v in ("yes", "no", "open")]
    lines = [line for line in text.splitlines() if any(line.rstrip().endswith(v) for v in verdicts)]
    assert len(lines) > 5 and all(any(name in line for name in names) for line in lines)
    assert ui("pack.verdict_yes", language) in text and ui("pack.verdict_no", language) in text
    assert sorted(p.name for p in book["folder"].iterdir()) == sorted(
        ["Previous.xlsx", "Demo_Summary.xlsx", "Demo_Summary.pdf", "Demo_Summary_pack.pdf"])
    assert book["pack"] in book["outputs"]


def test_pack_refused_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setattr(libreoffice, "soffice", lambda: None)
    result = CliRunner().invoke(main, ["build", str(tmp_path / "Book.xlsx"), "--pack"])
    assert result.exit_code == 2
    assert "--pack needs LibreOffice" in result.output and len(result.output.strip().splitlines()) == 1


def test_pack_in_the_project_file(tmp_path):
    (tmp_path / "kam.toml").write_text('inputs = ["Book.xlsx"]\npack = true\n', encoding="utf-8")
    assert load_config(tmp_path / "kam.toml")["pack"] is True
    (tmp_path / "kam.toml").write_text('pack = "yes"\n', encoding="utf-8")
    with pytest.raises(Exception, match="pack must be true or false"):
        load_config(tmp_path / "kam.toml")


@pytest.mark.libreoffice
def test_chinese_pack_is_chinese(books):
    """No contract name (an output column, a parameter), English severity, TRUE/FALSE or English pack title
    in the Chinese pack (the old full print in Chinese had 36 of those names: AsOfDate, CostOfCapital ...)."""
    import kam_xl.contract as contract
    from kam_xl.words import catalogue
    names = {name for key in dir(contract) if key.endswith("_COLUMNS")
             for name in getattr(contract, key) if isinstance(getattr(contract, key), (list, tuple))
             and isinstance(name, str)}
    names |= set(contract.COLUMN_KINDS) | set(getattr(catalogue("zh-CN"), "PARAMETERS", {}))
    names |= {"Error", "Warning", "Info", "TRUE", "FALSE"}
    text = "\n".join(pdf_text(books["zh-CN"]["pack"]))
    assert sorted(set(re.findall(r"[A-Za-z][A-Za-z0-9_]+", text)) & names) == []
    english = [phrase for key, phrase in catalogue("en").UI.items() if key.startswith("pack.")]
    assert [phrase for phrase in english if "{" not in phrase and phrase in text] == []
