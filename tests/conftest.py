import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from kam_xl.authoring import demo
from kam_xl.inputs.reader import inputs_from_frames
from kam_xl.render.libreoffice import soffice

D = pd.Timestamp


@pytest.hookimpl(trylast=True)   # after -k, -m and --deselect have chosen the tests
def pytest_collection_modifyitems(config, items):
    if soffice() is None:
        skip = pytest.mark.skip(reason="LibreOffice (soffice) not installed; runs in CI")
        for item in items:
            if "libreoffice" in item.keywords:
                item.add_marker(skip)
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    items[:] = longest_first(items, workers)


def longest_first(items: list, workers: int) -> list:
    """The collection reordered so that the tests marked ``slow(seconds)`` start first on every worker.

    pytest-xdist's worksteal scheduler hands worker i the i-th contiguous share of the collection
    (len(rest) // workers left, in turn) and later steals from the tail of the longest queue; a long test
    collected last would leave one worker running it alone while the other idles. Each slow test goes,
    longest first, to the share with the least slow time so far; the other tests fill the shares in
    collection order (so a module's tests stay together)."""
    slow = sorted((item for item in items if _seconds(item)), key=lambda item: -_seconds(item))
    if workers < 2 or not slow:
        return items
    sizes, left = [], len(items)
    for i in range(workers):
        sizes.append(left // (workers - i))
        left -= sizes[-1]
    shares, load = [[] for _ in sizes], [0.0] * workers
    for item in slow:
        share = min((i for i in range(workers) if len(shares[i]) < sizes[i]), key=lambda i: load[i])
        shares[share].append(item)
        load[share] += _seconds(item)
    rest = iter(item for item in items if not _seconds(item))
    for share, size in zip(shares, sizes):
        share.extend(next(rest) for _ in range(size - len(share)))
    return [item for share in shares for item in share]


def _seconds(item) -> float:
    """The seconds of a test's ``slow`` marker; 0 when it has none or is skipped (LibreOffice absent)."""
    marker = item.get_closest_marker("slow")
    if marker is None or item.get_closest_marker("skip"):
        return 0.0
    return float(marker.args[0] if marker.args else marker.kwargs.get("seconds", 1.0))


@pytest.fixture(autouse=True)
def _every_summary_ties(request, monkeypatch):
    """Every book the suite analyses ties to its ledgers: a Break in the Controls of any summary fails the test
    that made it, unless the test is marked ``breaks_controls`` (it plants one)."""
    import kam_xl.analysis
    if request.node.get_closest_marker("breaks_controls"):
        yield
        return
    breaks = []
    compute = kam_xl.analysis.compute

    def checked(*args, **kwargs):
        results = compute(*args, **kwargs)
        controls = results.tables.get("Controls")
        if controls is not None:
            breaks.extend(controls[controls["Status"] == "Break"].to_dict("records"))
        return results
    monkeypatch.setattr(kam_xl.analysis, "compute", checked)
    yield
    assert not breaks, f"a summary of this test does not tie to its ledgers: {breaks}"


@pytest.fixture(autouse=True)
def _fresh_formula_cache():
    """Cell formulas keep recent results (kam_xl.excel.cells.cached); no test sees another's."""
    yield
    cells = sys.modules.get("kam_xl.excel.cells")
    if cells is not None:
        cells._cache.clear()


@pytest.fixture(scope="session")
def cdnow_dir() -> Path:
    """The CDNOW files shipped in the lifetimes package (used as data only)."""
    spec = importlib.util.find_spec("lifetimes")
    if spec is None:
        pytest.fail("lifetimes (test data) is not installed; run `make test`")
    return Path(spec.submodule_search_locations[0]) / "datasets"


def small_book() -> dict[str, pd.DataFrame]:
    """A book where every figure can be checked with a calculator (see tests).

    AsOfDate 2026-06-30, period 2026-01-01 .. 2026-06-30 (181 days)."""
    customers = pd.DataFrame({
        "CustomerID": ["A1", "B2", "C3", "D4"],
        "CustomerName": ["Alpha", "Beta", "Gamma", "Delta"],
        "Industry": ["Retail", "Retail", "Steel", "Steel"],
        "Size": ["Large", "Small", "Small", "Small"],
        "Region": ["East", "East", "West", "West"],
        "AccountManager": ["Li", "Li", "Wang", "Wang"],
        "CreditLimit": [10000, 500, None, None],
        "PaymentTermsDays": [30, 60, 30, 30],
        "EstimatedWallet": [10000, None, None, None],
    })
    sales = pd.DataFrame([
        (D("2025-10-01"), "A1", "P1", 2000, 1000),
        (D("2026-01-10"), "A1", "S1", 1000, 600),
        (D("2026-03-15"), "A1", "S2", 2000, 1100),
        (D("2026-03-20"), "A1", "R1", -200, -120),
        (D("2026-02-01"), "B2", "S3", 500, 450),
        (D("2026-06-01"), "B2", "S4", 700, 500),
        (D("2026-04-01"), "D4", "S5", 300, 200),
        (D("2026-04-05"), "D4", "R2", -300, -200),
    ], columns=["Date", "CustomerID", "DocumentNo", "NetRevenue", "COGS"])
    invoices = pd.DataFrame([
        ("INV0", "A1", D("2025-12-01"), D("2025-12-31"), 400),
        ("INV1", "A1", D("2026-01-10"), None, 1130),
        ("INV2", "A1", D("2026-03-15"), D("2026-04-14"), 2260),
        ("CN1", "A1", D("2026-03-20"), None, -226),
        ("INV3", "A1", D("2026-06-10"), D("2026-07-10"), 565),
        ("INV4", "B2", D("2026-01-05"), None, 800),
    ], columns=["InvoiceNo", "CustomerID", "InvoiceDate", "DueDate", "Amount"])
    payments = pd.DataFrame([
        ("INV0", "A1", D("2026-01-20"), 400),
        ("INV1", "A1", D("2026-02-20"), 500),
        ("INV1", "A1", D("2026-03-25"), 630),
        ("INV2", "A1", D("2026-05-20"), 1000),
        (None, "A1", D("2026-06-15"), 100),
        ("INV2", "A1", D("2026-07-05"), 500),
        ("INV-X", "B2", D("2026-06-01"), 50),
    ], columns=["InvoiceNo", "CustomerID", "PaymentDate", "Amount"])
    activities = pd.DataFrame([
        (D("2026-01-10"), "A1", "Order", 3, None),
        (D("2026-02-01"), "A1", "Visit", 2, None),
        (D("2026-03-01"), "A1", "Rebate", 0, 50),
        (D("2025-12-15"), "A1", "Visit", 1, None),
        (D("2026-02-01"), "B2", "Order", 2, None),
        (D("2026-02-02"), "B2", "Unknown activity", 5, None),
    ], columns=["Date", "CustomerID", "Activity", "DriverQuantity", "DirectCost"])
    rates = pd.DataFrame({"Activity": ["Order", "Visit"], "Rate": [10, 100]})
    contacts = pd.DataFrame([
        (D("2026-05-01"), "A1", "Visit", "Li", 4, "ok", D("2026-05-20")),
        (D("2026-06-10"), "A1", "Phone", "Li", 2, None, D("2026-06-25")),
        (D("2025-12-01"), "B2", "Visit", "Li", 5, "great", None),
    ], columns=["Date", "CustomerID", "Channel", "Owner", "Satisfaction", "Feedback", "NextFollowUp"])
    outlook = pd.DataFrame({"Industry": ["Retail", "Steel"], "GrowthOutlook": [0.05, -0.02]})
    # DataStart: the records are complete from 2025-07-01, so the prior period (the six calendar months
    # 2025-07-01 .. 2025-12-31) is compared even though the first sale is in October (tests/test_trust.py
    # checks the case without it).
    parameters = pd.DataFrame({"Parameter": ["AsOfDate", "PeriodStart", "DataStart"],
                               "Value": ["2026-06-30", "2026-01-01", "2025-07-01"]})
    return {"Customers": customers, "Sales": sales, "Invoices": invoices, "Payments": payments,
            "Activities": activities, "ActivityRates": rates, "Contacts": contacts,
            "IndustryOutlook": outlook, "Parameters": parameters}


@pytest.fixture
def small_inputs():
    return inputs_from_frames(small_book())


@pytest.fixture(scope="session")
def demo_tables():
    return demo.generate(customers=80, seed=11)


@pytest.fixture(scope="session")
def demo_workbook(tmp_path_factory, demo_tables) -> Path:
    from kam_xl.authoring.template import write_template
    path = tmp_path_factory.mktemp("demo") / "Demo.xlsx"
    return write_template(path, demo_tables)
