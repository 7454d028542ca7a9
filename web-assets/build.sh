#!/bin/sh
# Rebuild the third-party browser assets of the workbench into src/demograph/web/static/vendor/.
# The output is committed, so neither `make test` nor a server ever needs npm or a network;
# run this (needs Node 18+ and the npm registry) after changing package.json, then commit
# package-lock.json and the vendor/ folder together.
set -eu
cd "$(dirname "$0")"
OUT=../src/demograph/web/static/vendor

npm ci --no-audit --no-fund --ignore-scripts

rm -rf "$OUT"
mkdir -p "$OUT/yasgui" "$OUT/cytoscape"

# The packages ship minified browser builds; they are copied as published (no re-bundling),
# less the source-map comment, because the maps (3.6 MB) are not shipped.
strip_map() { sed -e 's|//# sourceMappingURL=[^ ]*$||' "$1" > "$2"; }
strip_map node_modules/@zazuko/yasgui/build/yasgui.min.js "$OUT/yasgui/yasgui.min.js"
sed -e 's|/\*# sourceMappingURL=[^*]*\*/||' node_modules/@zazuko/yasgui/build/yasgui.min.css \
  > "$OUT/yasgui/yasgui.min.css"
cp node_modules/cytoscape/dist/cytoscape.min.js "$OUT/cytoscape/cytoscape.min.js"

# Each bundle carries its dependencies' code, so each carries their licences: every package
# in its production dependency tree, with name, version, licence and the licence text.
node licences.mjs @zazuko/yasgui > "$OUT/yasgui/LICENSES.txt"
node licences.mjs cytoscape > "$OUT/cytoscape/LICENSES.txt"

cat > "$OUT/README.md" <<NOTE
Third-party browser assets, built by web-assets/build.sh from web-assets/package-lock.json.
Do not edit by hand. Each folder's LICENSES.txt has the licence of every package its file
contains.

| file | package | licence |
|---|---|---|
| yasgui/yasgui.min.js, yasgui/yasgui.min.css | @zazuko/yasgui $(node -p "require('./node_modules/@zazuko/yasgui/package.json').version") (YASQE editor, YASR results) | MIT |
| cytoscape/cytoscape.min.js | cytoscape $(node -p "require('./node_modules/cytoscape/package.json').version") | MIT |
NOTE
echo "vendor assets written to $OUT"
