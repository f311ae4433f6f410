#!/usr/bin/env bash
# The screenshots of `detente serve` in docs/ (shown in README.md and docs/classroom.md): each
# view of the page in headless Chromium, from its address (the page keeps its state there).
# Usage: scripts/docs/screenshots.sh [BINARY]   (default target/release/detente)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/release/detente}
source scripts/serve-start.sh
start_serve "$bin"
shot() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --window-size=1280,"$3" --virtual-time-budget=10000 \
    --hide-scrollbars --screenshot="docs/$1" "$url/$2" >/dev/null 2>&1
  echo "docs/$1"
}
shot serve-levers.png "?actors.DPRK.prior_sincere=0.8&compare=1" 1100
shot serve-replay.png "?view=replay&arm=incremental&pick=agreement&month=24" 900
# A game: the US against the DPRK of the action-for-action arm, four months played.
id=$(curl -fsS -X POST "$url/api/game/new?side=US&arm=incremental&run=42&name=Ann" | grep -oE '"id":"[^"]+"' | head -1 | cut -d'"' -f4)
for m in humanitarian_exemptions liaison_offices "" end_of_war_declaration; do
  curl -fsS -X POST "$url/api/game/move?id=$id${m:+&make=$m}" > /dev/null
done
shot serve-play.png "?view=play&game=$id" 1000
curl -fsS -X POST "$url/api/game/new?side=DPRK&arm=hardline&run=7&name=Ben" > /dev/null
shot serve-teacher.png "?view=teacher" 500
