"""The 15 planted bugs of issue 18, planted one at a time; prints which tests catch each.

Usage (from the repository root): python tests/mutation/planted_bugs.py [test files...]
Each bug is reverted with `git checkout -- <file>` right after its run; commit nothing first.
"""
import os
import re
import subprocess
import sys

W = str(__import__("pathlib").Path(__file__).resolve().parents[2])
BUGS=[
 ("1 days overdue +1","kam_xl/receivables.py",'bucket = aging_bucket((as_of - debit["DueDate"]).dt.days, buckets)','bucket = aging_bucket((as_of - debit["DueDate"]).dt.days + 1, buckets)'),
 ("2 opening AR at PeriodStart","kam_xl/receivables.py",'balance_as_of(invoices, payments, start - pd.Timedelta(days=1), customer_ids)','balance_as_of(invoices, payments, start, customer_ids)'),
 ("3 RFM tie max->average","kam_xl/classification.py",'key.rank(method="max", ascending=True)','key.rank(method="average", ascending=True)'),
 ("4 FM banker's rounding","kam_xl/classification.py",'np.floor((f + m) / 2.0 + 0.5)','np.round((f + m) / 2.0)'),
 ("5 GM blank only at revenue == 0","kam_xl/profitability.py",'out["GrossMarginPct"] = ratio(out["GrossProfit"], out["NetRevenue"])','out["GrossMarginPct"] = out["GrossProfit"] / out["NetRevenue"].where(out["NetRevenue"] != 0)'),
 ("6 GG fed mean incl first purchase","kam_xl/potential.py",'mean_value = buyers["RepeatMeanValue"].to_numpy()','mean_value = buyers["MeanValue"].to_numpy()'),
 ("7 repeat mean total/(x+1)","kam_xl/potential.py",'ratio((total - first_value).reindex(customer_ids), out["Frequency"])','ratio(total.reindex(customer_ids), out["Frequency"] + 1)'),
 ("8 quadrant >= 50 -> > 50","kam_xl/classification.py",'high_potential = potential_score.fillna(0) >= 50','high_potential = potential_score.fillna(0) > 50'),
 ("8b quadrant value >= 50 -> > 50","kam_xl/classification.py",'high_value = percentile_rank(net_profit) >= 50','high_value = percentile_rank(net_profit) > 50'),
 ("9 cadence > -> >=","kam_xl/relationship.py",'(out["DaysSinceContact"] > out["CadenceDays"])','(out["DaysSinceContact"] >= out["CadenceDays"])'),
 ("10 aging bucket edge right=False","kam_xl/receivables.py",'labels=bucket_names(buckets), right=True)','labels=bucket_names(buckets), right=False)'),
 ("11 ABC cut-off < -> <=","kam_xl/classification.py",'np.where(above < share_a, "A"','np.where(above <= share_a, "A"'),
 ("12 ratio() guard > 0 -> != 0","kam_xl/frames.py",'denominator.where(denominator > 0)','denominator.where(denominator != 0)'),
 ("13 percentile ties average -> max","kam_xl/frames.py",'values.rank(method="average", pct=True)','values.rank(method="max", pct=True)'),
 ("14 DSO period days without +1","kam_xl/receivables.py",'float((end - start).days + 1)','float((end - start).days)'),
 ("15 unapplied receipts not subtracted from OpenBalance","kam_xl/receivables.py",'''                 - per_customer(unapplied_to_date, customer_ids))''','''                 - 0 * per_customer(unapplied_to_date, customer_ids))'''),
]
tests = sys.argv[1:] or ["tests/test_oracles.py","tests/test_fitted_path.py"]
for name, f, old, new in BUGS:
    path=f"{W}/{f}"; src=open(path).read()
    assert src.count(old)==1, (name, src.count(old))
    open(path,"w").write(src.replace(old,new))
    try:
        out=subprocess.run([ sys.executable,"-m","pytest","-q","-p","no:cacheprovider","-o","addopts=",*tests],cwd=W,capture_output=True,text=True,
            env={"PYTHONPATH":f"{W}:{W}/udfs","PATH":os.environ.get("PATH",""),"HOME":os.environ.get("HOME","/tmp")}).stdout
    finally:
        subprocess.run(["git","-C",W,"checkout","--",f],check=True)
    failed=sorted(set(re.findall(r"FAILED (\S+?)(?: - |$)", out, re.M)))
    print(f"{name}: {'CAUGHT' if failed else 'SURVIVED'}", *failed, sep="\n    ", flush=True)
subprocess.run(["git","-C",W,"status","--short"])
