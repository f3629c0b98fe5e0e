"""Mutation score per module from `mutmut results --all true` (run inside the mutation directory).

Usage: python tests/mutation/score.py [justified.txt]
Mutants listed in justified.txt (one name per line, '#' comments) are equivalent mutants with a
written justification in docs/TESTING.md; they are counted separately, not as killed.
"""
import collections
import subprocess
import sys

justified = set()
if len(sys.argv) > 1:
    for line in open(sys.argv[1], encoding="utf-8"):
        name = line.split("#", 1)[0].strip()
        if name:
            justified.add(name)

out = subprocess.run(["mutmut", "results", "--all", "true"], capture_output=True, text=True, check=True).stdout
counts = collections.defaultdict(collections.Counter)
survivors = []
for line in out.splitlines():
    if ":" not in line:
        continue
    name, status = (part.strip() for part in line.rsplit(":", 1))
    module = name.split(".x_")[0].split(".xǁ")[0]
    if status == "survived" and name in justified:
        status = "equivalent"
    counts[module][status] += 1
    if status in ("survived", "no tests", "timeout", "suspicious"):
        survivors.append(f"{name}: {status}")

print("| module | mutants | killed | equivalent (justified) | not killed | not run "
      "| score (killed / (mutants - equivalent)) |")
print("|---|---:|---:|---:|---:|---:|---:|")
total = collections.Counter()
for module in sorted(counts):
    c = counts[module]
    total.update(c)
    n = sum(c.values())
    effective = n - c["equivalent"] - c["not checked"]
    if c["not checked"] == n:
        score = "not run"
    elif c["not checked"]:
        score = f"incomplete ({n - c['not checked']} of {n} run)"   # no score for a partly run module
    else:
        score = f"{100.0 * (c['killed'] + c['timeout']) / effective:.1f} %" if effective else "-"
    print(f"| {module} | {n} | {c['killed'] + c['timeout']} | {c['equivalent']} | "
          f"{effective - c['killed'] - c['timeout']} | {c['not checked']} | {score} |")
n = sum(total.values())
effective = n - total["equivalent"] - total["not checked"]
print(f"| **all** | {n} | {total['killed'] + total['timeout']} | {total['equivalent']} | "
      f"{effective - total['killed'] - total['timeout']} | {total['not checked']} | "
      + ("incomplete |" if total["not checked"]
         else f"{100.0 * (total['killed'] + total['timeout']) / max(effective, 1):.1f} % |"))
if survivors:
    print("\nNot killed:")
    print("\n".join(survivors))
