#!/usr/bin/env bash
# Opens the walkthrough in the editor when VS Code attaches (no-op where `code` is absent).
cd "$(dirname "$0")/.."
if command -v code > /dev/null 2>&1; then
  code --reuse-window SCENARIO.md || true
fi
