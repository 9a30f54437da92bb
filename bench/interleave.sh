#!/bin/bash
# Interleaved before/after bench runs on a quiet box (bench/README.md, "Round 2").
#   bash bench/interleave.sh BEFORE_DIR [ROUNDS]
# BEFORE_DIR: a built checkout of the baseline (git worktree add DIR REV; cd DIR; npm ci; npm run build).
# Each round runs every scenario in BEFORE_DIR and then in this checkout, one after the other, so drift
# of the shared VM falls on both; take the medians per column. Results go to .data/bench-interleave.txt.
set -euo pipefail
before="${1:?usage: bash bench/interleave.sh BEFORE_DIR [ROUNDS]}"
rounds="${2:-3}"
after="$(cd "$(dirname "$0")/.." && pwd)"
out="$after/.data/bench-interleave.txt"
mkdir -p "$after/.data"; : > "$out"
run() { # label dir scenario...
  local label=$1 dir=$2 log; shift 2
  log="$(mktemp)"
  local started=$SECONDS
  (cd "$dir" && timeout 400 npm run bench -- "$@") > "$log" 2>&1 || true
  echo "=== $label $* ($((SECONDS - started)) s, load $(cut -d' ' -f1 /proc/loadavg))" >> "$out"
  grep -E "→ frame|POST → 202|accept p99|store rate|accepted → stored|accounting|failed requests" "$log" | grep -v '"level"' >> "$out" || true
  rm -f "$log"
}
for round in $(seq 1 "$rounds"); do
  for scenario in "latency" "throughput --path ws --rate 300" "throughput --rate 150" "store"; do
    # shellcheck disable=SC2086 # the scenario is words on purpose
    run "before r$round" "$before" $scenario
    # shellcheck disable=SC2086
    run "after r$round" "$after" $scenario
  done
done
echo "results: $out"
