#!/usr/bin/env bash
# Measures the window under Xvfb: cold start to first frame, the time from a card result to the
# frame that shows it, and idle CPU. Results go to stdout; docs/gui.md records them.
#
#   scripts/measure-gui.sh [ARGS...]    # ARGS are passed to myna-kigen-gui (e.g. --demo valid)
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
BIN="$TARGET/release/myna-kigen-gui"
SCREEN=:92
IDLE_SECONDS=${IDLE_SECONDS:-30}
cargo build --release --bin myna-kigen-gui >&2

HOME_DIR=$(mktemp -d)
Xvfb "$SCREEN" -screen 0 960x820x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
cleanup() { kill "$XVFB" 2>/dev/null || true; rm -rf "$HOME_DIR"; }
trap cleanup EXIT
export DISPLAY=$SCREEN
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done

echo "== cold start (5 runs): first frame after main() / window visible after exec"
for i in 1 2 3 4 5; do
    LOG=$(mktemp)
    T0=$(date +%s%N)
    HOME=$HOME_DIR MYNA_KIGEN_TIMING=1 "$BIN" "$@" 2>"$LOG" &
    PID=$!
    xdotool search --sync --onlyvisible --name 'myna-kigen' >/dev/null
    T1=$(date +%s%N)
    sleep 1
    printf 'run %s: %s; window visible %.0f ms after exec\n' "$i" \
        "$(grep -m1 'first frame' "$LOG" | sed 's/timing: //')" "$(( (T1 - T0) / 100000 ))e-1"
    grep 'card result' "$LOG" | sed 's/timing: /    /' || true
    kill "$PID"; wait "$PID" 2>/dev/null || true
    rm -f "$LOG"
done

echo "== idle CPU over ${IDLE_SECONDS} s (after 5 s to settle)"
HOME=$HOME_DIR "$BIN" "$@" 2>/dev/null &
PID=$!
xdotool search --sync --onlyvisible --name 'myna-kigen' >/dev/null
sleep 5
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
A=$(ticks "$PID")
sleep "$IDLE_SECONDS"
B=$(ticks "$PID")
HZ=$(getconf CLK_TCK)
awk -v a="$A" -v b="$B" -v hz="$HZ" -v s="$IDLE_SECONDS" \
    'BEGIN { printf "cpu ticks %d in %d s = %.2f %% of one core\n", b - a, s, (b - a) / hz / s * 100 }'
echo "threads: $(ls /proc/$PID/task | wc -l); ps: $(ps -o %cpu=,rss= -p "$PID")"
kill "$PID"; wait "$PID" 2>/dev/null || true
