#!/usr/bin/env bash
# One command: set up a virtual environment with the reference library `axelrod` (pinned), build
# detente, and compare the two on scenarios/prisoners-dilemma.toml. Not part of `cargo test`
# (the install is large). Usage: validation/run-axelrod-comparison.sh [--repetitions N]
# [--detente-repetitions N] [--scenario FILE]; the default is the 7-strategy speed reference.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=validation/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "axelrod==4.14.0"
fi
cargo build --release --quiet
"$venv/bin/python" validation/axelrod_compare.py --detente target/release/detente \
  --scenario validation/axelrod-7.toml "$@"
