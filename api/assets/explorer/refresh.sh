#!/usr/bin/env bash
# Re-fetch the vendored Apache ECharts build at its pinned version and rewrite SHA256SUMS.
#
#   ./refresh.sh           fetch with `npm pack` (npm registry), verify the tarball's pinned
#                          integrity, copy the files here, rewrite SHA256SUMS
#   ./refresh.sh --check   only verify the files here against SHA256SUMS (no network)
#
# To upgrade: change ECHARTS_VERSION, clear ECHARTS_INTEGRITY (the script then prints the new
# one and stops), pin it, run again, then run the browser test
# (clients/browser-test/run.sh explorer). The work is done by scripts/vendor-npm.sh.
set -euo pipefail

ECHARTS_VERSION=6.1.0
# sha512 of the tarball as published (`npm view echarts@6.1.0 dist.integrity`).
ECHARTS_INTEGRITY='sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA=='

source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/vendor-npm.sh"
vendor_init "$@"
vendor_fetch echarts "$ECHARTS_VERSION" "$ECHARTS_INTEGRITY"

#           package  path in the package    destination
vendor_copy echarts  dist/echarts.min.js    echarts.min.js
vendor_copy echarts  LICENSE                LICENSE.echarts
vendor_copy echarts  NOTICE                 NOTICE.echarts
# LICENSE names this file for the d3.js code embedded in the treemap layout (BSD 3-Clause).
vendor_copy echarts  licenses/LICENSE-d3    LICENSE-d3.echarts
vendor_sums
