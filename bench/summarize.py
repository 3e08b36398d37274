"""Turns bench/results/<run>/results.jsonl into the markdown tables of BENCHMARKS.md."""
import json
import sys
from collections import defaultdict

RANDOM = "FunctionalTree (random variables)"
PEER = "postgraphile-5"

rows = [json.loads(line) for line in open(sys.argv[1])]
meta = next((r for r in rows if r.get("kind") == "meta"), {})
loads = [r for r in rows if r.get("kind") == "load"]
runs = [r for r in rows if r.get("kind") == "run"]
mem = [r for r in rows if r.get("kind") == "memory"]
for r in runs + mem:  # runs before PostGraphile 5 and the ceiling had no `server`
    r.setdefault("server", "postgraphile-4" if r["dataset"].startswith("PostGraphile 4") else "api")


def rps(r):
    return r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0.0


def ms(us):
    return f"{us / 1000:.2f}"


def find(server, db, dataset, cache, query, conns):
    return next((r for r in runs if (r["server"], r["db"], r["dataset"], r["cache"], r["query"], r["conns"])
                 == (server, db, dataset, cache, query, conns)), None)


def ratio(a, b, fmt="{:.2f}×"):
    return fmt.format(a / b) if a is not None and b else "—"


static = {(r["db"], r["dataset"], r["cache"], r["conns"]): rps(r)
          for r in runs if r["query"] == "static" and r["server"] == "api"}

print(f"Run {meta.get('date', '?')} on {meta.get('machine', '?')}; commit {meta.get('commit', '?')}; "
      f"{meta.get('duration', '?')} s per measurement, wrk with {meta.get('threads', '?')} threads.\n")
print("### Loading\n")
print("| database | dataset | seconds |\n|---|---|---|")
for r in loads:
    print(f"| {r['db']} | {r['dataset']} | {r['seconds']:.1f} |")

groups = defaultdict(list)
for r in runs:
    groups[(r["server"], r["db"], r["dataset"], r["cache"])].append(r)
for (server, db, dataset, cache), items in groups.items():
    title = {"api": f"{db}, ", "ceiling": "in-memory ceiling (no database), ", PEER: "PostGraphile 5 (peer), postgres, "}.get(server, "")
    print(f"\n### {title}{dataset}" + (f", cache {cache}" if cache != "n/a" else "") + "\n")
    print("| query | conns | req/s | vs static | p50 ms | p99 ms | SQL/executed req | executed | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in items:
        base = static.get((db, dataset, cache, r["conns"])) if server == "api" else None
        share = f"{rps(r) / base:.0%}" if base and r["query"] != "static" else "—"
        stmts = r.get("statements_per_request")
        stmts = "—" if stmts is None else f"{stmts:.1f}"
        executed = r.get("executed_share")
        executed = "—" if executed is None else f"{executed:.0%}"
        errors = r["socket_errors"] + r["non_2xx"]
        print(f"| {r['query']} | {r['conns']} | {rps(r):,.0f} | {share} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | {stmts} | {executed} | {errors} |")

if mem:
    print("\n### Peak server memory (VmHWM)\n")
    print("| server | database | dataset | cache | MB |\n|---|---|---|---|---|")
    for r in mem:
        print(f"| {r['server']} | {r['db']} | {r['dataset']} | {r['cache']} | {r['kb'] / 1024:.0f} |")

# Ratios, in the same run: FunctionalTree with the cache off against PostGraphile 5 (same
# question, same PostgreSQL data), the same server's /healthz and the in-memory ceiling; the
# exploration workload against PostGraphile 5 given the same random variables, and its p50
# against the fixed query's cache-off p50 on the real data alone.
conns_all = sorted({r["conns"] for r in runs})
datasets = list(dict.fromkeys(r["dataset"] for r in runs if r["server"] == "api"))
fixed = []
for dataset in datasets:
    for db in ("sqlite", "postgres"):
        for c in conns_all:
            ours = find("api", db, dataset, "off", "FunctionalTree", c)
            if ours:
                fixed.append((dataset, db, c, ours))
if fixed:
    print("\n### FunctionalTree, cache off: ratios (same run)\n")
    print("| dataset | database | conns | req/s | p50 ms | p99 ms | ÷ PostGraphile 5 | ÷ /healthz | ÷ ceiling |")
    print("|---|---|---|---|---|---|---|---|---|")
    for dataset, db, c, ours in fixed:
        peer = find(PEER, "postgres", dataset, "n/a", "FunctionalTree (flat)", c)
        ceiling = find("ceiling", "memory", dataset, "n/a", "FunctionalTree", c)
        print(f"| {dataset} | {db} | {c} | {rps(ours):,.0f} | {ms(ours['p50_us'])} | {ms(ours['p99_us'])} "
              f"| {ratio(rps(ours), peer and rps(peer))} | {ratio(rps(ours), static.get((db, dataset, 'off', c)), '{:.1%}')} "
              f"| {ratio(rps(ours), ceiling and rps(ceiling), '{:.0%}')} |")
    print("\nThe references themselves:\n")
    print("| dataset | server | conns | req/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|")
    for dataset in datasets:
        for c in conns_all:
            for name, r in (("PostGraphile 5", find(PEER, "postgres", dataset, "n/a", "FunctionalTree (flat)", c)),
                            ("in-memory ceiling", find("ceiling", "memory", dataset, "n/a", "FunctionalTree", c)),
                            ("/healthz (sqlite, cache off)", find("api", "sqlite", dataset, "off", "static", c)),
                            ("/healthz (postgres, cache off)", find("api", "postgres", dataset, "off", "static", c))):
                if r:
                    print(f"| {dataset} | {name} | {c} | {rps(r):,.0f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} |")

explore = [r for r in runs if r["query"] == RANDOM and r["server"] == "api"]
if explore:
    print(f"\n### Exploration workload ({RANDOM}, our cache on): ratios (same run)\n")
    print("| database | dataset | conns | req/s | p50 ms | p99 ms | executed | ÷ PostGraphile 5 | ÷ ceiling "
          "| p50 ÷ fixed cache-off p50 (real) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in explore:
        peer = find(PEER, "postgres", r["dataset"], "n/a", RANDOM, r["conns"])
        ceiling = find("ceiling", "memory", r["dataset"], "n/a", RANDOM, r["conns"])
        real = find("api", r["db"], "real disclosure", "off", "FunctionalTree", r["conns"])
        executed = r.get("executed_share")
        print(f"| {r['db']} | {r['dataset']} | {r['conns']} | {rps(r):,.0f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} "
              f"| {'—' if executed is None else f'{executed:.0%}'} | {ratio(rps(r), peer and rps(peer))} "
              f"| {ratio(rps(r), ceiling and rps(ceiling), '{:.0%}')} | {ratio(r['p50_us'], real and real['p50_us'])} |")
    for name, server in (("PostGraphile 5", PEER), ("in-memory ceiling", "ceiling")):
        for r in (x for x in runs if x["query"] == RANDOM and x["server"] == server):
            print(f"\n{name}, {r['dataset']}, {r['conns']} conns: {rps(r):,.0f} req/s, p50 {ms(r['p50_us'])} ms, "
                  f"p99 {ms(r['p99_us'])} ms.", end="")
    print()
