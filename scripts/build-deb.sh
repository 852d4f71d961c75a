#!/usr/bin/env bash
# Builds the Debian package target/debian/myna-kigen_<version>-1_<arch>.deb: the release
# binaries, the man pages and shell completions generated from the real argument definitions
# (examples/gen-docs.rs, into target/gen-docs), the menu entry, AppStream metainfo and icons
# (see [package.metadata.deb] in Cargo.toml).
# Needs: cargo-deb (`cargo install cargo-deb`), dpkg-dev (dpkg-shlibdeps, for $auto), and the
# build packages from the README. Validates the menu entry and metainfo when
# desktop-file-validate / appstreamcli are installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate packaging/*.desktop
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net packaging/*.metainfo.xml
fi
rm -rf target/gen-docs
cargo run --quiet --example gen-docs -- target/gen-docs
cargo build --release --bins
cargo deb --no-build "$@"
ls -l target/debian/*.deb
