# shellcheck shell=bash
# Sourced by the scripts that drive `detente serve`: start_serve BINARY starts it on a free
# port of 127.0.0.1, sets `url` to its address once it prints it, and stops it when the
# calling script exits.
start_serve() {
  local out
  out=$(mktemp)
  "$1" serve --port 0 > "$out" &
  serve_pid=$!
  trap 'kill $serve_pid 2>/dev/null; rm -f '"$out" EXIT
  url=""
  for _ in $(seq 1 100); do
    url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$out" | head -1 || true)
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  echo "detente serve printed no URL" >&2
  exit 1
}
