#!/usr/bin/env bash
# Runs the crossls performance benchmark and prints its tables.
#
#   bash bench/run.sh [--quick] [crossbench flags...]
#
# Builds crossls and the benchmark driver into a temporary directory,
# installs gopls (cached in bench/.cache), fetches the benchmark modules
# through the module proxy and writes the report to
# bench/results/<date>.md as well as stdout. See bench/README.md.
set -euo pipefail

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$bench")
gopls_version=v0.23.0

args=()
mode=full
for a in "$@"; do
	case "$a" in
	--quick | -quick) args+=(-quick); mode=quick ;;
	*) args+=("$a") ;;
	esac
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/crossbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "building crossls and crossbench" >&2
(cd "$repo" && go build -o "$tmp/crossls" ./cmd/crossls && go build -o "$tmp/crossbench" ./bench/cmd/crossbench && go build -o "$tmp/pkgpeer" ./bench/cmd/pkgpeer)

gopls="$bench/.cache/gopls-$gopls_version/gopls"
if [[ ! -x "$gopls" ]]; then
	echo "installing gopls $gopls_version into $(dirname "$gopls")" >&2
	# Outside the repository, so that its go.mod plays no part.
	(cd "$tmp" && GOBIN="$(dirname "$gopls")" GOTOOLCHAIN=local GOFLAGS=-mod=mod go install "golang.org/x/tools/gopls@$gopls_version")
fi

label=$(cd "$repo" && git describe --always --dirty 2>/dev/null || echo unknown)
out="$bench/results/$(date -u +%Y-%m-%d)-$mode.md"
"$tmp/crossbench" -crossls "$tmp/crossls" -gopls "$gopls" -pkgpeer "$tmp/pkgpeer" -work "$tmp/work" -label "crossls $label" -out "$out" "${args[@]}"
