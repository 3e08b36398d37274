#!/usr/bin/env bash
# Re-fetch the vendored Apache ECharts build at its pinned version and rewrite SHA256SUMS.
#
#   ./refresh.sh           fetch with `npm pack` (npm registry), verify the tarball's pinned
#                          integrity, copy the files here, rewrite SHA256SUMS
#   ./refresh.sh --check   only verify the files here against SHA256SUMS (no network)
#
# To upgrade: change ECHARTS_VERSION, clear ECHARTS_INTEGRITY (the script then prints the new
# one and stops), pin it, run again, then run the browser test (clients/explorer-test).
set -euo pipefail

ECHARTS_VERSION=6.1.0
# sha512 of the tarball as published (`npm view echarts@6.1.0 dist.integrity`).
ECHARTS_INTEGRITY='sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA=='

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

if [[ "${1:-}" == "--check" ]]; then
    exec sha256sum --strict -c SHA256SUMS
elif [[ $# -gt 0 ]]; then
    echo "usage: $0 [--check]" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent --json "echarts@$ECHARTS_VERSION" >pack.json)
got=$(node -e 'process.stdout.write(require(process.argv[1])[0].integrity)' "$tmp/pack.json")
tgz=$(node -e 'process.stdout.write(require(process.argv[1])[0].filename)' "$tmp/pack.json")
if [[ "$got" != "$ECHARTS_INTEGRITY" ]]; then
    echo "echarts@$ECHARTS_VERSION: tarball integrity $got, pinned '$ECHARTS_INTEGRITY'" >&2
    exit 1
fi
tar -xzf "$tmp/$tgz" -C "$tmp"
echo "fetched echarts@$ECHARTS_VERSION ($got)"

# destination  <-  package/path (byte-for-byte copies)
install -m 0644 "$tmp/package/dist/echarts.min.js" echarts.min.js
install -m 0644 "$tmp/package/LICENSE" LICENSE.echarts
install -m 0644 "$tmp/package/NOTICE" NOTICE.echarts
# LICENSE names this file for the d3.js code embedded in the treemap layout (BSD 3-Clause).
install -m 0644 "$tmp/package/licenses/LICENSE-d3" LICENSE-d3.echarts

sha256sum echarts.min.js LICENSE.echarts NOTICE.echarts LICENSE-d3.echarts >SHA256SUMS
echo "wrote $here/SHA256SUMS"
sha256sum --strict -c --quiet SHA256SUMS
