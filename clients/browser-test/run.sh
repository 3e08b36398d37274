#!/usr/bin/env bash
# Headless-Chromium test of one of the two browser pages:
#   clients/browser-test/run.sh playground URL_OF_/graphql [SCREENSHOT_DIR]
#   clients/browser-test/run.sh explorer BASE_URL [SCREENSHOT_DIR]
# playground: the GraphiQL playground at /graphql (screenshots default to target/ci-screenshots
# at the repo root). explorer: the budget explorer (the page at / and its files at /explorer/);
# BASE_URL is where the page is served, e.g. http://127.0.0.1:8000/ (its API at BASE_URL/graphql);
# screenshots default to target/ci-screenshots/explorer. Against a server that does not serve the
# explorer yet: node serve.mjs API_BASE_URL (see there).
# Installs Debian's chromium if /usr/bin/chromium is missing (needs root + apt), then `npm ci` here,
# then the test.
set -euo pipefail

usage() {
    echo "usage: $0 playground|explorer URL [SCREENSHOT_DIR]" >&2
    exit 2
}
[[ $# -ge 2 && $# -le 3 ]] || usage
test=$1
url=$2
shots=${3:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
case "$test" in
playground) default_shots="$root/target/ci-screenshots" ;;
explorer) default_shots="$root/target/ci-screenshots/explorer" ;;
*) usage ;;
esac
# A relative screenshot dir is relative to the caller's cwd.
if [[ -z "$shots" ]]; then
    shots=$default_shots
elif [[ "$shots" != /* ]]; then
    shots="$PWD/$shots"
fi

if [[ ! -x /usr/bin/chromium ]]; then
    echo "installing chromium (apt-get)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
# A CJK font, so that the screenshots show the Chinese labels (7.5 MB; the test passes without).
if [[ ! -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null 2>&1 ||
        echo "fonts-wqy-zenhei not installed: Chinese shows as boxes in the screenshots" >&2
fi

# puppeteer-core never downloads a browser; these make sure nothing else tries to.
export PUPPETEER_SKIP_DOWNLOAD=true PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=true
export CHROMIUM_PATH=/usr/bin/chromium
cd "$here"
npm ci --no-audit --no-fund
exec node "$test.mjs" "$url" "$shots"
