"""The 15 planted bugs of issue 18, planted one at a time; prints which tests catch each.

Usage (from the repository root): .venv/bin/python tests/mutation/planted_bugs.py [test files...]
Each bug is reverted with `git checkout -- <file>` right after its run; commit nothing first.
"""
import os
import re
import subprocess
import sys

W = str(__import__("pathlib").Path(__file__).resolve().parents[2])
BUGS = [
    ('1 days overdue +1', 'kam_xl/domain/receivables.py',
     'DaysOverdue=(as_of - debit["DueDate"]).dt.days)',
     'DaysOverdue=(as_of - debit["DueDate"]).dt.days + 1)'),
    ('2 opening AR at PeriodStart', 'kam_xl/domain/receivables.py',
     'balance_as_of(invoices, payments, start - pd.Timedelta(days=1), customer_ids, decimals)',
     'balance_as_of(invoices, payments, start, customer_ids, decimals)'),
    ('3 RFM tie max->average', 'kam_xl/domain/classification.py',
     'key.rank(method="max", ascending=True)',
     'key.rank(method="average", ascending=True)'),
    ("4 FM banker's rounding", 'kam_xl/domain/classification.py',
     'np.floor((f + m) / 2.0 + 0.5)',
     'np.round((f + m) / 2.0)'),
    ('5 GM blank only at revenue == 0', 'kam_xl/domain/profitability.py',
     'out["GrossMarginPct"] = ratio(out["GrossProfit"], out["NetRevenue"])',
     'out["GrossMarginPct"] = out["GrossProfit"] / out["NetRevenue"].where(out["NetRevenue"] != 0)'),
    ('6 GG fed mean incl first purchase', 'kam_xl/domain/potential.py',
     'mean_value = buyers["RepeatMeanValue"].to_numpy()',
     'mean_value = buyers["MeanValue"].to_numpy()'),
    ('7 repeat mean total/(x+1)', 'kam_xl/domain/potential.py',
     'ratio((total - first_value).reindex(customer_ids), out["Frequency"])',
     'ratio(total.reindex(customer_ids), out["Frequency"] + 1)'),
    ('8 quadrant >= 50 -> > 50', 'kam_xl/domain/classification.py',
     'high_potential = potential_score.fillna(0) >= 50',
     'high_potential = potential_score.fillna(0) > 50'),
    ('8b quadrant value >= 50 -> > 50', 'kam_xl/domain/classification.py',
     'high_value = percentile_rank(net_profit) >= 50',
     'high_value = percentile_rank(net_profit) > 50'),
    ('9 cadence > -> >=', 'kam_xl/domain/relationship.py',
     '(out["DaysSinceContact"] > out["CadenceDays"])',
     '(out["DaysSinceContact"] >= out["CadenceDays"])'),
    ('10 aging bucket edge right=False', 'kam_xl/domain/receivables.py',
     'labels=bucket_names(buckets), right=True)',
     'labels=bucket_names(buckets), right=False)'),
    ('11 ABC cut-off < -> <=', 'kam_xl/domain/classification.py',
     'np.where(above < share_a, "A"',
     'np.where(above <= share_a, "A"'),
    ('12 ratio() guard > 0 -> != 0', 'kam_xl/domain/frames.py',
     'denominator.where(denominator > 0)',
     'denominator.where(denominator != 0)'),
    ('13 percentile ties average -> max', 'kam_xl/domain/frames.py',
     'values.rank(method="average", pct=True)',
     'values.rank(method="max", pct=True)'),
    ('14 DSO period days without +1', 'kam_xl/domain/receivables.py',
     'float((end - start).days + 1)',
     'float((end - start).days)'),
    ('15 unapplied receipts not subtracted from OpenBalance', 'kam_xl/domain/receivables.py',
     '- per_customer(unapplied_to_date, customer_ids), decimals))',
     '- 0 * per_customer(unapplied_to_date, customer_ids), decimals))'),
]
tests = sys.argv[1:] or ["tests/test_every_column_by_hand.py", "tests/test_fitted_path.py"]
for name, f, old, new in BUGS:
    path = f"{W}/{f}"
    src = open(path).read()
    assert src.count(old) == 1, (name, src.count(old))
    open(path, "w").write(src.replace(old, new))
    try:
        out = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *tests],
            cwd=W, capture_output=True, text=True,
            env={"PYTHONPATH": f"{W}:{W}/udfs", "PATH": os.environ.get("PATH", ""),
                 "HOME": os.environ.get("HOME", "/tmp")}).stdout
    finally:
        subprocess.run(["git","-C",W,"checkout","--",f],check=True)
    if not re.search(r"\d+ (passed|failed)", out):   # no summary line: the tests did not run at all
        sys.exit(f"{name}: the tests did not run (use the project's Python, e.g. .venv/bin/python)\n{out[-2000:]}")
    failed=sorted(set(re.findall(r"FAILED (\S+?)(?: - |$)", out, re.M)))
    print(f"{name}: {'CAUGHT' if failed else 'SURVIVED'}", *failed, sep="\n    ", flush=True)
subprocess.run(["git","-C",W,"status","--short"])
