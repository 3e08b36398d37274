"""Checks that the servers bench/run.sh compares give the same answer; exits 1 (loudly) if not.

  compare.py same OURS OTHER      the same GraphQL response (JSON-equal; says if byte-identical)
  compare.py peer OURS PEER       our FunctionalTree tree against PostGraphile's flat lines:
                                  every functional line's code, name and four amounts, and the
                                  revenue and expenditure totals
  compare.py body QUERY_FILE [VARIABLES]
                                  prints a request body: the query text and variables (JSON)
  compare.py variables QUERY_FILE
                                  prints the contract's FunctionalTree with the department and
                                  the year as $code and $year (the exploration workload's query)
  compare.py samples N SEED DEPARTMENTS YEARS
                                  prints N variable sets (JSON lines) of random (code, year) over
                                  the synthetic departments and years, for the checks
"""
import json
import random
import sys
from decimal import Decimal


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        return raw, json.loads(raw)
    except ValueError:
        fail(f"{path} is not JSON: {raw[:300]!r}")


def fail(message):
    print(f"ANSWER MISMATCH: {message}", file=sys.stderr)
    sys.exit(1)


def same(ours_path, other_path):
    ours_raw, ours = load(ours_path)
    other_raw, other = load(other_path)
    if ours.get("errors") or not ours.get("data"):
        fail(f"{ours_path} has errors or no data: {ours_raw[:300]!r}")
    if ours != other:
        fail(f"{other_path} differs from {ours_path}:\n ours  {ours_raw[:400]!r}\n other {other_raw[:400]!r}")
    kind = "byte-identical" if ours_raw == other_raw else "JSON-equal, bytes differ"
    print(f"same answer as {ours_path} ({kind}): {other_path}")


def flatten(lines, out):
    for line in lines:
        out[line["code"]] = (line["name"], line["amount"], line["basic"], line["project"], line["procurement"])
        flatten(line.get("children") or [], out)
    return out


def units(text):
    """PostGraphile returns the stored integer (1/10000 万元); ours the 万元 decimal."""
    return None if text is None else str((Decimal(text) / 10000).normalize())


def wan(text):
    return None if text is None else str(Decimal(text).normalize())


def peer(ours_path, peer_path):
    ours_raw, ours = load(ours_path)
    peer_raw, theirs = load(peer_path)
    if ours.get("errors") or not ours.get("data"):
        fail(f"{ours_path} has errors or no data: {ours_raw[:300]!r}")
    if theirs.get("errors") or not (theirs.get("data") or {}).get("departmentByCode"):
        fail(f"PostGraphile answered with errors or no department: {peer_raw[:300]!r}")
    budget = ours["data"]["department"]["budget"]
    dept = theirs["data"]["departmentByCode"]
    ours_lines = flatten(budget["lines"], {})
    their_lines = {}
    for n in dept["budgetLinesByDepartmentId"]["nodes"]:
        node = n["classificationNodeByLineNodeId"]
        if node is None:
            continue
        their_lines[node["code"]] = (node["name"], units(n["total"]), units(n["basic"]), units(n["project"]), units(n["procurement"]))
    ours_lines = {k: (v[0],) + tuple(wan(x) for x in v[1:]) for k, v in ours_lines.items()}
    if not ours_lines:
        fail(f"{ours_path} has no functional lines")
    if ours_lines != their_lines:
        diff = sorted(set(ours_lines.items()) ^ set(their_lines.items()))[:6]
        fail(f"{peer_path}: functional lines differ from {ours_path} ({len(ours_lines)} vs {len(their_lines)}): {diff}")
    for field, alias in (("revenueTotal", "revenue"), ("expenditureTotal", "expenditure")):
        nodes = dept[alias]["nodes"]
        theirs_total = units(nodes[0]["amount"]) if nodes else None
        if wan(budget[field]) != theirs_total:
            fail(f"{peer_path}: {field} {budget[field]} vs PostGraphile {theirs_total}")
    print(f"PostGraphile gives the same {len(ours_lines)} functional lines and totals: {peer_path}")


def body(query_path, variables="{}"):
    print(json.dumps({"query": open(query_path).read(), "variables": json.loads(variables)}))


def variables(query_path):
    query = open(query_path).read()
    for literal, variable in [
        ("query FunctionalTree {", "query FunctionalTreeRandom($code: String!, $year: Int!) {"),
        ('department(code: "pingshan-gsdmb")', "department(code: $code)"),
        ("budget(year: 2023)", "budget(year: $year)"),
    ]:
        if query.count(literal) != 1:
            sys.exit(f"{query_path}: expected `{literal}` once, to make it a variable")
        query = query.replace(literal, variable)
    print(query, end="")


def samples(n, seed, departments, years):
    rng = random.Random(int(seed))
    for _ in range(int(n)):
        code = f"synth-{rng.randrange(int(departments)):05d}"
        print(json.dumps({"code": code, "year": 2023 - rng.randrange(int(years))}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"same": same, "peer": peer, "body": body, "variables": variables, "samples": samples}[command](*args)
