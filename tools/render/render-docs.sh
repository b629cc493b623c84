#!/usr/bin/env bash
# Renders the pictures in docs/exports.md from procedures/assessment.wm with the real tools:
# Graphviz for DOT, mermaid-cli (in Debian's Chromium) for Mermaid, bpmn-js (the bpmn.io viewer,
# in Debian's Chromium) for BPMN, and rsvg-convert for Waymark's own SVG and bpmn-js's drawing.
#
# Once: apt-get install graphviz librsvg2-bin chromium fonts-dejavu-core
#       (cd tools/render && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)
# Then: tools/render/render-docs.sh [PROCEDURE]
set -euo pipefail
cd "$(dirname "$0")/../.."
procedure=${1:-procedures/assessment.wm}
name=$(basename "$procedure" .wm)
out=docs/img
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cargo build -q --release
waymark=target/release/waymark

for format in mermaid dot svg bpmn; do
  "$waymark" export "$procedure" --to "$format" -o "$work/$name.$format"
done

dot -Tpng -Gdpi=96 "$work/$name.dot" -o "$out/$name-dot.png"
rsvg-convert "$work/$name.svg" -o "$out/$name-svg.png"
tools/render/node_modules/.bin/mmdc -q -p tools/render/puppeteer.json \
  -i "$work/$name.mermaid" -o "$out/$name-mermaid.png" -w 3200 -b white
node tools/render/render-bpmn.mjs "$work/$name.bpmn" "$work/$name-bpmn-js.svg"
rsvg-convert -b white "$work/$name-bpmn-js.svg" -o "$out/$name-bpmn.png"
ls -l "$out"/"$name"-*.png
