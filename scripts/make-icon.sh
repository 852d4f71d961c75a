#!/usr/bin/env bash
# Draws the application icon (a card with the kanji 期, "term") with ImageMagick and writes
# assets/icon.png (256 px), assets/icon.ico (16-256 px, Windows resource) and assets/icon.rgba
# (64 px raw RGBA for the window icon, so the GUI needs no image decoder) and the menu icon in
# the hicolor sizes (assets/icons/hicolor).
# Needs: imagemagick, fonts-morisawa-bizud-gothic.
set -euo pipefail
cd "$(dirname "$0")/.."
font=$(fc-list : file | grep -m1 BIZUDGothic-Bold || fc-list : file | grep -m1 BIZUDGothic-Regular)
font=${font%%:*}
convert -size 256x256 xc:none \
  -fill '#1d4f91' -draw 'roundrectangle 8,40 248,216 24,24' \
  -fill '#ffffff' -draw 'roundrectangle 136,64 228,192 10,10' \
  -fill '#f2b705' -draw 'rectangle 28,168 116,184' \
  -fill '#1d4f91' -font "$font" -pointsize 84 -gravity northwest -annotate +140+80 '期' \
  -fill '#ffffff' -pointsize 30 -annotate +28+70 'My' -annotate +28+104 'No.' \
  assets/icon.png
convert assets/icon.png -define icon:auto-resize=256,64,48,32,16 assets/icon.ico
convert assets/icon.png -resize 64x64 -depth 8 rgba:assets/icon.rgba
# The hicolor icon theme sizes for the menu entry (the .deb installs them).
for s in 16 24 32 48 64 128 256; do
  mkdir -p "assets/icons/hicolor/${s}x${s}/apps"
  convert assets/icon.png -resize "${s}x${s}" -depth 8 -strip "assets/icons/hicolor/${s}x${s}/apps/myna-kigen.png"
done
