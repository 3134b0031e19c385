#!/usr/bin/env bash
# Save docs/report.png: the sample trust's HTML report as headless Chromium draws it (top 2000 px).
# Usage: bash scripts/screenshot.sh [TRUST_FOLDER] [OUT_PNG]
set -euo pipefail
cd "$(dirname "$0")/.."
trust="${1:-corpora/trusts/northfield}"
out="${2:-docs/report.png}"
chromium="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium" ]; then
  echo "screenshot.sh: Chromium is not installed (Debian: apt-get install chromium)" >&2
  exit 1
fi
bash scripts/setup.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
.venv/bin/spectrum analyse "$trust" --format html -o "$work/report.html"
mkdir -p "$(dirname "$out")"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --hide-scrollbars --window-size=1280,2000 \
  --screenshot="$out" "file://$work/report.html" 2>"$work/chromium.log" \
  || { tail -5 "$work/chromium.log" >&2; exit 1; }
[ -s "$out" ] || { echo "screenshot.sh: Chromium wrote no image to $out" >&2; tail -5 "$work/chromium.log" >&2; exit 1; }
echo "wrote $out" >&2
