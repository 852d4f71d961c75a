#!/usr/bin/env bash
# Builds target/dist/myna-kigen-<version>-linux-<arch>.tar.gz: both programs, man pages, shell
# completions, the menu entry, AppStream metainfo, icons and licences, laid out as under /usr
# (unpack into /usr/local or ~/.local: bin/, share/...).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
name=myna-kigen-$version-linux-$(uname -m)
dir=target/dist/$name
[ -d target/gen-docs/man ] || cargo run --quiet --example gen-docs -- target/gen-docs
cargo build --release --bins
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/share/man/man1" "$dir/share/applications" "$dir/share/metainfo" \
  "$dir/share/bash-completion/completions" "$dir/share/zsh/site-functions" \
  "$dir/share/fish/vendor_completions.d" "$dir/share/doc/myna-kigen"
install -m 755 target/release/myna-kigen target/release/myna-kigen-gui "$dir/bin/"
strip "$dir/bin/myna-kigen" "$dir/bin/myna-kigen-gui"
install -m 644 target/gen-docs/man/*.1 "$dir/share/man/man1/"
install -m 644 target/gen-docs/completions/myna-kigen.bash "$dir/share/bash-completion/completions/myna-kigen"
install -m 644 target/gen-docs/completions/myna-kigen-gui.bash "$dir/share/bash-completion/completions/myna-kigen-gui"
install -m 644 target/gen-docs/completions/_myna-kigen target/gen-docs/completions/_myna-kigen-gui "$dir/share/zsh/site-functions/"
install -m 644 target/gen-docs/completions/*.fish "$dir/share/fish/vendor_completions.d/"
install -m 644 packaging/*.desktop "$dir/share/applications/"
install -m 644 packaging/*.metainfo.xml "$dir/share/metainfo/"
cp -r assets/icons "$dir/share/"
install -m 644 README.md LICENSE-MIT LICENSE-APACHE "$dir/share/doc/myna-kigen/"
install -m 644 assets/fonts/OFL.txt "$dir/share/doc/myna-kigen/OFL-BIZUDGothic.txt"
tar -C target/dist -czf "target/dist/$name.tar.gz" "$name"
ls -l "target/dist/$name.tar.gz"
