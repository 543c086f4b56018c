#!/usr/bin/env sh
# ASK CLI build hook (macOS, Linux). `ask deploy` runs it in its copy of lambda/ (.ask/lambda/)
# as: hooks/build.sh ZIP_PATH VERBOSE. It must leave the Lambda zip at ZIP_PATH; the work is
# done by ops/deploy/buildHook.ts with the project's own tsx, from the project root.
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
exec "$ROOT/node_modules/.bin/tsx" "$ROOT/ops/deploy/buildHook.ts" "$@"
