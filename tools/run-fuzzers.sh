#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR for SECONDS each, on a working copy of its seed corpus
# (fuzz/corpus/<target>/, plus the repository's examples for the manifest fuzzers), so the
# checked-in seeds stay small.
# Usage: tools/run-fuzzers.sh BUILD_DIR SECONDS
set -euo pipefail
build_dir=${1:?build dir}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
passed=0
failed=0
for target in "$build_dir"/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  seeds="$root/fuzz/corpus/${name#fuzz_}"
  work="$build_dir/corpus-work/$name"
  mkdir -p "$work"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null || true
  case "$name" in
    fuzz_document_loader|fuzz_scan)  # manifests make good seeds for the manifest parsers
      find "$root/examples" -type f \( -name '*.yaml' -o -name '*.json' \) -exec cp -n {} "$work"/ \; 2>/dev/null || true ;;
  esac
  echo "fuzzing $name for ${seconds}s ($(ls "$work" | wc -l) seeds)"
  if ! "$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 "$work" >"$build_dir/$name.log" 2>&1; then
    echo "FAILED: $name (log: $build_dir/$name.log)"; tail -40 "$build_dir/$name.log"; status=1; failed=$((failed + 1))
  else
    grep -E "stat::number_of_executed_units|Done" "$build_dir/$name.log" | tail -2
    passed=$((passed + 1))
  fi
done
echo "fuzzing finished: $passed targets clean, $failed with failures"
exit $status
