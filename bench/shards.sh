#!/usr/bin/env bash
# Times a check of every port of the go toolchain as one run and as N
# shards run one after the other (as N CI jobs would run side by side),
# then their merge, and checks that the merge equals the single run.
#
#   bash bench/shards.sh [MODULE@VERSION] [N]     (default golang.org/x/tools@v0.52.0, 4)
#
# Each run starts with empty crossls caches, as a CI job without a cache
# hit does. Prints a Markdown table: wall time and peak RSS per run.
# KEEP=1 keeps the module, the outputs and the caches.
set -euo pipefail

mod=${1:-golang.org/x/tools@v0.52.0}
n=${2:-4}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/crossls-shards.XXXXXX")
if [ -z "${KEEP:-}" ]; then
	trap 'rm -rf "$tmp"' EXIT
else
	echo "keeping $tmp" >&2
fi

(cd "$repo" && go build -o "$tmp/crossls" ./cmd/crossls)
src=$(cd "$tmp" && go mod download -json "$mod" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
cp -r "$src" "$tmp/mod"
chmod -R u+w "$tmp/mod"
(cd "$tmp/mod" && go mod download)
targets=$(go tool dist list | paste -sd, -)
count=$(go tool dist list | wc -l)

# timed NAME ARGS...: runs crossls in the module with fresh caches,
# recording wall seconds and peak RSS.
timed() {
	local name=$1
	shift
	local cache="$tmp/cache-$name"
	mkdir -p "$cache"
	local start end
	start=$(date +%s.%N)
	(cd "$tmp/mod" && XDG_CACHE_HOME="$cache" /usr/bin/time -f '%M' -o "$tmp/$name.rss" \
		"$tmp/crossls" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err") || [ $? -eq 1 ]
	end=$(date +%s.%N)
	printf '| %s | %.1f s | %d MiB |\n' "$name" "$(echo "$end - $start" | bc)" $(($(tail -1 "$tmp/$name.rss") / 1024))
}

echo "$mod, $count targets (every port of $(go env GOVERSION)), $(nproc) cores"
echo
echo "| run | wall | peak RSS |"
echo "|---|---|---|"
timed single check -json -targets "$targets" ./...
shards=()
for i in $(seq 1 "$n"); do
	timed "shard-$i-of-$n" check -json -targets "$targets" -shard "$i/$n" ./...
	shards+=("$tmp/shard-$i-of-$n.out")
done
start=$(date +%s.%N)
"$tmp/crossls" merge "${shards[@]}" >"$tmp/merged.out" || [ $? -eq 1 ]
end=$(date +%s.%N)
printf '| merge | %.2f s | |\n' "$(echo "$end - $start" | bc)"
echo
if cmp -s "$tmp/single.out" "$tmp/merged.out"; then
	echo "The merge is byte-identical to the single run ($(wc -c <"$tmp/single.out") bytes)."
else
	echo "The merge DIFFERS from the single run."
	exit 1
fi
