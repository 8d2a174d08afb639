#!/usr/bin/env bash
# Rebuilds the vendored front end in enablement/static/govuk/ from pinned npm packages.
# The output is committed, so running the product and CI never need npm.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/../enablement/static/govuk"
govuk="$here/node_modules/govuk-frontend"

cd "$here"
npm ci --no-audit --no-fund

mkdir -p "$out"
npx sass --pkg-importer=node --style=compressed --no-source-map \
  src/enablement.scss "$out/enablement.css"
# The source map is not shipped, so drop the comment that would make browsers ask for it.
sed 's#//\# sourceMappingURL=.*$##' "$govuk/dist/govuk/govuk-frontend.min.js" \
  > "$out/govuk-frontend.min.js"
# GOV.UK Frontend's own images are the crown and GOV.UK icons, which a council
# service must not use; its fonts are GDS Transport, likewise. Only our own icon ships.
cp src/favicon.svg "$out/favicon.svg"
# The npm package ships no licence file, so src/ keeps a copy of the upstream one
# (MIT, per the package's "license" field); a file in the package wins if one appears.
licence="src/govuk-frontend-LICENCE.txt"
for candidate in "$govuk/LICENSE.txt" "$govuk/LICENSE" "$govuk/LICENCE.txt"; do
  if [[ -f "$candidate" ]]; then licence="$candidate"; break; fi
done
cp "$licence" "$out/LICENCE.txt"

{
  echo "govuk-frontend $(node -p "require('$govuk/package.json').version")"
  echo "sass $(node -p "require('$here/node_modules/sass/package.json').version")"
} > "$out/VERSION.txt"

echo "Built $out"
