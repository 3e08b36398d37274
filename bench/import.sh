#!/usr/bin/env bash
# Times `seed import` (release build): one disclosure, then every disclosure of
# ../shared/corpus (16 disclosures, 19 PDFs). Targets (issue 25): < 2 s one, < 30 s all.
# Usage: bash bench/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --release --bin seed -q
seed=target/release/seed

now() { date +%s.%N; }
start=$(now)
$seed import "$corpus/jiangsu-jianchayuan-2018.pdf" --strict --out "$out/one" >/dev/null
one=$(echo "$(now) - $start" | bc)

start=$(now)
n=0
for f in "$corpus"/*.pdf; do
  case "$f" in *-text.pdf) continue ;; esac
  files=("$f")
  case "$f" in *-tables.pdf) files+=("${f%-tables.pdf}-text.pdf") ;; esac
  $seed import "${files[@]}" --strict --out "$out/$n" >/dev/null
  n=$((n + 1))
done
all=$(echo "$(now) - $start" | bc)
printf 'one disclosure (jiangsu-jianchayuan-2018): %.2f s\n' "$one"
printf 'whole corpus (%d disclosures): %.2f s\n' "$n" "$all"
