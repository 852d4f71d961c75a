#!/usr/bin/env bash
# On macOS, after `cargo build --release --bins`: makes target/dist/myna-kigen.app (the window
# as the app, the command line tool beside it in Contents/MacOS) and
# target/dist/myna-kigen-<version>-macos-<arch>.dmg. Unsigned: the first start needs
# right-click > Open. Uses sips, iconutil and hdiutil (part of macOS).
# Written for the release workflow; not run on this project's machines (Linux only).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
app=target/dist/myna-kigen.app
rm -rf "$app" target/dist/iconset.iconset
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources" target/dist/iconset.iconset
install -m 755 target/release/myna-kigen-gui target/release/myna-kigen "$app/Contents/MacOS/"
sed "s/@VERSION@/$version/g" packaging/macos/Info.plist >"$app/Contents/Info.plist"
for s in 16 32 128 256; do
  sips -z "$s" "$s" assets/icon.png --out "target/dist/iconset.iconset/icon_${s}x${s}.png" >/dev/null
  d=$((s * 2))
  sips -z "$d" "$d" assets/icon.png --out "target/dist/iconset.iconset/icon_${s}x${s}@2x.png" >/dev/null
done
iconutil -c icns target/dist/iconset.iconset -o "$app/Contents/Resources/myna-kigen.icns"
cp LICENSE-MIT LICENSE-APACHE "$app/Contents/Resources/"
staging=target/dist/dmg
rm -rf "$staging"
mkdir -p "$staging"
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
hdiutil create -volname "myna-kigen $version" -srcfolder "$staging" -ov -format UDZO \
  "target/dist/myna-kigen-$version-macos-$(uname -m).dmg"
