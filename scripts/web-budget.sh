#!/usr/bin/env bash
# The gzipped initial JavaScript of the web console's office shell and public
# report page against their budgets (350 KB and 120 KB; docs/performance.md).
# Builds the console first when web/ changed; exits 1 when a page is over.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CG_BUILD=${CG_BUILD:-$ROOT/build}
"$ROOT/scripts/stack.sh" web-build
exec node "$ROOT/web/scripts/budget.mjs" "$CG_BUILD/web"
