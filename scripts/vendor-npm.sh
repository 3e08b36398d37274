# Sourced by api/assets/*/refresh.sh: vendor files of npm packages at pinned versions, with the
# tarballs' pinned integrity and a SHA256SUMS of the copies.
#
#   vendor_init "$@"              cd to the calling script's folder; `--check` verifies the files
#                                 there against SHA256SUMS (no network) and exits; otherwise makes
#                                 a temporary folder (removed on exit)
#   vendor_fetch NAME VERSION INTEGRITY
#                                 `npm pack NAME@VERSION` (npm registry) into it, stop unless the
#                                 tarball's integrity is INTEGRITY (sha512, as `npm view NAME@VERSION
#                                 dist.integrity` prints it; an empty one prints the tarball's), unpack
#   vendor_copy NAME PATH DEST    copy PATH of the package NAME (fetched before) to DEST, byte for byte
#   vendor_sums                   write SHA256SUMS of every DEST, in the order copied, and verify it

vendor_init() {
    VENDOR_DIR=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
    cd "$VENDOR_DIR"
    if [[ "${1:-}" == "--check" ]]; then
        exec sha256sum --strict -c SHA256SUMS
    elif [[ $# -gt 0 ]]; then
        echo "usage: $0 [--check]" >&2
        exit 2
    fi
    VENDOR_TMP=$(mktemp -d)
    trap 'rm -rf "$VENDOR_TMP"' EXIT
    VENDOR_FILES=()
}

vendor_fetch() { # name version integrity
    local name=$1 version=$2 want=$3 got tgz
    mkdir -p "$VENDOR_TMP/$name"
    (cd "$VENDOR_TMP/$name" && npm pack --silent --json "$name@$version" >pack.json)
    got=$(node -e 'process.stdout.write(require(process.argv[1])[0].integrity)' "$VENDOR_TMP/$name/pack.json")
    tgz=$(node -e 'process.stdout.write(require(process.argv[1])[0].filename)' "$VENDOR_TMP/$name/pack.json")
    if [[ "$got" != "$want" ]]; then
        echo "$name@$version: tarball integrity $got, pinned '$want'" >&2
        exit 1
    fi
    tar -xzf "$VENDOR_TMP/$name/$tgz" -C "$VENDOR_TMP/$name"
    echo "fetched $name@$version ($got)"
}

vendor_copy() { # name path-in-package destination
    install -m 0644 "$VENDOR_TMP/$1/package/$2" "$3"
    VENDOR_FILES+=("$3")
}

vendor_sums() {
    sha256sum "${VENDOR_FILES[@]}" >SHA256SUMS
    echo "wrote $VENDOR_DIR/SHA256SUMS"
    sha256sum --strict -c --quiet SHA256SUMS
}
