#!/usr/bin/env bash
# Runs the README's quick start as a newcomer would, on this fresh clone:
# `npm install && npm start`, then GET /feed, then Ctrl-C — and checks nothing is left running.
# Uses its own ports and state folder so it cannot disturb a lab already running here.
set -euo pipefail
cd "$(dirname "$0")/.."

export PORT=3900 LAB_PORT=3902 LAB_DB_PORT=54909
export LAB_STATE_DIR
LAB_STATE_DIR="$(mktemp -d)"
chmod 755 "$LAB_STATE_DIR"
log="$LAB_STATE_DIR/start.log"

npm install --no-audit --no-fund > /dev/null
started=$(date +%s.%N)
setsid npm start > "$log" 2>&1 &
npm_pid=$!

cleanup() {
  kill -INT -- "-$npm_pid" 2> /dev/null || true
  for _ in $(seq 1 100); do kill -0 "$npm_pid" 2> /dev/null || break; sleep 0.1; done
  rm -rf "$LAB_STATE_DIR"
}
trap cleanup EXIT

for _ in $(seq 1 600); do
  grep -q 'Next: open' "$log" && break
  kill -0 "$npm_pid" 2> /dev/null || { cat "$log"; echo "quick start: npm start exited early"; exit 1; }
  sleep 0.1
done
grep -q 'Next: open' "$log" || { cat "$log"; echo "quick start: no banner within 60 s"; exit 1; }
ready=$(date +%s.%N)
posts=$(curl -sf "http://127.0.0.1:$PORT/feed" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).posts.length))')
[ "$posts" = 20 ] || { echo "quick start: /feed returned $posts posts, expected 20"; exit 1; }

supervisor=$(node -e "console.log(require('$LAB_STATE_DIR/lab.json').supervisorPid)")
kill -INT "$supervisor"
for _ in $(seq 1 200); do kill -0 "$supervisor" 2> /dev/null || break; sleep 0.1; done
if kill -0 "$supervisor" 2> /dev/null; then echo "quick start: the lab did not stop on Ctrl-C"; exit 1; fi
left=$(node -e '
  const fs = require("fs"); let n = 0;
  for (const pid of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)) {
    try { if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(process.argv[1])) n++; } catch {}
  }
  console.log(n);' "$LAB_STATE_DIR")
[ "$left" = 0 ] || { echo "quick start: $left process(es) left running after Ctrl-C"; exit 1; }
grep -E "ready in|Seeded|unindexed" "$log" || true
printf 'quick start: ready in %.1f s from a fresh clone, /feed served 20 posts, Ctrl-C left nothing running\n' "$(echo "$ready - $started" | bc)"
