"""Legacy .xls exports (BIFF8: older Kingdee K/3 and U8 save them by default) are read as sheets, with the
same figures, dates and Chinese text as the .xlsx of the same data, and the same checks.

tests/data/kingdee_k3.xls is ``book()`` written by write_template (Chinese sheets and headers, the Kingdee
preset's names) and saved as .xls once by LibreOffice 7.4: ``python tests/test_xls.py`` makes it again."""
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from kam_xl.app.cli import main
from kam_xl.authoring.template import write_template
from kam_xl.inputs.reader import read_workbook
from kam_xl.inputs.safe_io import InputError, check_workbook_file

FIXTURE = Path(__file__).parent / "data" / "kingdee_k3.xls"
D = pd.Timestamp


def book() -> dict[str, pd.DataFrame]:
    """Amounts with fen, a credit note, dates across a year end, Chinese names, an empty optional cell."""
    return {
        "Customers": pd.DataFrame({"CustomerID": ["KH001", "KH002", "KH003"],
                                   "CustomerName": ["上海华东机电有限公司", "北京恒通贸易", "深圳市南方电子"],
                                   "Industry": ["机械", "贸易", "电子"], "Region": ["华东", "华北", "华南"],
                                   "AccountManager": ["张伟", "李娜", "张伟"], "CreditLimit": [500000, 80000.5, None],
                                   "PaymentTermsDays": [30, 60, 45]}),
        "Sales": pd.DataFrame([
            (D("2025-12-30"), "KH001", "XSCK-0001", "电机 Y2-132", 12, 35678.91, 24000.10),
            (D("2026-01-05"), "KH001", "XSCK-0002", "减速机", 3, 123456.78, 98765.43),
            (D("2026-02-28"), "KH002", "XSCK-0003", "变频器", 40, 8800.00, 6100.55),
            (D("2026-03-01"), "KH002", "XSCK-0004", "变频器（退货）", -2, -440.00, -305.03),
            (D("2026-03-31"), "KH003", "XSCK-0005", "传感器", 1000, 0.01, None),
        ], columns=["Date", "CustomerID", "DocumentNo", "Product", "Quantity", "NetRevenue", "COGS"]),
        "Invoices": pd.DataFrame([
            ("FP-001", "KH001", D("2026-01-05"), D("2026-02-04"), 139506.16),
            ("FP-002", "KH002", D("2026-02-28"), None, 9944.00),
            ("HC-001", "KH002", D("2026-03-01"), None, -497.20),
        ], columns=["InvoiceNo", "CustomerID", "InvoiceDate", "DueDate", "Amount"]),
        "Payments": pd.DataFrame([
            ("FP-001", "KH001", D("2026-02-03"), 100000.00),
            ("FP-002", "KH002", D("2026-03-15"), 4972.00),
        ], columns=["InvoiceNo", "CustomerID", "PaymentDate", "Amount"]),
        "Parameters": pd.DataFrame({"Parameter": ["AsOfDate", "PeriodStart"], "Value": ["2026-03-31", "2026-01-01"]}),
    }


def _xlsx(folder: Path) -> Path:
    return write_template(folder / "kingdee_k3.xlsx", book(), language="zh-CN", preset="kingdee")


def _typed(inputs) -> dict[str, pd.DataFrame]:
    return {name: frame.reset_index(drop=True) for name, frame in inputs.tables.items()}


def _same_tables(xls: Path, xlsx: Path) -> None:
    from_xls, from_xlsx = read_workbook(xls), read_workbook(xlsx)
    assert set(from_xls.tables) == set(from_xlsx.tables) >= {"Customers", "Sales", "Invoices", "Payments"}
    for name, frame in _typed(from_xlsx).items():
        pd.testing.assert_frame_equal(_typed(from_xls)[name], frame, obj=name)
    # The same checks: the one finding (the blank COGS of row 6) and every note, in the same words and places.
    pd.testing.assert_frame_equal(from_xls.dq.frame(), from_xlsx.dq.frame(), obj="DataQuality")
    assert from_xls.dq.frame().query("Severity != 'Info'")[["Table", "Row", "Column"]].values.tolist() == \
        [["Sales", 6, "COGS"]]


def test_the_committed_xls_reads_as_its_xlsx(tmp_path):
    """Numbers (fen, negative, an empty COGS), dates (a year end, a leap-less February) and Chinese text are
    the same, typed, as from the .xlsx of the same data; the sheets are found by their Chinese names."""
    assert FIXTURE.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # a real BIFF8 (OLE) file
    _same_tables(FIXTURE, _xlsx(tmp_path))
    sales = read_workbook(FIXTURE)["Sales"]
    assert sales["NetRevenue"].tolist() == [35678.91, 123456.78, 8800.0, -440.0, 0.01]
    assert sales["Date"].tolist() == [D("2025-12-30"), D("2026-01-05"), D("2026-02-28"), D("2026-03-01"),
                                      D("2026-03-31")]
    assert sales["Product"].tolist()[3] == "变频器（退货）" and sales["COGS"].isna().tolist()[-1]
    customers = read_workbook(FIXTURE)["Customers"]
    assert customers["CustomerName"].tolist()[0] == "上海华东机电有限公司"


@pytest.mark.libreoffice
@pytest.mark.slow(5)
def test_a_xls_saved_by_libreoffice_now_reads_as_its_xlsx(tmp_path):
    xlsx = _xlsx(tmp_path)
    xls = _to_xls(xlsx, tmp_path / "out")
    _same_tables(xls, xlsx)


def test_build_and_validate_take_a_xls(tmp_path):
    """Open balances by hand: KH001 139,506.16 - 100,000.00 = 39,506.16; KH002 9,944.00 - 497.20 - 4,972.00
    = 4,474.80."""
    xls = tmp_path / "金蝶导出.xls"
    shutil.copy(FIXTURE, xls)
    runner = CliRunner()
    checked = runner.invoke(main, ["validate", str(xls)])
    assert checked.exit_code == 0, checked.output
    out = tmp_path / "summary.xlsx"
    built = runner.invoke(main, ["build", str(xls), "-o", str(out)])
    assert built.exit_code == 0 and out.exists(), built.output
    from kam_xl.render.results_reader import read_results
    receivables = read_results(out)["Receivables"].set_index("CustomerID")
    assert receivables.loc[["KH001", "KH002"], "OpenBalance"].tolist() == [39506.16, 4474.80]


def _encrypted(source: Path, target: Path) -> Path:
    """``source`` marked as encrypted, as a password-protected .xls is: a FILEPASS record (RC4) in place of
    the first record after the workbook's BOF that is long enough (the stream keeps its size)."""
    import olefile
    shutil.copy(source, target)
    with olefile.OleFileIO(str(target), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        at = 4 + struct.unpack_from("<H", data, 2)[0]   # past the BOF
        while struct.unpack_from("<H", data, at + 2)[0] < 6:
            at += 4 + struct.unpack_from("<H", data, at + 2)[0]
        struct.pack_into("<HHHHH", data, at, 0x002F, struct.unpack_from("<H", data, at + 2)[0], 1, 1, 1)
        ole.write_stream("Workbook", bytes(data))
    return target


def test_an_encrypted_xls_is_refused_in_one_line(tmp_path):
    locked = _encrypted(FIXTURE, tmp_path / "locked.xls")
    with pytest.raises(InputError, match="is a password-protected .xls workbook; give --password"):
        check_workbook_file(locked)
    result = CliRunner().invoke(main, ["build", str(locked), "-o", str(tmp_path / "out.xlsx")])
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert result.exit_code == 2 and len(errors) == 1 and "password-protected .xls" in errors[0], result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_other_ole_files_are_named_for_what_they_are(tmp_path):
    import olefile
    bare = tmp_path / "not_a_workbook.xls"
    shutil.copy(FIXTURE, bare)
    with olefile.OleFileIO(str(bare)) as ole:
        assert ole.exists("Workbook")
    data = bytearray(bare.read_bytes())
    data[512:] = b"\0" * (len(data) - 512)    # the directory and streams gone: a damaged container
    bare.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged or truncated|not a workbook"):
        check_workbook_file(bare)


def test_a_huge_xls_is_refused_unless_allowed(tmp_path, monkeypatch):
    from kam_xl.inputs import safe_io
    monkeypatch.setattr(safe_io, "MAX_UNCOMPRESSED_BYTES", 1000)   # a 94 KB file stands in for a 2 GB one
    big = Path(shutil.copy(FIXTURE, tmp_path / "big.xls"))
    with pytest.raises(InputError, match="is a .xls workbook of 0.1 MB; refused as larger .* --allow-large"):
        check_workbook_file(big, allow_large=False)
    check_workbook_file(big, allow_large=True)


def _to_xls(xlsx: Path, folder: Path) -> Path:
    from kam_xl.render.libreoffice import soffice
    folder.mkdir(parents=True, exist_ok=True)
    profile = (folder / "profile").resolve().as_uri()
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation={profile}", "--convert-to", "xls",
                    "--outdir", str(folder), str(xlsx)], check=True, capture_output=True, timeout=180)
    return folder / (xlsx.stem + ".xls")


if __name__ == "__main__":   # make the fixture again (LibreOffice needed)
    import tempfile
    with tempfile.TemporaryDirectory() as temp:
        made = _to_xls(_xlsx(Path(temp)), Path(temp) / "out")
        FIXTURE.parent.mkdir(exist_ok=True)
        shutil.copy(made, FIXTURE)
    print(FIXTURE, FIXTURE.stat().st_size, "bytes", file=sys.stderr)
