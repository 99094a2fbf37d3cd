#!/usr/bin/env bash
# Runs a README's quick start as a newcomer would, on this fresh clone: `npm install && npm start`
# at the root (Scenario 1) or in the scenario folder given as the argument, then GET the page the
# banner links to, then Ctrl-C — and checks nothing is left running.
# Uses its own ports and state folder so it cannot disturb a lab already running here.
set -euo pipefail
cd "$(dirname "$0")/.."
cd "${1:-.}"

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

# A first start seeds the data sized for this machine: Scenario 2's million orders take longest.
for _ in $(seq 1 1800); do
  grep -q 'Next: open' "$log" && break
  kill -0 "$npm_pid" 2> /dev/null || { cat "$log"; echo "quick start: npm start exited early"; exit 1; }
  sleep 0.1
done
grep -q 'Next: open' "$log" || { cat "$log"; echo "quick start: no banner within 180 s"; exit 1; }
ready=$(date +%s.%N)
# The banner's first link is the scenario's page; it must answer with a non-empty JSON list.
page=$(grep -oE "http://localhost:$PORT/[^ ]*" "$log" | head -1)
items=$(curl -sf "${page/localhost/127.0.0.1}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const body=JSON.parse(s);const list=Array.isArray(body)?body:Object.values(body).find(Array.isArray);console.log(list?list.length:0)})')
[ "$items" -gt 0 ] || { echo "quick start: $page answered no items"; exit 1; }

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
printf 'quick start (%s): ready in %.1f s from a fresh clone, %s served %s items, Ctrl-C left nothing running\n' "${1:-root}" "$(echo "$ready - $started" | bc)" "$page" "$items"
