#!/usr/bin/env bash
# Set up, then run the engine on the bundled sample trust and write its report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
.venv/bin/spectrum ingest corpora/trusts/northfield --format table
