#!/usr/bin/env bash
# Re-fetch the vendored GraphiQL / React builds at their pinned versions and rewrite SHA256SUMS.
#
#   ./refresh.sh           fetch with `npm pack` (npm registry), verify the tarballs' pinned
#                          integrity, copy the files here, rewrite SHA256SUMS
#   ./refresh.sh --check   only verify the files here against SHA256SUMS (no network)
#
# To upgrade: change a version below, clear its INTEGRITY (the script then prints the new one),
# run, pin the printed integrity, check the playground in a browser (clients/playground-test).
set -euo pipefail

GRAPHIQL_VERSION=3.9.0
REACT_VERSION=18.3.1
# sha512 of each tarball as published (`npm view PKG@VER dist.integrity`).
GRAPHIQL_INTEGRITY='sha512-rJYFlHdBbug9+YbFSwRVvgfPjCayC7wHecZkx/qB4XLuQPFQZw/yB9pmHFtOJV6RiNBBHro3u1GdocKa3YcGRA=='
REACT_INTEGRITY='sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ=='
REACT_DOM_INTEGRITY='sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw=='

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

# Fetch one package tarball into $tmp/<name> and check its integrity.
fetch() { # name version integrity
    local name=$1 version=$2 want=$3 got tgz
    mkdir -p "$tmp/$name"
    (cd "$tmp/$name" && npm pack --silent --json "$name@$version" >pack.json)
    got=$(node -e 'process.stdout.write(require(process.argv[1])[0].integrity)' "$tmp/$name/pack.json")
    tgz=$(node -e 'process.stdout.write(require(process.argv[1])[0].filename)' "$tmp/$name/pack.json")
    if [[ "$got" != "$want" ]]; then
        echo "$name@$version: tarball integrity $got, pinned '$want'" >&2
        exit 1
    fi
    tar -xzf "$tmp/$name/$tgz" -C "$tmp/$name"
    echo "fetched $name@$version ($got)"
}

fetch graphiql "$GRAPHIQL_VERSION" "$GRAPHIQL_INTEGRITY"
fetch react "$REACT_VERSION" "$REACT_INTEGRITY"
fetch react-dom "$REACT_VERSION" "$REACT_DOM_INTEGRITY"

# destination  <-  package/path (byte-for-byte copies)
install -m 0644 "$tmp/graphiql/package/graphiql.min.js" graphiql.min.js
install -m 0644 "$tmp/graphiql/package/graphiql.min.css" graphiql.min.css
install -m 0644 "$tmp/graphiql/package/LICENSE" LICENSE.graphiql
install -m 0644 "$tmp/react/package/umd/react.production.min.js" react.production.min.js
install -m 0644 "$tmp/react/package/LICENSE" LICENSE.react
install -m 0644 "$tmp/react-dom/package/umd/react-dom.production.min.js" react-dom.production.min.js
install -m 0644 "$tmp/react-dom/package/LICENSE" LICENSE.react-dom

sha256sum \
    graphiql.min.js graphiql.min.css LICENSE.graphiql \
    react.production.min.js LICENSE.react \
    react-dom.production.min.js LICENSE.react-dom >SHA256SUMS
echo "wrote $here/SHA256SUMS"
sha256sum --strict -c --quiet SHA256SUMS
