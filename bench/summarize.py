"""Turns bench/results/<run>/results.jsonl into the markdown tables of BENCHMARKS.md."""
import json
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1])]
meta = next((r for r in rows if r.get("kind") == "meta"), {})
loads = [r for r in rows if r.get("kind") == "load"]
runs = [r for r in rows if r.get("kind") == "run"]
mem = [r for r in rows if r.get("kind") == "memory"]

def rps(r):
    return r["requests"] / (r["duration_us"] / 1e6)

static = {(r["db"], r["dataset"], r["cache"], r["conns"]): rps(r) for r in runs if r["query"] == "static"}

print(f"Run {meta.get('date', '?')} on {meta.get('machine', '?')}; {meta.get('duration', '?')} s per measurement, "
      f"wrk with {meta.get('threads', '?')} threads.\n")
print("### Loading\n")
print("| database | dataset | seconds |\n|---|---|---|")
for r in loads:
    print(f"| {r['db']} | {r['dataset']} | {r['seconds']:.1f} |")

groups = defaultdict(list)
for r in runs:
    groups[(r["db"], r["dataset"], r["cache"])].append(r)
for (db, dataset, cache), items in groups.items():
    print(f"\n### {db}, {dataset}, cache {cache}\n")
    print("| query | conns | req/s | vs static | p50 ms | p99 ms | SQL/executed req | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for r in items:
        base = static.get((db, dataset, cache, r["conns"]))
        ratio = f"{rps(r) / base:.0%}" if base and r["query"] != "static" else "—"
        stmts = r.get("statements_per_request")
        stmts = "—" if stmts is None else f"{stmts:.1f}"
        errors = r["socket_errors"] + r["non_2xx"]
        print(f"| {r['query']} | {r['conns']} | {rps(r):,.0f} | {ratio} | {r['p50_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} | {stmts} | {errors} |")

if mem:
    print("\n### Peak server memory (VmHWM)\n")
    print("| database | dataset | cache | MB |\n|---|---|---|---|")
    for r in mem:
        print(f"| {r['db']} | {r['dataset']} | {r['cache']} | {r['kb'] / 1024:.0f} |")
