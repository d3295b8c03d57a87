#!/usr/bin/env bash
# Builds the extension into crossls-<version>.vsix (or the path given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/vsce ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund
fi
version=$(node -p 'require("./package.json").version')
out=${1:-crossls-$version.vsix}
# vscode:prepublish builds the minified bundle; dependencies are bundled,
# so --no-dependencies. README links are relative to this directory.
repo=https://github.com/crossls/crossls
npx vsce package --no-dependencies --skip-license \
	--baseContentUrl "$repo/blob/HEAD/editors/vscode" --baseImagesUrl "$repo/raw/HEAD/editors/vscode" \
	--out "$out"
echo "$out"
