#!/usr/bin/env bash
# Runs coreclaw for the action (action.yml) with its args: the words after
# `coreclaw` on a command line, read by bash, so quotes and redirections
# work as they do in a run: step. The args are the workflow author's, as a
# run: script is; never put untrusted text (an issue title, a branch name)
# in them: pass it through env instead. The API key comes from the
# environment (CORECLAW_API_KEY). coreclaw's exit status is the step's.
set -euo pipefail
coreclaw="${ACTION_CORECLAW:?the install step names the binary}"
eval "\"\$coreclaw\" $ACTION_ARGS"
