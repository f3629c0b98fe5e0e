"""Month-end controls, the reader's part (issue 29): the reader's ledger of what it read and did not pass on,
duplicates within one file, and ERP export habits (a bill's header on its first line only, the export's own
合计 rows). Every figure is worked out by hand in the comments."""
import math

import pandas as pd
from click.testing import CliRunner

from helpers import write_book
from kam_xl import analyze, read_workbook
from kam_xl.app.cli import main
from kam_xl.authoring.template import write_template
from kam_xl.inputs import reader


def assert_ledgers_tie(inputs):
    """Lines read = used + rejected, in rows and in amount (within half a cent), for every amount table."""
    assert set(inputs.ledgers) == {"Sales", "Invoices", "Payments"} & set(inputs.tables)
    for name, ledger in inputs.ledgers.items():
        used = inputs[name][ledger.amount].sum() if name in inputs.tables else 0.0
        assert ledger.read_rows == ledger.used_rows + len(ledger.rejected), name
        assert abs(ledger.read_amount - (used + ledger.rejected["amount"].sum())) <= 0.005, name


def records(inputs, key):
    return [r for r in inputs.dq.records if r["key"] == key]


CUSTOMERS = [["客户编号", "客户名称"], ["K1", "甲公司"], ["K2", "乙公司"]]


def messy_book(path):
    """Every way a line can be read and not used, in Sales, Invoices and Payments."""
    return write_book(path, {
        "客户": CUSTOMERS,
        "销售": [
            ["单据号", "日期", "客户编号", "产品", "数量", "销售收入", "销售成本"],
            ["D1", "2026-03-02", "K1", "A", 1, 100, 60],          # 2 used
            [None, None, None, "B", 1, 50, 30],                     # 3 the bill D1's second line: filled, used
            ["D2", "2026-03-03", "K2", "A", 2, 200, 120],           # 4 used
            ["D2", "2026-03-03", "K2", "A", 2, 200, 120],           # 5 the same line again: a Warning, used
            ["D3", "2026-03-04", "K1", "A", 1, "abc", 10],          # 6 revenue not a number: rejected, unparsed
            ["D4", None, "K1", "A", 1, 70, 40],                     # 7 no date: rejected, 70
            ["D5", "2026-03-05", "K9", "A", 1, 80, 50],             # 8 no such customer: rejected, 80
            ["D6", "2026-03-06", "K2", "A", 1, "$90", 50],          # 9 in dollars: rejected, 90 as typed
            ["合计", None, None, None, None, 790, 480],             # 10 the export's total: skipped, not a line
            [],                                                     # 11 blank
            [None, None, None, "C", 1, 40, 20],                     # 12 no key, no bill above: rejected, 40
            [None, "2026-03-07", None, "C", None, None, None],      # 13 no key, no figures: rejected, unparsed
            ["D7", "2026-03-08", "K2", "A", 1, 300, 200],           # 14 used
        ],
        "发票": [
            ["发票号", "客户编号", "开票日期", "金额"],
            ["F1", "K1", "2026-03-02", 150],                        # 2 used
            ["F2", "K2", "2026-03-03", 400],                        # 3 used
            ["F2", "K2", "2026-03-03", 400],                        # 4 pasted twice: rejected, 400
            ["F3", "K1", "2026-13-45", 70],                         # 5 no such date: rejected, 70
            ["合计", None, None, 1020],                             # 6 150 + 400 + 400 + 70: skipped
        ],
        "收款": [
            ["客户编号", "收款日期", "金额", "发票号"],
            ["K1", "2026-03-10", 150, "F1"],                        # 2 used
            ["K1", "2026-03-10", 150, "F1"],                        # 3 the same receipt: a Warning, used
            ["K2", "2026-03-11", "#N/A", "F2"],                     # 4 an error value: rejected, unparsed
        ],
    })


# A. The reader's ledger ---------------------------------------------------------------------------------------

def test_the_ledger_of_a_messy_book_by_hand(tmp_path):
    inputs = read_workbook(messy_book(tmp_path / "messy.xlsx"))
    sales = inputs.ledgers["Sales"]
    # read: rows 2-9, 12, 13 and 14 (the 合计 row 10 is no line, row 11 is blank); amounts that parse:
    # 100 + 50 + 200 + 200 + 70 + 80 + 90 + 40 + 300 = 1130 (rows 6 and 13 do not parse)
    assert (sales.table, sales.amount, sales.read_rows, sales.read_amount, sales.unparsed_rows) == \
        ("Sales", "NetRevenue", 11, 1130.0, 2)
    assert sales.rejected[["_row", "reason"]].values.tolist() == [
        [6, "cell.required_invalid"], [7, "cell.required_blank"], [9, "cell.foreign_currency"],
        [12, "row.key_blank_figures"], [13, "row.key_blank"], [8, "key.unknown"]]
    amounts = dict(zip(sales.rejected["_row"], sales.rejected["amount"]))
    assert math.isnan(amounts[6]) and math.isnan(amounts[13])
    assert {row: amounts[row] for row in (7, 8, 9, 12)} == {7: 70.0, 8: 80.0, 9: 90.0, 12: 40.0}
    # used: rows 2, 3, 4, 5 and 14: 100 + 50 + 200 + 200 + 300 = 850 = 1130 - 70 - 80 - 90 - 40
    assert sales.used_rows == 5 and inputs["Sales"]["_row"].tolist() == [2, 3, 4, 5, 14]
    assert inputs["Sales"]["NetRevenue"].sum() == 850.0
    invoices = inputs.ledgers["Invoices"]
    # read 150 + 400 + 400 + 70 = 1020 on rows 2-5; used F1 and F2 once: 550
    assert (invoices.read_rows, invoices.read_amount, invoices.unparsed_rows, invoices.used_rows) == (4, 1020.0, 0, 2)
    assert invoices.rejected.values.tolist() == [[5, 70.0, "cell.date_formats"], [4, 400.0, "dup.invoice_row"]]
    payments = inputs.ledgers["Payments"]
    assert (payments.read_rows, payments.read_amount, payments.unparsed_rows, payments.used_rows) == (3, 300.0, 1, 2)
    assert payments.rejected[["_row", "reason"]].values.tolist() == [[4, "cell.required_error"]]
    assert_ledgers_tie(inputs)
    # the two 合计 rows tie: skipped with an Info each, recorded as the export's totals
    assert [(t.table, t.row, t.column, t.stated, t.lines) for t in inputs.export_totals] == [
        ("Sales", 10, "NetRevenue", 790.0, 790.0), ("Sales", 10, "COGS", 480.0, 480.0),
        ("Invoices", 6, "Amount", 1020.0, 1020.0)]
    assert [(r["Severity"], r["Table"], r["Row"]) for r in records(inputs, "row.totals_skipped")] == [
        ("Info", "Sales", 10), ("Info", "Invoices", 6)]


def test_the_ledger_of_two_sources_counts_the_document_the_second_one_repeats(tmp_path):
    """Finance's sales list and operations' own export repeating document D2: the copy is read, not used, and
    in the ledger with its file."""
    finance = write_book(tmp_path / "finance.xlsx", {
        "客户": CUSTOMERS,
        "销售": [["单据号", "日期", "客户编号", "销售收入", "销售成本"],
                 ["D1", "2026-03-02", "K1", 100, 60], ["D2", "2026-03-03", "K2", 200, 120]]})
    ops = write_book(tmp_path / "ops.xlsx", {
        "销售": [["单据号", "日期", "客户编号", "销售收入", "销售成本"],
                 ["D2", "2026-03-03", "K2", 200, 120],                 # row 2: finance has it
                 ["D3", "2026-03-04", "K9", 50, 20],                   # row 3: no such customer
                 ["D4", "2026-03-05", "K1", 300, 200]]})              # row 4
    inputs = read_workbook(finance, sources=[ops])
    sales = inputs.ledgers["Sales"]
    # read 100 + 200 + 200 + 50 + 300 = 850 on 5 lines; used D1, D2, D4: 600
    assert (sales.read_rows, sales.read_amount, sales.used_rows) == (5, 850.0, 3)
    assert sales.rejected.values.tolist() == [[2, 200.0, "source.duplicate_document", "ops.xlsx"],
                                              [3, 50.0, "key.unknown", "ops.xlsx"]]
    assert inputs["Sales"]["NetRevenue"].sum() == 600.0
    assert_ledgers_tie(inputs)


def test_the_ledger_of_a_condensed_sales_file_counts_the_lines_summed(tmp_path, monkeypatch):
    """--sales big.csv, condensed as it is read (the threshold set to 0): 6 plain lines summed into 3 rows, a
    line for an unknown customer and a totals line typed one by one."""
    monkeypatch.setattr(reader, "CONDENSE_FROM_BYTES", 0)
    book = write_template(tmp_path / "book.xlsx", {"Customers": pd.DataFrame({"CustomerID": ["K1", "K2"]})})
    (tmp_path / "big.csv").write_text(
        "Date,CustomerID,DocumentNo,NetRevenue,COGS\n"
        "2026-03-02,K1,D1,100,60\n2026-03-02,K1,D1,50,30\n"            # lines 2-3: one sum, 150
        "2026-03-03,K2,D2,200,120\n2026-03-03,K2,D2,200.5,120\n"       # lines 4-5: one sum, 400.5
        "2026-03-04,K9,D3,70,40\n"                                       # line 6: unknown customer
        "2026-03-05,K1,D4,25.25,10\n2026-03-05,K1,D4,4.75,1\n"         # lines 7-8: one sum, 30
        ",合计,,650.5,381\n", encoding="utf-8")                         # line 9: 150 + 400.5 + 70 + 30
    inputs = read_workbook(book, external={"Sales": tmp_path / "big.csv"})
    assert records(inputs, "source.condensed")[0]["values"]["plain"] == 6
    assert len(inputs["Sales"]) == 3                                     # the sums
    sales = inputs.ledgers["Sales"]
    # read lines 2-8 (the totals line 9 is the export's, and ties): 150 + 400.5 + 70 + 30 = 650.5
    assert (sales.read_rows, sales.read_amount, sales.used_rows) == (7, 650.5, 6)
    assert sales.rejected.values.tolist() == [[6, 70.0, "key.unknown"]]
    assert_ledgers_tie(inputs)
    assert [(t.row, t.column, t.stated, t.lines) for t in inputs.export_totals] == [
        (9, "NetRevenue", 650.5, 650.5), (9, "COGS", 381.0, 381.0)]   # COGS 60 + 30 + 120 + 120 + 40 + 10 + 1


# B. Duplicates within one file -------------------------------------------------------------------------------

def receivables_book(path, invoices: list[list]):
    return write_book(path, {
        "Customers": [["CustomerID", "CustomerName"], ["K1", "Alpha"], ["K2", "Beta"]],
        "Sales": [["Date", "CustomerID", "DocumentNo", "NetRevenue", "COGS"],
                  ["2026-06-01", "K1", "D1", 18000, 9000], ["2026-06-20", "K1", "D2", 90000, 45000],
                  ["2026-06-21", "K2", "D3", 1000, 500]],
        "Invoices": [["InvoiceNo", "CustomerID", "InvoiceDate", "DueDate", "Amount"], *invoices],
        "Parameters": [["Parameter", "Value"], ["AsOfDate", "2026-07-05"], ["PeriodStart", "2026-01-01"]]})


def test_an_invoice_row_pasted_twice_is_used_once(tmp_path):
    path = receivables_book(tmp_path / "pasted.xlsx", [
        ["INV-12", "K1", "2026-06-01", "2026-07-01", 20680],     # row 2
        ["INV-13", "K1", "2026-06-20", "2026-07-20", 101700],    # row 3
        ["INV-13", "K1", "2026-06-20", "2026-07-20", 101700],    # row 4: the same row pasted again
        ["INV-14", "K2", "2026-06-21", "2026-07-21", 1130]])     # row 5
    inputs = read_workbook(path)
    assert inputs["Invoices"]["_row"].tolist() == [2, 3, 5]
    # K1 owes INV-12 and INV-13 once: 20,680 + 101,700 = 122,380 (not 224,080)
    receivables = analyze(inputs)["Receivables"].set_index("CustomerID")
    assert receivables.loc["K1", "OpenBalance"] == 122380.0
    [error] = records(inputs, "dup.invoice_row")
    assert (error["Severity"], error["Row"], error["Value"]) == ("Error", 4, "INV-13")
    message = inputs.dq.message(error, "en")
    assert message == ("Same invoice as Invoices row 3 (number, customer, date and amount 101,700.00): pasted twice? "
                       "Not used a second time")
    assert inputs.dq.location(error) == "Invoices!A4 InvoiceNo"
    assert inputs.ledgers["Invoices"].rejected.values.tolist() == [[4, 101700.0, "dup.invoice_row"]]
    assert inputs.dq.exit_code() == 1
    assert_ledgers_tie(inputs)


def test_one_invoice_number_on_two_customers_is_an_error_naming_both(tmp_path):
    path = receivables_book(tmp_path / "two.xlsx", [
        ["INV-12", "K1", "2026-06-01", "2026-07-01", 20680],     # row 2
        ["INV-13", "K1", "2026-06-20", "2026-07-20", 101700],    # row 3
        ["INV-13", "K2", "2026-06-21", "2026-07-21", 1130]])     # row 4: K2's invoice under K1's number
    inputs = read_workbook(path)
    [error] = records(inputs, "dup.invoice_customers")
    assert (error["Severity"], error["Row"], error["Value"]) == ("Error", 4, "INV-13")
    assert inputs.dq.message(error, "en") == (
        "This InvoiceNo is also used for customer 'K1' (Invoices row 3); here it is customer 'K2': receipts naming "
        "the number cannot tell which. Both rows are used; correct the number")
    assert inputs.dq.message(error, "zh-CN").startswith("该发票号也用于客户“K1”（Invoices第 3 行），本行客户为“K2”")
    assert "K1" not in inputs.dq.message(error, "en", private=True)     # no customer named in a private summary
    assert inputs["Invoices"]["_row"].tolist() == [2, 3, 4] and inputs.dq.exit_code() == 1


def test_a_receipt_entered_twice_is_a_warning_and_both_are_used(tmp_path):
    path = write_book(tmp_path / "receipts.xlsx", {
        "Customers": [["CustomerID"], ["K1"]],
        "Sales": [["Date", "CustomerID", "NetRevenue"], ["2026-06-01", "K1", 1000]],
        "Payments": [["CustomerID", "PaymentDate", "Amount", "InvoiceNo"],
                     ["K1", "2026-06-10", 5000, "INV-1"],              # row 2
                     ["K1", "2026-06-10", 5000, "INV-2"],              # row 3: another invoice: not the same
                     ["K1", "2026-06-10", 5000, "INV-1"]]})            # row 4: the same as row 2
    inputs = read_workbook(path)
    [warning] = records(inputs, "dup.payment_row")
    assert (warning["Severity"], warning["Row"]) == ("Warning", 4)
    assert inputs.dq.message(warning, "en") == (
        "Same receipt as Payments row 2 (customer, date, invoice and amount 5,000.00): entered twice? Both are used "
        "(two equal receipts on one day can be real)")
    assert inputs["Payments"]["Amount"].sum() == 15000.0 and inputs.dq.exit_code() == 0


def test_a_sales_line_repeated_in_a_document_and_a_document_number_reused_are_warnings(tmp_path):
    path = write_book(tmp_path / "sales.xlsx", {
        "Customers": [["CustomerID"], ["K1"], ["K2"]],
        "Sales": [["Date", "CustomerID", "DocumentNo", "Product", "NetRevenue", "COGS"],
                  ["2026-06-01", "K1", "D1", "A", 300, 100],           # row 2
                  ["2026-06-01", "K1", "D1", "B", 300, 100],           # row 3: another product
                  ["2026-06-01", "K1", "D1", "A", 300, 100],           # row 4: the same line as row 2
                  ["2026-06-02", "K2", "D1", "A", 120, 60],            # row 5: D1 again, for K2 on another day
                  ["2026-06-02", "K2", "D1", "C", 80, 30],             # row 6
                  ["2026-06-03", "K2", "D9", "A", 50, 20],             # row 7
                  ["2026-06-03", "K2", "D9", "A", 50, 20.5]]})         # row 8: another cost: not the same
    inputs = read_workbook(path)
    [line] = records(inputs, "dup.sales_line")
    assert (line["Severity"], line["Row"], line["Value"]) == ("Warning", 4, "D1")
    assert inputs.dq.message(line, "en") == ("Same line as Sales row 2 of this document (every column, amount "
                                             "300.00): entered twice? Both are used")
    [reused] = records(inputs, "dup.document_reused")
    assert (reused["Severity"], reused["Row"], reused["Value"]) == ("Warning", 5, "D1")
    # K2's lines under D1: 120 + 80 = 200
    assert inputs.dq.message(reused, "en") == (
        "This DocumentNo is also used on Sales row 2 (customer 'K1', 2026-06-01); here customer 'K2', 2026-06-02, "
        "amount 200.00. Both are used")
    assert len(inputs["Sales"]) == 7 and inputs["Sales"]["NetRevenue"].sum() == 1200.0
    assert inputs.dq.exit_code() == 0


def test_the_demo_book_has_no_duplicate_errors(tmp_path):
    runner = CliRunner()
    made = runner.invoke(main, ["demo", "--out", str(tmp_path), "--no-build"])
    assert made.exit_code == 0, made.output
    [book] = tmp_path.glob("*.xlsx")
    checked = runner.invoke(main, ["validate", str(book)], terminal_width=400)
    assert checked.exit_code == 0, checked.output
    inputs = read_workbook(book)
    assert not [r for r in inputs.dq.records if r["key"].startswith("dup.") and r["Severity"] == "Error"]
    assert_ledgers_tie(inputs)


# C. ERP export habits ----------------------------------------------------------------------------------------

def merged_header_sales(bills: int = 120, long_bills: int = 10):
    """A Kingdee 销售出库单 list with each bill's header (单据编号, 日期, 客户编码) on its first line only:
    ``long_bills`` bills of 3 lines, the others of 2; line i (0-based) is worth 100 + i."""
    rows, lines, revenue = [["单据编号", "日期", "客户编码", "物料名称", "实发数量", "金额", "总成本"]], 0, {}
    for bill in range(bills):
        customer = "K1" if bill % 2 == 0 else "K2"
        for line in range(3 if bill < long_bills else 2):
            amount = 100.0 + lines
            header = [f"XSCKD{bill:04d}", f"2026-03-{1 + bill % 28:02d}", customer] if line == 0 else [None] * 3
            rows.append([*header, f"物料{line}", 1, amount, amount / 2])
            revenue[customer] = revenue.get(customer, 0.0) + amount
            lines += 1
    return rows, lines, revenue


def test_a_kingdee_list_with_the_bill_header_on_its_first_line_only_is_read_whole(tmp_path):
    rows, lines, revenue = merged_header_sales()
    assert lines == 250 and len(rows) == 251                       # 10 bills of 3 lines, 110 of 2: 130 lines follow
    path = write_book(tmp_path / "金蝶.xlsx", {"客户": CUSTOMERS, "销售出库单": rows})
    inputs = read_workbook(path)
    sales = inputs["Sales"]
    assert len(sales) == 250 and sales["_row"].tolist() == list(range(2, 252))
    # every line used: 250 × 100 + (0 + ... + 249) = 25,000 + 31,125 = 56,125
    assert sales["NetRevenue"].sum() == 56125.0
    assert sales.groupby("CustomerID")["NetRevenue"].sum().to_dict() == revenue
    # row 3 is the second line of XSCKD0000 (K1, 2026-03-01); row 252 does not exist, row 251 is XSCKD0119's 2nd
    second_line = sales.loc[1, ["DocumentNo", "CustomerID", "Date"]].tolist()
    assert second_line == ["XSCKD0000", "K1", pd.Timestamp("2026-03-01")]
    assert sales.iloc[-1][["DocumentNo", "CustomerID"]].tolist() == ["XSCKD0119", "K2"]
    [filled] = records(inputs, "row.bill_filled")
    assert (filled["Severity"], filled["Table"], filled["Row"]) == ("Info", "Sales", 3)
    assert inputs.dq.message(filled, "en") == (
        "130 line(s) without 单据编号, 客户编码, 日期 are lines of the bill above them (the export writes a bill's "
        "header on its first line only): filled in from the bill's first line (first such line: row 3)")
    assert not inputs.dq.count("Error") and not records(inputs, "row.totals")
    assert_ledgers_tie(inputs)


def test_continuation_lines_of_invoices_and_receipts_are_filled_too(tmp_path):
    path = write_book(tmp_path / "ar.xlsx", {
        "客户": CUSTOMERS,
        "销售": [["日期", "客户编号", "销售收入"], ["2026-03-01", "K1", 100]],
        "应收单": [["单据编号", "客户编码", "业务日期", "到期日", "价税合计", "物料名称"],
                  ["AR1", "K1", "2026-03-01", "2026-03-31", 113, "A"],
                  [None, None, None, None, 226, "B"],                    # row 3: AR1's second line
                  ["AR2", "K2", "2026-03-02", "2026-04-01", 339, "A"]],
        "收款单": [["往来单位编码", "业务日期", "表体-实收金额", "源单编号"],
                  ["K1", "2026-03-20", 113, "AR1"],
                  [None, None, 226, "AR1"]]})                              # row 3: the receipt's second line
    inputs = read_workbook(path)
    invoices = inputs["Invoices"]
    assert invoices[["InvoiceNo", "CustomerID", "Amount"]].values.tolist() == [
        ["AR1", "K1", 113.0], ["AR1", "K1", 226.0], ["AR2", "K2", 339.0]]
    assert invoices.loc[1, "DueDate"] == pd.Timestamp("2026-03-31")
    payments = inputs["Payments"]
    assert payments[["CustomerID", "PaymentDate", "Amount"]].values.tolist() == [
        ["K1", pd.Timestamp("2026-03-20"), 113.0], ["K1", pd.Timestamp("2026-03-20"), 226.0]]
    assert [(r["Table"], r["values"]["lines"]) for r in records(inputs, "row.bill_filled")] == [
        ("Invoices", 1), ("Payments", 1)]
    assert not inputs.dq.count("Error")


def test_a_line_with_its_own_date_but_no_customer_is_not_taken_for_the_bill_above(tmp_path):
    """A receipt typed without its customer (its date is there) is no line of the receipt above it."""
    path = write_book(tmp_path / "typed.xlsx", {
        "客户": CUSTOMERS,
        "销售": [["日期", "客户编号", "销售收入"], ["2026-03-01", "K1", 100]],
        "收款": [["客户编号", "收款日期", "金额"], ["K1", "2026-03-20", 113], [None, "2026-03-21", 226]]})
    inputs = read_workbook(path)
    assert inputs["Payments"]["Amount"].tolist() == [113.0] and not records(inputs, "row.bill_filled")
    assert [(r["key"], r["Row"]) for r in inputs.dq.records if r["Severity"] == "Error"] == \
        [("row.key_blank_figures", 3)]


def kingdee_with_totals(path, sales_total="1,500.00"):
    """A clean Kingdee export whose three lists end with their own 合计 row."""
    return write_book(path, {
        "客户": CUSTOMERS,
        "销售出库单": [["销售出库单列表"], [],
                   ["单据编号", "日期", "客户编码", "物料名称", "实发数量", "金额", "总成本"],
                   ["XS1", "2026-03-02", "K1", "A", 2, "1,000.00", 600],        # row 4
                   ["XS2", "2026-03-05", "K2", "B", 1, "500.00", 300],          # row 5
                   ["合计", None, None, None, 3, sales_total, 900]],             # row 6
        "应收单": [["单据编号", "客户编码", "业务日期", "价税合计"],
                  ["AR1", "K1", "2026-03-02", 1130], ["AR2", "K2", "2026-03-05", 565],
                  ["合计", None, None, 1695]],                                   # row 4
        "收款单": [["往来单位编码", "业务日期", "表体-实收金额"],
                  ["K1", "2026-03-20", 1130], [None, "总计", 1130]],            # row 3: 总计 in the date column
        "参数": [["参数", "值"], ["截止日期", "2026-03-31"]]})


def test_a_clean_kingdee_export_with_its_own_totals_rows_exits_0(tmp_path):
    path = kingdee_with_totals(tmp_path / "金蝶.xlsx")
    checked = CliRunner().invoke(main, ["validate", str(path)], terminal_width=400)
    assert checked.exit_code == 0, checked.output
    inputs = read_workbook(path)
    assert [(r["Severity"], r["Table"], r["Row"]) for r in records(inputs, "row.totals_skipped")] == [
        ("Info", "Sales", 6), ("Info", "Invoices", 4), ("Info", "Payments", 3)]
    assert inputs.dq.location(records(inputs, "row.totals_skipped")[0]) == "销售出库单!6:6"
    assert [(t.table, t.row, t.column, t.stated, t.lines) for t in inputs.export_totals] == [
        ("Sales", 6, "NetRevenue", 1500.0, 1500.0), ("Sales", 6, "COGS", 900.0, 900.0),
        ("Invoices", 4, "Amount", 1695.0, 1695.0), ("Payments", 3, "Amount", 1130.0, 1130.0)]
    assert inputs["Sales"]["NetRevenue"].sum() == 1500.0 and len(inputs["Invoices"]) == 2
    assert inputs.ledgers["Sales"].read_rows == 2                   # the 合计 row is not a line
    assert_ledgers_tie(inputs)


def test_a_totals_row_that_is_not_the_sum_of_its_lines_is_skipped_with_a_warning(tmp_path):
    path = kingdee_with_totals(tmp_path / "金蝶.xlsx", sales_total="1,800.00")   # 300 more than 1,000 + 500
    inputs = read_workbook(path)
    [warning] = records(inputs, "row.totals_differ")
    assert (warning["Severity"], warning["Table"], warning["Row"], warning["Column"]) == \
        ("Warning", "Sales", 6, "NetRevenue")
    assert inputs.dq.message(warning, "en") == (
        "Totals row: 金额 1,800.00 is not the sum of the lines above it (1,500.00, difference 300.00); the row is "
        "skipped, but lines may be missing or the export changed: check it")
    assert ("Sales", 6, "NetRevenue", 1800.0, 1500.0) in [(t.table, t.row, t.column, t.stated, t.lines)
                                                         for t in inputs.export_totals]
    assert inputs["Sales"]["NetRevenue"].sum() == 1500.0 and inputs.dq.exit_code() == 0


def test_subtotals_and_a_grand_total(tmp_path):
    """小计 after each customer's lines, 合计 under them all: each is the sum of what it closes."""
    path = write_book(tmp_path / "sub.xlsx", {
        "客户": CUSTOMERS,
        "销售": [["单据号", "日期", "客户编号", "销售收入"],
                 ["D1", "2026-03-02", "K1", 100], ["D2", "2026-03-03", "K1", 50],
                 ["小计", None, None, 150],                                   # row 4
                 ["D3", "2026-03-04", "K2", 70],
                 ["小计", None, None, 70],                                    # row 6
                 ["合计", None, None, 220]]})                                 # row 7
    inputs = read_workbook(path)
    assert [(t.row, t.stated, t.lines) for t in inputs.export_totals] == [(4, 150.0, 150.0), (6, 70.0, 70.0),
                                                                        (7, 220.0, 220.0)]
    assert len(records(inputs, "row.totals_skipped")) == 3 and inputs.dq.exit_code() == 0


def test_a_line_without_its_key_that_is_no_bill_line_nor_a_total_is_an_error_with_its_reason(tmp_path):
    path = write_book(tmp_path / "orphan.xlsx", {
        "客户": CUSTOMERS,
        "销售": [["单据号", "日期", "客户编号", "销售收入"],
                 ["D1", "2026-03-02", "K1", 100],
                 [],
                 [None, "2026-03-03", None, 40]]})                            # row 4: under a blank row
    inputs = read_workbook(path)
    [error] = [r for r in inputs.dq.records if r["Severity"] == "Error"]
    assert (error["key"], error["Row"]) == ("row.key_blank_figures", 4)
    assert inputs.dq.message(error, "en") == ("客户编号 is blank but the row has figures, and it is neither a line of "
                                              "the bill above it nor a totals row (合计/Total); row not used")
    assert inputs.ledgers["Sales"].rejected.values.tolist() == [[4, 40.0, "row.key_blank_figures"]]


def test_the_looks_like_kingdee_note_is_said_of_the_table_it_describes(tmp_path):
    rows, _, _ = merged_header_sales(bills=2, long_bills=0)
    path = write_book(tmp_path / "金蝶.xlsx", {"客户": CUSTOMERS, "销售出库单": rows})
    inputs = read_workbook(path)
    [note] = records(inputs, "names.preset_detected")
    assert (note["Severity"], note["Table"]) == ("Info", "Sales")
    assert inputs.dq.location(note) == "销售出库单"


def test_a_column_that_is_no_document_number_is_not_listed_line_by_line(tmp_path):
    """A number on two customers is said once per other customer and day; beyond 100, the rest in one record."""
    rows = [["Date", "CustomerID", "DocumentNo", "NetRevenue"]]
    rows += [[f"2026-03-{1 + i % 28:02d}", "K1" if i % 2 else "K2", "SO", 10 + i] for i in range(150)]
    path = write_book(tmp_path / "so.xlsx", {"Customers": [["CustomerID"], ["K1"], ["K2"]], "Sales": rows})
    inputs = read_workbook(path)
    # 28 days, each with one customer (line i: day 1 + i % 28, K1 when i is odd): 27 beside the first, all listed
    listed = records(inputs, "dup.document_reused")
    assert len(listed) == 27 and not records(inputs, "dup.more") and len(inputs["Sales"]) == 150
    rows = [["Date", "CustomerID", "DocumentNo", "NetRevenue"]]
    rows += [[f"2026-03-{1 + i % 28:02d}", "K1", f"D{i:03d}", 10] for i in range(150)]
    rows += [[f"2026-03-{1 + i % 28:02d}", "K2", f"D{i:03d}", 10] for i in range(150)]   # each number again
    path = write_book(tmp_path / "again.xlsx", {"Customers": [["CustomerID"], ["K1"], ["K2"]], "Sales": rows})
    inputs = read_workbook(path)
    assert len(records(inputs, "dup.document_reused")) == 100
    [more] = records(inputs, "dup.more")
    assert inputs.dq.message(more, "en") == ("50 more document numbers also used for another customer or day (used; "
                                             "is the column read as DocumentNo the document's number?) are not listed "
                                             "(the first 100 are)")


def test_a_repeated_line_in_a_condensed_file_is_said_as_when_read_line_by_line(tmp_path, monkeypatch):
    """Identical lines of one document would be summed unseen: such a file is read line by line instead."""
    monkeypatch.setattr(reader, "CONDENSE_FROM_BYTES", 0)
    book = write_template(tmp_path / "book.xlsx", {"Customers": pd.DataFrame({"CustomerID": ["K1", "K2"]})})
    (tmp_path / "big.csv").write_text(
        "Date,CustomerID,DocumentNo,Product,NetRevenue,COGS\n"
        "2026-03-02,K1,D1,A,100,60\n2026-03-02,K1,D1,B,100,60\n2026-03-02,K1,D1,A,100,60\n"   # line 4 = line 2
        "2026-03-03,K2,D2,A,200,120\n", encoding="utf-8")
    condensed = read_workbook(book, external={"Sales": tmp_path / "big.csv"})
    whole = read_workbook(book, external={"Sales": tmp_path / "big.csv"}, condense=False)
    assert not records(condensed, "source.condensed")
    assert [(r["Row"], r["values"]["first"]) for r in records(condensed, "dup.sales_line")] == [(4, 2)]
    assert condensed.dq.records == whole.dq.records
