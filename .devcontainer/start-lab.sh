#!/usr/bin/env bash
# Starts the lab in the background when the dev container starts. Its output goes to
# .lab/lab.log; `tail -f .lab/lab.log` follows it. To run it in a terminal instead:
# stop it (kill -INT "$(jq .supervisorPid .lab/lab.json)") and run `npm start`.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .lab
nohup setsid npm start > .lab/lab.log 2>&1 < /dev/null &
echo "The lab is starting in the background; follow it with: tail -f .lab/lab.log"
