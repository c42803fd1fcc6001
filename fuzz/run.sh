#!/usr/bin/env bash
# Runs fuzz targets one after another (one process: the machine is shared),
# each for SECONDS (default 600), with the settings in README.md. Crashes,
# timeouts and OOMs do not stop a run (fork mode): they are collected under
# artifacts/TARGET/ and summarised in logs/TARGET.log.
#
#   fuzz/run.sh [-t SECONDS] TARGET...
set -uo pipefail
cd "$(dirname "$0")"
seconds=600
if [[ "${1:-}" == "-t" ]]; then seconds=$2; shift 2; fi
bin=target/x86_64-unknown-linux-gnu/release
mkdir -p logs snap
for t in "$@"; do
  mkdir -p "corpus/$t" "artifacts/$t" "seeds/$t"
  # A copy, so the library can be rebuilt while this runs.
  cp "$bin/$t" "snap/$t"
  # Large enough for every seed (an OLE2 file is 20 KiB at least).
  max_len=$(find "seeds/$t" -type f -printf '%s\n' | sort -n | tail -1)
  max_len=$(( ${max_len:-0} > 8192 ? max_len : 8192 ))
  echo "== $t $(date -u +%FT%TZ) for ${seconds}s" >> logs/summary.txt
  ./snap/"$t" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" -max_total_time="$seconds" \
    -artifact_prefix="artifacts/$t/" -print_final_stats=1 \
    "corpus/$t" "seeds/$t" > "logs/$t.log" 2>&1
  echo "   rc=$? $(grep -E '^#[0-9]+' "logs/$t.log" | tail -1)" >> logs/summary.txt
  echo "   artifacts: $(ls "artifacts/$t" | wc -l)" >> logs/summary.txt
done
