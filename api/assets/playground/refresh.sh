#!/usr/bin/env bash
# Re-fetch the vendored GraphiQL / React builds at their pinned versions and rewrite SHA256SUMS.
#
#   ./refresh.sh           fetch with `npm pack` (npm registry), verify the tarballs' pinned
#                          integrity, copy the files here, rewrite SHA256SUMS
#   ./refresh.sh --check   only verify the files here against SHA256SUMS (no network)
#
# To upgrade: change a version below, clear its INTEGRITY (the script then prints the new one),
# run, pin the printed integrity, check the playground in a browser
# (clients/browser-test/run.sh playground). The work is done by scripts/vendor-npm.sh.
set -euo pipefail

GRAPHIQL_VERSION=3.9.0
REACT_VERSION=18.3.1
# sha512 of each tarball as published (`npm view PKG@VER dist.integrity`).
GRAPHIQL_INTEGRITY='sha512-rJYFlHdBbug9+YbFSwRVvgfPjCayC7wHecZkx/qB4XLuQPFQZw/yB9pmHFtOJV6RiNBBHro3u1GdocKa3YcGRA=='
REACT_INTEGRITY='sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ=='
REACT_DOM_INTEGRITY='sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw=='

source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/vendor-npm.sh"
vendor_init "$@"
vendor_fetch graphiql "$GRAPHIQL_VERSION" "$GRAPHIQL_INTEGRITY"
vendor_fetch react "$REACT_VERSION" "$REACT_INTEGRITY"
vendor_fetch react-dom "$REACT_VERSION" "$REACT_DOM_INTEGRITY"

#           package    path in the package                destination
vendor_copy graphiql   graphiql.min.js                    graphiql.min.js
vendor_copy graphiql   graphiql.min.css                   graphiql.min.css
vendor_copy graphiql   LICENSE                            LICENSE.graphiql
vendor_copy react      umd/react.production.min.js        react.production.min.js
vendor_copy react      LICENSE                            LICENSE.react
vendor_copy react-dom  umd/react-dom.production.min.js    react-dom.production.min.js
vendor_copy react-dom  LICENSE                            LICENSE.react-dom
vendor_sums
