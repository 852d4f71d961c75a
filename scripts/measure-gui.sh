#!/usr/bin/env bash
# Measures the window under Xvfb (figures recorded in docs/gui.md):
#   1. cold start: process start to the first frame laid out (5 runs);
#   2. with --demo: the time from the monitor sending a card result to the frame that shows it,
#      over 10 place/remove cycles of the simulated card (the demo's button, clicked by xdotool);
#   3. idle CPU of the process over IDLE_SECONDS, after the start has settled.
#
#   scripts/measure-gui.sh [ARGS...]        # ARGS go to myna-kigen-gui, e.g. --demo valid
#   IDLE_CLICK="830 20" scripts/measure-gui.sh --demo valid   # click there first (take the card off)
#   SHOT_ENV=PCSCLITE_CSOCK_NAME=/nonexistent scripts/measure-gui.sh   # PC/SC service down
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
# BIN=path/to/myna-kigen-gui measures that build instead (e.g. an older one, for comparison).
BIN=${BIN:-$TARGET/release/myna-kigen-gui}
IDLE_SECONDS=${IDLE_SECONDS:-30}
BUTTON=${BUTTON:-830 20}
[ "$BIN" != "$TARGET/release/myna-kigen-gui" ] || nice -n 19 cargo build --release --bin myna-kigen-gui >&2

# A private Xvfb display and home (remembered settings do not leak in).
. scripts/xvfb.sh

# Started with `env` directly (not through a shell function), so $! is the window's own pid.
ENVS=(HOME="$HOME_DIR" MYNA_KIGEN_TIMING=1 ${SHOT_ENV:-})
# `xdotool search --sync` polls only every 0.5 s: poll every 5 ms instead.
visible() {
    local n=0
    until xdotool search --onlyvisible --name 'myna-kigen' >/dev/null 2>&1; do
        sleep 0.005
        n=$((n + 1))
        [ "$n" -lt 2000 ] || { echo "the window did not appear" >&2; cat "${IDLE_LOG:-/dev/null}" >&2; exit 1; }
    done
}

echo "== cold start (5 runs)"
for i in 1 2 3 4 5; do
    LOG=$(mktemp)
    T0=$(date +%s%N)
    env "${ENVS[@]}" "$BIN" "$@" 2>"$LOG" &
    PID=$!
    visible
    T1=$(date +%s%N)
    sleep 1
    printf 'run %s: %s; window mapped %s ms after exec\n' "$i" \
        "$(grep -m1 'first frame' "$LOG" | sed 's/timing: //')" "$(( (T1 - T0) / 1000000 ))"
    kill "$PID"; wait "$PID" 2>/dev/null || true
    rm -f "$LOG"
    while xdotool search --onlyvisible --name 'myna-kigen' >/dev/null 2>&1; do sleep 0.05; done
done

if [[ " $* " == *" --demo"* ]]; then
    echo "== card result to frame (10 place/remove cycles of the simulated card)"
    LOG=$(mktemp)
    env "${ENVS[@]}" "$BIN" "$@" 2>"$LOG" &
    PID=$!
    visible
    sleep 1
    for _ in $(seq 10); do
        # shellcheck disable=SC2086
        xdotool mousemove $BUTTON click 1; sleep 0.4
        # shellcheck disable=SC2086
        xdotool mousemove $BUTTON click 1; sleep 0.6
    done
    grep 'card result' "$LOG" | sed 's/timing: card result laid out //; s/ ms.*//' |
        sort -n | awk '{ v[NR] = $1 } END { printf "n=%d min %.2f median %.2f max %.2f ms\n", NR, v[1], v[int((NR + 1) / 2)], v[NR] }'
    kill "$PID"; wait "$PID" 2>/dev/null || true
    rm -f "$LOG"
    while xdotool search --onlyvisible --name 'myna-kigen' >/dev/null 2>&1; do sleep 0.05; done
fi

echo "== idle CPU over ${IDLE_SECONDS} s (after 5 s to settle)"
IDLE_LOG=$(mktemp)
env "${ENVS[@]}" "$BIN" "$@" 2>"$IDLE_LOG" &
PID=$!
visible
sleep 2
if [ -n "${IDLE_CLICK:-}" ]; then
    # shellcheck disable=SC2086
    xdotool mousemove $IDLE_CLICK click 1
    xdotool mousemove 950 810
fi
sleep 3
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
A=$(ticks "$PID")
sleep "$IDLE_SECONDS"
B=$(ticks "$PID")
HZ=$(getconf CLK_TCK)
awk -v a="$A" -v b="$B" -v hz="$HZ" -v s="$IDLE_SECONDS" \
    'BEGIN { printf "cpu ticks %d in %d s = %.2f %% of one core\n", b - a, s, (b - a) / hz / s * 100 }'
echo "ps: comm %cpu(lifetime) rss(KiB) threads = $(ps -o comm=,%cpu=,rss=,nlwp= -p "$PID")"
kill "$PID"; wait "$PID" 2>/dev/null || true
