#!/usr/bin/env bash
# Renders the window's states under Xvfb into docs/images/*.png (README, docs/guide.md), and
# every demo scenario in both languages and both modes into docs/images/scenarios/ (listed in
# docs/gui.md), at the window's default size.
#
# Needs: xvfb, imagemagick (import), xdotool. Uses the release build of myna-kigen-gui with the
# built-in simulated card (--demo) and a pinned date, so the pictures do not change from day to day.
#
#   scripts/screenshots.sh            # all states and all scenarios
#   scripts/screenshots.sh valid      # only the named ones
#   scripts/screenshots.sh scenarios  # only docs/images/scenarios/ (SCENARIOS="valid juki": those)
#   PROFILE=debug scripts/screenshots.sh sign-dialog   # the debug build (quicker to build)
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${CARGO_TARGET_DIR:-target}
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = debug ]; then
    BIN="$TARGET/debug/myna-kigen-gui"
    nice -n 19 cargo build --bin myna-kigen-gui >&2
else
    BIN="$TARGET/release/myna-kigen-gui"
    nice -n 19 cargo build --release --bin myna-kigen-gui >&2
fi
TODAY=2026-04-01
OUT=docs/images
W=960 H=820

# A private Xvfb display and home (remembered settings do not leak in).
. scripts/xvfb.sh

# shot NAME ARGS...: start the window with ARGS, wait for it to settle, save $OUT/NAME.png.
shot() {
    local name=$1; shift
    # A fresh home each time: no shot inherits another's remembered mode or zoom.
    local home
    home=$(mktemp -d -p "$HOME_DIR")
    env HOME="$home" XDG_DATA_HOME="$home/.local/share" ${SHOT_ENV:-} "$BIN" "$@" &
    local pid=$!
    xdotool search --sync --onlyvisible --name 'myna-kigen' >/dev/null
    sleep "${SETTLE:-2}"
    if [ -n "${CLICK:-}" ]; then
        # shellcheck disable=SC2086
        xdotool mousemove $CLICK click 1 mousemove 950 810
        sleep 1
    fi
    if [ -n "${STEPS:-}" ]; then
        "$STEPS"
    fi
    import -window root "$OUT/$name.png"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$OUT/$name.png" >&2
}

# Steps for the signing certificate (the demo card's signing password is ABC123). The window
# is 960×820 with a pinned date, so the layout is the same on every run: the
# 「署名用電子証明書の期限を読む」 button is at the top of the right-hand column, (718, 219).
scroll() { xdotool mousemove 480 500 click --repeat "${2:-30}" --delay 20 "$1" mousemove 950 810; sleep 0.7; }
sign_dialog() {
    xdotool mousemove 718 219 click 1 mousemove 950 810
    sleep 1
    # No window manager: give the window the keyboard focus before typing.
    xdotool windowfocus --sync "$(xdotool search --onlyvisible --name myna-kigen | head -1)" || true
    sleep 0.3
    xdotool type --delay 50 abc123
    sleep 1
}
sign_read() { sign_dialog; xdotool key Return; sleep 2; }
sign_compare() { sign_read; scroll 5 4; }

want() { [ -z "$WANTED" ] || [[ " $WANTED " == *" $1 "* ]]; }
WANTED="$*"

want valid      && shot valid      --demo valid      --today $TODAY --lang ja
want renewable  && shot renewable  --demo renewable  --today $TODAY --lang ja
want expired    && shot expired    --demo expired    --today $TODAY --lang ja
want locked     && shot locked     --demo locked     --today $TODAY --lang ja
want not-mnc    && shot not-mnc    --demo not-mnc    --today $TODAY --lang ja
want english    && shot english    --demo valid      --today $TODAY --lang en
want counter    && shot counter    --demo valid      --today $TODAY --lang ja --counter
# The demo's 「カードを取る」 button (top right) takes the simulated card off: the last result
# stays, with the "card removed" note.
want removed    && CLICK="830 20" shot removed --demo valid --today $TODAY --lang ja
# The signing certificate: the password dialog (tries left first, the entry masked), then the
# signing block beside the user-authentication one, then the comparison below.
want sign-dialog  && STEPS=sign_dialog  shot sign-dialog  --demo valid --today $TODAY --lang ja
want sign-read    && STEPS=sign_read    shot sign-read    --demo valid --today $TODAY --lang ja
want sign-compare && STEPS=sign_compare shot sign-compare --demo valid --today $TODAY --lang ja
# Without the demo the window uses the system's PC/SC service. With pcscd and vsmartcard's
# virtual readers running and no card on them (docs/testing.md), it asks for the card:
want place-card && shot place-card                   --today $TODAY --lang ja
# A PC/SC socket that does not exist stands for a stopped service.
want no-service && SHOT_ENV=PCSCLITE_CSOCK_NAME=/nonexistent/pcscd.comm \
                   shot no-service                   --today $TODAY --lang ja
# Every demo scenario (`myna-kigen read --demo list`), both languages, both modes.
if want scenarios; then
    mkdir -p "$OUT/scenarios"
    for scenario in ${SCENARIOS:-valid renewable expired no-sign locked juki not-mnc smartphone}; do
        for lang in ja en; do
            shot "scenarios/$scenario-$lang" --demo "$scenario" --today $TODAY --lang "$lang"
            shot "scenarios/$scenario-$lang-counter" --demo "$scenario" --today $TODAY --lang "$lang" --counter
        done
    done
fi
true
