#!/bin/sh
# The node and V8 flags of one process of a service (`sh services/node-flags.sh <service>`), printed one a line:
# services/<service>/node-options for every process, then services/<service>/node-options.<queue> for each queue the
# process serves (WORKER_QUEUES, comma-separated; unset or empty: every queue, as the workers read it). A flag given
# twice takes its last value, so a process gets the settings of the most demanding queue it serves. The image's CMD
# (Dockerfile) runs this script, and test/stack/src/service-args.ts runs it for the sandbox, the bench and the tests.
dir="$(dirname "$0")/$1"
served=",$(printf '%s' "${WORKER_QUEUES:-}" | tr -d ' \t'),"
if [ -f "$dir/node-options" ]; then cat "$dir/node-options"; fi
for file in "$dir"/node-options.*; do
  if [ -f "$file" ]; then
    queue=${file##*/node-options.}
    case "$served" in
      ,, | *",$queue,"*) cat "$file" ;;
    esac
  fi
done
exit 0
