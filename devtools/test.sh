#!/usr/bin/env sh
# npm test: the Node check, then the two type checks beside vitest instead of before it (tsc is
# single-threaded, and vitest leaves a core idle while tests wait on child processes and deadlines).
# Arguments go to vitest. Type errors are printed after vitest's report; either failure fails the run.
set -u
sh "$(dirname "$0")/repositoryChecks/nodeBinary.sh" || exit 1
types_log="$(mktemp)"
(tsc --noEmit && tsc --noEmit -p devtools/console/page) >"$types_log" 2>&1 &
types=$!
# A background job in sh ignores Ctrl-C: stop it, and remove its log, however this script ends.
trap 'kill "$types" 2>/dev/null; rm -f "$types_log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
vitest run "$@"
tests=$?
wait "$types"
typed=$?
if [ "$typed" -ne 0 ]; then
  cat "$types_log"
  echo "The type check failed (npm run typecheck runs it alone)." >&2
fi
[ "$tests" -eq 0 ] && [ "$typed" -eq 0 ]
