#!/usr/bin/env bash
# Set up, then analyse the bundled sample trust: Markdown report on stdout, HTML and JSON in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
.venv/bin/spectrum analyse corpora/trusts/northfield --format html -o out/northfield.html
.venv/bin/spectrum analyse corpora/trusts/northfield --format json -o out/northfield.json
.venv/bin/spectrum analyse corpora/trusts/northfield --format md
echo "HTML report: out/northfield.html   JSON: out/northfield.json" >&2
