#!/bin/sh
# Rebuild the committed, minified tracking scripts from src/script.js.
#
#   script.js      core (EXT=false), budget 1,024 bytes gzipped (tests/unit/tracker/test_size.py)
#   script.ext.js  core + extras (EXT=true)
#
# Needs Node and terser only here, at build time; Footfall serves the committed files and
# never runs Node. By default terser is taken from npx (installed into npm's cache, not
# into the repository); set TERSER=/path/to/terser to use another copy.
# Usage: sh src/footfall/collector/static/build.sh
set -eu
cd "$(dirname "$0")"
TERSER=${TERSER:-"npx --yes terser@5"}
OPTS="--ecma 5 --compress passes=3 --mangle --toplevel"
$TERSER src/script.js $OPTS --define EXT=false -o script.js
$TERSER src/script.js $OPTS --define EXT=true -o script.ext.js
for f in script.js script.ext.js; do
  printf '%-14s %5d bytes, %4d gzipped\n' "$f" "$(wc -c <"$f")" "$(gzip -9 <"$f" | wc -c)"
done
