#!/usr/bin/env bash
# Soak test through the real PC/SC stack: `myna-kigen watch --json` runs while a simulated card
# is placed on vpcd's first reader and removed again, CYCLES times (default 300). Checks that
# every placement gave one report and every removal one removal line, and prints the watch
# process's memory (VmRSS) at the start and at the end. Figures go to docs/testing.md.
#
# Needs pcscd running with vsmartcard-vpcd (`pcscd -f &`), the first virtual reader free.
# Usage: scripts/soak.sh [CYCLES]     (MYNA_KIGEN=path/to/binary to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."

cycles=${1:-300}
today=2026-05-01
addr=127.0.0.1:35963
if [ -z "${MYNA_KIGEN:-}" ]; then
  cargo build --quiet --bin myna-kigen
  MYNA_KIGEN="${CARGO_TARGET_DIR:-target}/debug/myna-kigen"
fi
bin=$MYNA_KIGEN

work=$(mktemp -d)
out=$work/watch.jsonl
sim_pid=
watch_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
count() { grep -c "\"event\":\"$1\"" "$out" || true; }

# Waits until `count $1` reaches $2 (10 s at most).
wait_count() {
  local deadline=$((SECONDS + 10))
  while [ "$(count "$1")" -lt "$2" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "soak: timed out waiting for $1 #$2; watch said:" >&2
      tail -5 "$out" >&2
      exit 1
    fi
    sleep 0.02
  done
}

"$bin" watch --json --today "$today" >"$out" 2>"$work/watch.err" &
watch_pid=$!
sleep 0.5
rss_launch=$(rss_kib "$watch_pid")
started=$SECONDS

for i in $(seq 1 "$cycles"); do
  "$bin" simulate --vpcd "$addr" --scenario valid --today "$today" >/dev/null 2>&1 &
  sim_pid=$!
  wait_count card "$i"
  if [ "$i" -eq 1 ]; then
    rss_first=$(rss_kib "$watch_pid")
  fi
  kill "$sim_pid"
  wait "$sim_pid" 2>/dev/null || true
  sim_pid=
  wait_count removed "$i"
done

rss_end=$(rss_kib "$watch_pid")
elapsed=$((SECONDS - started))
cards=$(count card)
removed=$(count removed)
errors=$(count error)
kill -INT "$watch_pid"
wait "$watch_pid"
watch_exit=$?
watch_pid=

echo "cycles:            $cycles in ${elapsed} s"
echo "reports:           $cards"
echo "removal lines:     $removed"
echo "error lines:       $errors"
echo "watch VmRSS:       ${rss_launch} KiB at launch, ${rss_first} KiB after the first report, ${rss_end} KiB at the end"
echo "watch exit on ^C:  $watch_exit"
[ "$cards" -eq "$cycles" ] && [ "$removed" -eq "$cycles" ] && [ "$errors" -eq 0 ] && [ "$watch_exit" -eq 0 ]
