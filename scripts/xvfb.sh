# Sourced by the GUI scripts: starts a private Xvfb display (W x H, default 960x820), exports
# DISPLAY, makes a private HOME_DIR (so remembered settings do not leak in), and cleans both up
# on exit. Xvfb picks a free display itself (-displayfd), so other users of Xvfb on this machine
# are never shared with.
HOME_DIR=$(mktemp -d)
DISPLAY_FILE=$(mktemp)
Xvfb -displayfd 3 -noreset -screen 0 ${W:-960}x${H:-820}x24 -nolisten tcp 3>"$DISPLAY_FILE" >/dev/null 2>&1 &
XVFB=$!
cleanup() { kill "$XVFB" 2>/dev/null || true; rm -rf "$HOME_DIR" "$DISPLAY_FILE"; }
trap cleanup EXIT
for _ in $(seq 100); do [ -s "$DISPLAY_FILE" ] && break; sleep 0.05; done
export DISPLAY=:$(cat "$DISPLAY_FILE")
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
