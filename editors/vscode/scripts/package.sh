#!/usr/bin/env bash
# Builds the extension into crossls-<version>.vsix (or the path given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/vsce ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund
fi
version=$(node -p 'require("./package.json").version')
out=${1:-crossls-$version.vsix}
# vscode:prepublish builds the minified bundle. The extension has no LICENSE
# file of its own (see README); dependencies are bundled, so --no-dependencies.
npx vsce package --no-dependencies --skip-license --allow-missing-repository --out "$out"
echo "$out"
