#!/usr/bin/env bash
# Bounded schemathesis GraphQL fuzz run against a running server of ours.
#
#   bash clients/schemathesis/run.sh http://127.0.0.1:PORT/graphql
#
# Loads the schema by introspection from URL, generates queries for every root field and fails
# (non-zero exit) when a response is a server error (5xx, or a GraphQL error schemathesis judges
# to be a server-side failure), is not a well-formed GraphQL response, accepts a query that breaks
# the schema, or carries a GraphQL error without a string `extensions.code` (hooks.py).
#
# Environment (all optional):
#   SCHEMATHESIS_VENV          venv location (default: <repo>/target/venv-schemathesis); reused
#                              while requirements.txt is unchanged
#   SCHEMATHESIS_MAX_EXAMPLES  test cases per operation (default 500: ~7,800 requests, ~1 min on 2 cores)
#   SCHEMATHESIS_SEED          seed (default 20240601); same seed + same pins = same queries
#   SCHEMATHESIS_WORKERS       concurrent workers (default 2)
#   SCHEMATHESIS_REPORT_DIR    where the JUnit report goes (default: <repo>/target/schemathesis-report)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

if [[ $# -ne 1 ]]; then
  echo "usage: $0 URL   (the /graphql endpoint, e.g. http://127.0.0.1:8000/graphql)" >&2
  exit 2
fi
url=$1

# Only our own server on this machine is ever a target.
host=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).hostname or "")' "$url")
case $host in
  localhost | ::1 | 127.*) ;;
  *)
    echo "refusing to fuzz $url: only loopback addresses (127.0.0.0/8, localhost, ::1) are allowed" >&2
    exit 2
    ;;
esac

max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-500}
seed=${SCHEMATHESIS_SEED:-20240601}
workers=${SCHEMATHESIS_WORKERS:-2}

# --- venv (created once, reused while requirements.txt is unchanged) ---------------------------
venv=${SCHEMATHESIS_VENV:-$root/target/venv-schemathesis}
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)
if [[ ! -x $venv/bin/schemathesis || ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "== installing schemathesis into $venv"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install -q -r "$here/requirements.txt"
  echo "$want" >"$stamp"
fi
echo "== $("$venv/bin/schemathesis" --version)"

# --- run -----------------------------------------------------------------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report_dir=${SCHEMATHESIS_REPORT_DIR:-$root/target/schemathesis-report}
mkdir -p "$report_dir"
junit="$report_dir/junit.xml"
rm -f "$junit"

# Checks (schemathesis' built-ins that mean something for GraphQL, plus ours):
#   not_a_server_error           5xx, or a GraphQL error that is a resolver failure rather than a
#                                refusal of the request (no client code such as BAD_USER_INPUT)
#   response_schema_conformance  body is a JSON object; no null in a non-null field
#   negative_data_rejection      a query that breaks the schema (negative mode) must be refused
#   graphql_errors_have_code     hooks.py: every error has a string `extensions.code`
# Left out on purpose:
#   positive_data_acceptance     the server refuses schema-valid input on purpose (`first: 101`,
#                                depth/complexity limits) with BAD_USER_INPUT & co.
#   status_code_conformance, content_type_conformance, response_headers_conformance,
#   missing_required_header, unsupported_method, use_after_free, ensure_resource_availability,
#   ignored_auth, ...: OpenAPI-only (they need declared responses, links or security schemes).
checks=not_a_server_error,response_schema_conformance,negative_data_rejection,graphql_errors_have_code

# --mode all: schema-valid (positive) and schema-breaking (negative) queries. --seed with
# --generation-database none: the same queries on every run. too_slow is hypothesis' health check on
# how fast it generates data, not a check of the API; a busy CI machine must not fail on it.
echo "== schemathesis run $url (max $max_examples examples per operation, seed $seed, $workers workers)"
start=$(date +%s)
set +e
(
  cd "$work" # nothing is written into the caller's directory
  # No proxy: the only traffic is to URL on loopback. `timeout`: the run stops by itself whatever
  # happens (a normal run takes about a minute).
  timeout --kill-after=10 600 env -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u http_proxy -u https_proxy -u all_proxy \
    NO_PROXY='*' SCHEMATHESIS_HOOKS="$here/hooks.py" \
    "$venv/bin/schemathesis" --no-color run "$url" \
    --checks "$checks" \
    --mode all \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --generation-database none \
    --suppress-health-check too_slow \
    --workers "$workers" \
    --request-timeout 15 \
    --request-retries 0 \
    --wait-for-schema 30 \
    --report junit --report-junit-path "$junit"
) 2>&1 | tee "$work/output.txt"
rc=${PIPESTATUS[0]}
set -e
elapsed=$(($(date +%s) - start))

# One plain closing line a CI log reader understands: operations passed/failed, from the JUnit report.
if [[ -f $junit ]]; then
  "$venv/bin/python" - "$junit" "$work/output.txt" "$elapsed" "$rc" <<'PY' || { [[ $rc -ne 0 ]] || rc=1; }
import re
import sys
import xml.etree.ElementTree as ET

junit, output, elapsed, rc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
passed = failed = skipped = operations = 0
for case in ET.parse(junit).getroot().iter("testcase"):
    # One <testcase> per GraphQL operation (root field), plus one for the stateful phase.
    operations += case.get("name") != "Stateful tests"
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif case.find("skipped") is not None:
        skipped += 1
    else:
        passed += 1
generated = re.search(r"^\s*(\d+) generated", open(output, encoding="utf-8", errors="replace").read(), re.M)
generated = generated.group(1) if generated else "?"
print(f"schemathesis: {operations} GraphQL operations, {generated} test cases generated, {elapsed}s")
print(f"schemathesis: {passed} passed, {failed} failed, {skipped} skipped")
if passed + failed == 0:
    print("schemathesis: no operation was tested", file=sys.stderr)
    sys.exit(1)
if rc == 0 and failed:
    sys.exit(1)
PY
else
  echo "schemathesis: no JUnit report was written (exit $rc)" >&2
  [[ $rc -ne 0 ]] || rc=1
fi
exit "$rc"
