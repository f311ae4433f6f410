#!/usr/bin/env bash
# Draw the flip maps of docs/model.md section 1 ("Where the answer flips"): where action for
# action and all or nothing beat each other, over the levers of Jervis's and Kydd's comparative
# statics, on months with an agreement in force. Each map is `detente sweep` over a 9x9 grid,
# 1,000 runs per arm at each point, seed 2019; the program draws flip.svg and the script copies
# it (and flip.csv) into docs/figures/.
# About 10 s a map on 2 cores. Usage: scripts/flip-maps.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
bin=target/release/detente
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
map() {
  local name=$1
  shift
  rm -rf "$work/$name"
  "$bin" sweep "$@" --metric agreement_months --runs 1000 --seed 2019 -q --out "$work/$name"
  cp "$work/$name/flip.svg" "docs/figures/flip-$name.svg"
  cp "$work/$name/flip.csv" "docs/figures/flip-$name.csv"
  echo "docs/figures/flip-$name.svg"
}
mkdir -p docs/figures
# The greedy share (1 - prior_sincere) against the effectiveness of pressure.
map greedy-pressure --vary actors.DPRK.prior_sincere=0.1:0.9:9 --vary pressure_effect=0:2:9
# The security seekers' share against the quality of verification, in the Libya-like case
# (all or nothing against action for action).
map sincere-verification scenarios/when-all-or-nothing-wins.toml \
  --vary actors.DPRK.prior_sincere=0.1:0.9:9 --vary verification=0.6:1.4:9
