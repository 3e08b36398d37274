#!/usr/bin/env bash
# Install, generate typed documents from ../../schema.graphql and ../../examples, compile with
# tsc --strict, then run every example through Apollo Client 4 against a running API.
#
#   clients/quickstart/run.sh http://127.0.0.1:8000/graphql
#
# Works from any directory; exits non-zero on the first failing step.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 <URL of the /graphql endpoint>" >&2
  exit 2
fi
url=$1

cd "$(dirname "${BASH_SOURCE[0]}")"

npm ci --no-audit --no-fund
npx graphql-codegen --config codegen.ts
npx tsc -p .
node dist/run.js "$url"
