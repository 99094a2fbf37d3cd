#!/usr/bin/env bash
# Opens a file in the editor when VS Code attaches, e.g. the scenario's walkthrough, named from
# the workspace folder (Codespaces opens it through customizations.codespaces.openFiles as well).
# Does nothing where the `code` command is absent.
if command -v code > /dev/null 2>&1; then
  code --reuse-window "$1" || true
fi
