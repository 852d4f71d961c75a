#!/usr/bin/env bash
# Proves the install paths on a bare Debian 12, made with `debootstrap --variant=minbase` under
# target/fresh-debian (as root; needs debootstrap and a reachable Debian mirror):
#
#   scripts/fresh-debian.sh window   the window's own start-up failure: the release binary in a
#                                    bare system with only Xvfb, before its libraries are there
#   scripts/fresh-debian.sh deb      `apt install ./myna-kigen_*.deb` (no recommends), then
#                                    `myna-kigen read --demo` and `myna-kigen-gui --demo` under
#                                    Xvfb; screenshot in target/fresh-debian/deb-window.png
#   scripts/fresh-debian.sh menu     after `deb`: the menu entry as a launcher shows it, pictures in
#                                    docs/images/menu-ja.png and menu-en.png
#   scripts/fresh-debian.sh ci       a clean clone of this repository's HEAD and the host's Rust
#                                    toolchain (read-only, no rustup, no network for it), then
#                                    `CI=true bash .ci/run` as the README's newcomer would
#
# Each run starts from a fresh copy of the bare system (target/fresh-debian/base, made once).
# Logs and times: target/fresh-debian/*.log. Build the .deb first for `deb` and `window`
# (scripts/build-deb.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
top=$repo/target/fresh-debian
base=$top/base
mirror=${MIRROR:-http://deb.debian.org/debian}
mkdir -p "$top"

if [ ! -x "$base/bin/bash" ]; then
  start=$(date +%s)
  debootstrap --variant=minbase bookworm "$base" "$mirror" >"$top/debootstrap.log" 2>&1
  echo "debootstrap: $(($(date +%s) - start)) s"
fi

root=
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
  if [ -n "${xvfb_pid:-}" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

# A fresh copy of the bare system, with /proc, /dev, /run and /tmp of its own; services are not
# started by package installs (no init in a chroot).
fresh() {
  root=$top/$1
  rm -rf "$root"
  cp -a "$base" "$root"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc" && mounted+=("$root/proc")
  mount --bind /dev "$root/dev" && mounted+=("$root/dev")
  mount --bind /dev/pts "$root/dev/pts" && mounted+=("$root/dev/pts")
  mount -t tmpfs tmpfs "$root/run" && mounted+=("$root/run")
  mount -t sysfs sysfs "$root/sys" && mounted+=("$root/sys")
}

# Runs a command in the chroot with a clean environment.
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# Xvfb inside the chroot on display :$1. X servers also listen on an abstract socket, which the
# host shares, so the host's ImageMagick takes the screenshot.
start_xvfb() {
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin Xvfb ":$1" -screen 0 960x820x24 \
    -nolisten tcp >"$top/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 100); do
    DISPLAY=:$1 xdotool getdisplaygeometry >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "Xvfb did not start" >&2
  return 1
}

deb_file() {
  local deb
  deb=$(ls -t "$repo"/target/debian/myna-kigen_*.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || { echo "no .deb: run scripts/build-deb.sh first" >&2; exit 1; }
  echo "$deb"
}

case "${1:-}" in
window)
  fresh window
  in_root apt-get update -qq
  in_root apt-get install -y -qq --no-install-recommends xvfb libpcsclite1 >"$top/window-apt.log" 2>&1
  cp "$repo/target/release/myna-kigen-gui" "$root/usr/local/bin/"
  start_xvfb 87
  echo "== the window with only Xvfb installed:"
  set +e
  in_root env DISPLAY=:87 timeout 20 myna-kigen-gui --demo
  echo "exit $?"
  echo "== the window with no display:"
  in_root timeout 20 myna-kigen-gui --demo
  echo "exit $?"
  echo "== with the X11 libraries but not libxkbcommon-x11-0 (the toolkit panics there):"
  in_root apt-get install -y -qq --no-install-recommends libx11-6 libxcursor1 libxi6 libxrandr2 \
    >>"$top/window-apt.log" 2>&1
  in_root env DISPLAY=:87 timeout 20 myna-kigen-gui --demo
  echo "exit $?"
  echo "== with libxkbcommon-x11-0 too (124: still open when timeout stopped it after 8 s):"
  in_root apt-get install -y -qq --no-install-recommends libxkbcommon-x11-0 \
    >>"$top/window-apt.log" 2>&1
  in_root env DISPLAY=:87 timeout 8 myna-kigen-gui --demo
  echo "exit $?"
  set -e
  ;;
deb)
  deb=$(deb_file)
  fresh deb
  cp "$deb" "$root/tmp/"
  start=$(date +%s)
  in_root apt-get update -qq
  in_root sh -c "apt-get install -y --no-install-recommends /tmp/$(basename "$deb")" >"$top/deb-apt.log" 2>&1
  echo "apt install ./$(basename "$deb"): $(($(date +%s) - start)) s; $(grep -c '^Setting up' "$top/deb-apt.log") packages set up"
  echo "== myna-kigen read --demo"
  in_root myna-kigen read --demo --today 2026-05-01
  echo "== man page, completions, menu entry, icon:"
  in_root sh -c 'ls /usr/share/man/man1/myna-kigen*.1.gz /usr/share/bash-completion/completions/myna-kigen /usr/share/applications/*.desktop /usr/share/metainfo/*.xml /usr/share/icons/hicolor/48x48/apps/myna-kigen.png'
  # Xvfb only for this test, after the package and its dependencies are in.
  in_root apt-get install -y -qq --no-install-recommends xvfb >"$top/deb-xvfb.log" 2>&1
  start_xvfb 88
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 DISPLAY=:88 PATH=/usr/bin:/bin \
    myna-kigen-gui --demo >"$top/deb-window.log" 2>&1 &
  gui=$!
  sleep 6
  if kill -0 "$gui" 2>/dev/null; then
    echo "myna-kigen-gui --demo: window open after 6 s"
    DISPLAY=:88 import -window root "$top/deb-window.png"
    echo "screenshot: $top/deb-window.png"
    kill "$gui"
  else
    echo "myna-kigen-gui --demo exited early:" >&2
    cat "$top/deb-window.log" >&2
    exit 1
  fi
  ;;
menu)
  # The installed menu entry with its icon as a launcher lists it (rofi on the host, reading only
  # what the package installed in the `deb` chroot), in Japanese and in English:
  # docs/images/menu-ja.png, menu-en.png. Needs on the host: rofi, fonts-morisawa-bizud-gothic,
  # hicolor-icon-theme, shared-mime-info, libgdk-pixbuf2.0-bin, xvfb, imagemagick, xdotool.
  installed=$top/deb/usr/share
  [ -f "$installed/applications/io.github.myna_kigen.MynaKigen.desktop" ] ||
    { echo "run $0 deb first" >&2; exit 1; }
  data=$(mktemp -d)
  mkdir -p "$data/share/applications" "$data/share/icons"
  cp "$installed"/applications/*.desktop "$data/share/applications/"
  cp -r "$installed/icons/hicolor" "$data/share/icons/"
  cp /usr/share/icons/hicolor/index.theme "$data/share/icons/hicolor/"
  ln -s /usr/share/mime "$data/share/mime"
  Xvfb :89 -screen 0 760x200x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 100); do DISPLAY=:89 xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
  for lang in ja en; do
    HOME=$data XDG_DATA_HOME=$data/none XDG_DATA_DIRS=$data/share LANGUAGE=$lang DISPLAY=:89 \
      rofi -show drun -show-icons -font "BIZ UDGothic 15" \
      -theme-str 'window {width: 740px;} listview {lines: 2;} element-icon {size: 48px;}' \
      >/dev/null 2>&1 &
    rofi_pid=$!
    sleep 4
    DISPLAY=:89 import -window root -crop 740x90+10+28 +repage "$repo/docs/images/menu-$lang.png"
    kill "$rofi_pid"
    wait "$rofi_pid" 2>/dev/null || true
  done
  rm -rf "$data"
  ls -l "$repo"/docs/images/menu-*.png
  ;;
ci)
  fresh ci
  git clone -q --no-hardlinks -b "$(git rev-parse --abbrev-ref HEAD)" "$repo" "$root/root/myna-kigen"
  toolchain=$(dirname "$(dirname "$(readlink -f "$(rustup which cargo)")")")
  mkdir -p "$root/opt/rust"
  mount --bind "$toolchain" "$root/opt/rust" && mounted+=("$root/opt/rust")
  mount -o remount,bind,ro "$root/opt/rust"
  # The host's CA bundle, for networks whose proxy re-signs TLS (a bare system has none; apt
  # uses plain HTTP and needs none).
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/host-ca.crt"
  env_in=(/usr/bin/env -i HOME=/root LANG=C.UTF-8 CARGO_HTTP_CAINFO=/etc/host-ca.crt
    PATH=/opt/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
  # 1. With the network: the package lists, the .debs .ci/run will install (downloaded only,
  #    not installed) and the crates. The package list is read from .ci/run itself.
  start=$(date +%s)
  set +e
  chroot "$root" "${env_in[@]}" sh -c 'cd /root/myna-kigen &&
    apt-get update -qq &&
    apt-get install -y -qq --download-only --no-install-recommends \
      $(sed -n "s/^need=(\(.*\))$/\1/p" .ci/run) &&
    cargo fetch --locked' >"$top/ci-fetch.log" 2>&1
  rc=$?
  echo "downloads: exit $rc after $(($(date +%s) - start)) s (log: $top/ci-fetch.log)"
  [ "$rc" = 0 ] || exit "$rc"
  # 2. .ci/run without the network, in a network namespace of its own: the host may run a pcscd
  #    with vpcd's TCP ports (35963, 35964) too, and the two must not meet. apt installs from
  #    the downloaded .debs; `apt-get update` only warns.
  start=$(date +%s)
  unshare --net sh -c 'ip link set lo up && exec "$@"' sh \
    chroot "$root" "${env_in[@]}" CI=true CARGO_NET_OFFLINE=true \
    sh -c 'cd /root/myna-kigen && bash .ci/run' >"$top/ci.log" 2>&1
  rc=$?
  set -e
  echo ".ci/run in a bare Debian 12: exit $rc after $(($(date +%s) - start)) s (log: $top/ci.log)"
  grep -E '^test result|Finished|FAILED|panicked|e2e:' "$top/ci.log" || true
  exit "$rc"
  ;;
*)
  echo "usage: $0 window|deb|ci" >&2
  exit 2
  ;;
esac
