"""Bad-debt provision (坏账准备) worked out by hand: AsOfDate 2026-06-30, period 2026-01-01 .. 06-30,
so the prior period ends on 2025-12-31. Ages count from the invoice date (账龄)."""
import pandas as pd
import pytest

from kam_xl import analyze
from kam_xl.inputs.reader import inputs_from_frames

POLICY = pd.DataFrame({"账龄区间": ["1年以内", "1-2年", "2-3年", "3年以上"], "截至天数": [365, 730, 1095, None],
                       "计提比例": ["5%", "10%", "30%", "100%"]})


def book(policy=POLICY):
    invoices = pd.DataFrame({
        "InvoiceNo": ["I1", "I2", "I3", "I4", "CN", "I5", "I6"],
        "CustomerID": ["K1", "K1", "K1", "K1", "K1", "K2", "K3"],
        "InvoiceDate": ["2026-03-01", "2025-03-01", "2023-12-01", "2022-01-01", "2026-05-01", "2026-01-10",
                        "2025-10-01"],
        "Amount": [1000, 2000, 500, 400, -300, 800, 1000]})
    invoices["DueDate"] = pd.to_datetime(invoices["InvoiceDate"]) + pd.Timedelta(days=30)
    frames = {
        "Customers": pd.DataFrame({"CustomerID": ["K1", "K2", "K3"],
                                   "SpecificProvisionRate": [None, 0.5, None],     # K2 in dispute: half
                                   "SpecificProvisionAmount": [None, None, 300]}),  # K3: 300 specifically
        "Sales": pd.DataFrame({"Date": ["2026-03-01"], "CustomerID": ["K1"], "NetRevenue": [1000]}),
        "Invoices": invoices,
        "Payments": pd.DataFrame({"InvoiceNo": ["I1"], "CustomerID": ["K1"], "PaymentDate": ["2026-04-01"],
                                  "Amount": [600]}),                              # I1 partly paid
        "Parameters": pd.DataFrame({"Parameter": ["AsOfDate", "PeriodStart"], "Value": ["2026-06-30", "2026-01-01"]}),
    }
    if policy is not None:
        frames["坏账计提比例"] = policy
    return inputs_from_frames(frames)


def test_allowance_by_band_specific_provisions_and_the_charge():
    """K1 owes I1 400 (1000 - 600), I2 2000, I3 500, I4 400; the credit note's 300 goes against the oldest,
    I4, leaving 100. Ages on 06-30: I1 121 days (5 %: 20), I2 486 (10 %: 200), I3 942 (30 %: 150), I4 1641
    (100 %: 100): gross 3000, allowance 470. K2 owes 800, specific 50 %: 400. K3 owes 1000, specific 300.
    On 2025-12-31 K1 owed I2 2000 (305 days, 5 %: 100), I3 500 (761, 30 %: 150), I4 400 (1460, 100 %: 400)
    = 650; K3 owed I6 1000, specific 300; K2 nothing. Charges: K1 470 - 650 = -180 (a release), K2 400, K3 0."""
    results = analyze(book())
    provision = results["Provision"].set_index("CustomerID")
    assert provision.loc["K1", ["GrossReceivable", "Allowance", "NetReceivable", "PriorAllowance",
                                "Charge"]].tolist() == [3000.0, 470.0, 2530.0, 650.0, -180.0]
    assert provision.loc["K2", ["GrossReceivable", "Allowance", "PriorAllowance", "Charge"]].tolist() == \
        [800.0, 400.0, 0.0, 400.0]
    assert provision.loc["K3", ["Allowance", "PriorAllowance", "Charge"]].tolist() == [300.0, 300.0, 0.0]
    assert provision["Method"].to_dict() == {"K1": "By age", "K2": "Specific (单项计提)", "K3": "Specific (单项计提)"}
    bands = results["ProvisionBands"].query("CustomerID == 'K1'")
    assert bands[["Band", "GrossReceivable", "Allowance"]].values.tolist() == [
        ["1年以内", 400.0, 20.0], ["1-2年", 2000.0, 200.0], ["2-3年", 500.0, 150.0], ["3年以上", 100.0, 100.0]]
    assert results["Receivables"].set_index("CustomerID").loc["K1", "OpenBalance"] == 3000.0


def test_without_a_policy_the_documented_default_is_used_and_said():
    results = analyze(book(policy=None))
    assert results["Provision"].set_index("CustomerID").loc["K1", "Allowance"] == 470.0   # the same bands
    assert "No ProvisionRates table: the default policy is used" in " ".join(results["DataQuality"]["Message"])


def test_a_specific_amount_is_never_more_than_is_owed():
    inputs = book()
    inputs.tables["Customers"].loc[2, "SpecificProvisionAmount"] = 5000.0
    provision = analyze(inputs)["Provision"].set_index("CustomerID")
    assert provision.loc["K3", ["GrossReceivable", "Allowance", "NetReceivable"]].tolist() == [1000.0, 1000.0, 0.0]


@pytest.mark.parametrize("rate", ["150%", "-5%"])
def test_a_rate_outside_0_to_100_percent_is_an_error(rate):
    policy = POLICY.copy()
    policy.loc[0, "计提比例"] = rate
    messages = book(policy).dq.frame("en")
    errors = messages[(messages["Severity"] == "Error") & (messages["Table"] == "ProvisionRates")]
    assert errors["Row"].tolist() == [2]


def test_a_policy_without_an_open_band_provides_old_debts_at_its_last_rate_and_says_so():
    policy = POLICY.iloc[:2].copy()                                  # up to 365 days 5 %, up to 730 days 10 %
    results = analyze(book(policy))
    bands = results["ProvisionBands"].query("CustomerID == 'K1'")
    # I3 (942 days) and I4 (1641 days) are older than every limit: the last band's 10 %, never left out
    assert bands[["Band", "GrossReceivable", "Allowance"]].values.tolist() == [
        ["1年以内", 400.0, 20.0], ["1-2年", 2600.0, 260.0]]
    assert "No band without an upper limit" in " ".join(results["DataQuality"]["Message"])


def test_a_policy_given_by_from_days_and_customer_rows_in_the_rates_table():
    """The same policy typed as FromDays only (0, 366, 731, 1096: each band ends the day before the next
    starts, the last has no limit) and K2's specific 50 % as a row of ProvisionRates instead of in
    Customers: the same allowances as the first test. Blank band names are named by their days."""
    policy = pd.DataFrame({"起始天数": [0, 366, 731, 1096, None], "计提比例": ["5%", "10%", "30%", "100%", "50%"],
                           "客户编号": [None, None, None, None, "K2"]})
    inputs = book(policy)
    inputs.tables["Customers"]["SpecificProvisionRate"] = None
    results = analyze(inputs)
    provision = results["Provision"].set_index("CustomerID")
    assert provision.loc["K1", ["GrossReceivable", "0-365", "366-730", "731-1095", "1096+", "Allowance"]].tolist() == \
        [3000.0, 400.0, 2000.0, 500.0, 100.0, 470.0]
    assert provision.loc["K2", ["Allowance", "Method"]].tolist() == [400.0, "Specific (单项计提)"]
    bands = results["ProvisionBands"]
    assert bands.query("CustomerID == 'K1'")[["FromDays", "ToDays"]].values.tolist()[-1][0] == 1096
    # a customer provided for specifically has no allowance by band (its allowance is not by age)
    assert bands.query("CustomerID == 'K2'")["Allowance"].isna().all()
    assert not (results["DataQuality"]["Severity"] == "Error").any()


def test_policy_rows_that_cannot_be_used_are_named():
    """Row 3 starts at 400 days where the band before ends at 365: read by ToDays, it covers from 366, and
    row 5 from 731 once row 4 is out (Warnings). Row 4 has no rate, row 6 is a second band without limit,
    row 8 repeats K3 (Errors); row 7's 40 % for K3 replaces Customers' 300 (a Warning)."""
    policy = pd.DataFrame({"账龄区间": ["1年以内", "1-2年", "2-3年", "3年以上", "其他", None, None],
                           "起始天数": [0, 400, 731, 1096, None, None, None],
                           "截至天数": [365, 730, 1095, None, None, None, None],
                           "计提比例": ["5%", "10%", None, "100%", "20%", "40%", "60%"],
                           "客户编号": [None, None, None, None, None, "K3", "K3"]})
    results = analyze(book(policy))
    dq = results["DataQuality"].query("Table == 'ProvisionRates'")
    assert sorted(map(tuple, dq[["Severity", "Row", "Column"]].values.tolist())) == [
        ("Error", 4, "Rate"), ("Error", 6, "ToDays"), ("Error", 8, "CustomerID"),
        ("Warning", 3, "FromDays"), ("Warning", 5, "FromDays"), ("Warning", 7, "CustomerID")]
    # 2-3年 is unused: what it held (I3, 942 days) falls in 3年以上 at 100 %
    k1 = results["Provision"].set_index("CustomerID").loc["K1"]
    assert k1[["1年以内", "1-2年", "3年以上", "Allowance"]].tolist() == [400.0, 2000.0, 600.0, 20 + 200 + 600]
    assert results["Provision"].set_index("CustomerID").loc["K3", "Allowance"] == 400.0   # K3's first row: 40 %


def test_the_bad_debt_charge_in_net_profit_when_asked():
    """ProvisionInNetProfit: NetProfit = GrossProfit - CostToServe - FinancingCost - BadDebtCharge, the
    charge being the allowance's change in the period (first test: K1 -180, K2 +400, K3 0). K1: revenue
    1000, COGS 600; AR 2900 on 12-31 and 3000 on 06-30: FinancingCost = 2950 × 6 % × 181 / 365 = 87.77;
    NetProfit 400 - 87.77 + 180 = 492.23. K2: AR 0 and 800: 11.90; NetProfit -11.90 - 400 = -411.90."""
    inputs = book()
    inputs.tables["Sales"]["COGS"] = 600.0
    plain = analyze(inputs)["Profitability"].set_index("CustomerID")
    assert "BadDebtCharge" not in plain and plain.loc["K1", "NetProfit"] == 312.23
    profit = analyze(inputs, {"ProvisionInNetProfit": "是"})["Profitability"].set_index("CustomerID")
    assert list(profit.columns[profit.columns.get_loc("FinancingCost"):][:3]) == [
        "FinancingCost", "BadDebtCharge", "NetProfit"]
    assert profit.loc["K1", ["FinancingCost", "BadDebtCharge", "NetProfit"]].tolist() == [87.77, -180.0, 492.23]
    assert profit.loc["K2", ["FinancingCost", "BadDebtCharge", "NetProfit"]].tolist() == [11.9, 400.0, -411.9]


def test_the_bad_debt_option_without_invoices_changes_nothing():
    """No Invoices, so no allowance and no charge: Profitability has no BadDebtCharge column, never a crash."""
    inputs = book()
    for table in ("Invoices", "Payments"):
        del inputs.tables[table]
    profit = analyze(inputs, {"ProvisionInNetProfit": "TRUE"})["Profitability"]
    assert "BadDebtCharge" not in profit and len(profit) == 3
