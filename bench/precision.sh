#!/usr/bin/env bash
# Measures the precision of crossls's findings on real modules, and those
# of an earlier revision beside them.
#
#   bash bench/precision.sh [REV] [crossbench flags...]
#
# Builds crossls from the work tree and, when REV is given, from that
# revision (git archive, so the work tree is left alone), then runs the
# precision part of crossbench and writes bench/results/<date>-precision.md.
set -euo pipefail

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$bench")

rev=
if [[ $# -gt 0 && $1 != -* ]]; then
	rev=$1
	shift
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/crossprecision.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "building crossls and crossbench" >&2
(cd "$repo" && go build -o "$tmp/crossls" ./cmd/crossls && go build -o "$tmp/crossbench" ./bench/cmd/crossbench)
args=()
if [[ -n $rev ]]; then
	echo "building crossls at $rev" >&2
	mkdir "$tmp/before"
	git -C "$repo" archive "$rev" | tar -x -C "$tmp/before"
	(cd "$tmp/before" && go build -o "$tmp/crossls-before" ./cmd/crossls)
	args+=(-before "$tmp/crossls-before" -before-label "crossls $(git -C "$repo" rev-parse --short "$rev")")
fi

label=$(cd "$repo" && git describe --always --dirty 2>/dev/null || echo unknown)
out="$bench/results/$(date -u +%Y-%m-%d)-precision.md"
"$tmp/crossbench" -parts precision -crossls "$tmp/crossls" -work "$tmp/work" -label "crossls $label" -out "$out" "${args[@]}" "$@"
