#!/usr/bin/env bash
# Runs each time the container starts, before VS Code connects (waitFor: postStartCommand), so
# before the `npm start` task. A container stopped while the lab ran (a Codespace stops when
# idle) leaves PostgreSQL's lock file behind, naming a process id of the old container. Process
# ids start again from 1 in the new one, so that id may now be another process, which the lab
# would take for a server still running (and signal). No PostgreSQL runs yet at this point, so
# the file is stale: remove it, as PostgreSQL itself would for an id that no longer exists.
cd "$(dirname "$0")/.."
if ! pgrep -x postgres > /dev/null; then
  rm -f .lab/pgdata/postmaster.pid
fi
