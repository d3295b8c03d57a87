#!/usr/bin/env bash
# End-to-end test of the Neovim plugin with the real crossls server, on
# Debian's Neovim 0.7 (installed with apt when missing) and on a current
# Neovim (0.11+) unpacked from Debian's newer suite into a local cache
# without installing it. Prints "N passed, M failed" and exits non-zero on
# any failure.
#
# Environment:
#   NVIM_OLD            Neovim 0.7-0.10 to test (default: nvim on PATH, else apt's)
#   NVIM_NEW            Neovim 0.11+ to test (default: unpacked into .cache)
#   CROSSLS_NVIM_SUITE  Debian suite to take the new Neovim from (default: sid,
#                       else testing)
#   CROSSLS_NVIM_EXTRA_SUITES
#                       more Debian suites to test, e.g. "trixie" (Neovim 0.10)
#   CROSSLS_BIN         crossls binary to test (default: built from this repository)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
plugin=$(dirname "$here")
repo=$(cd "$plugin/../.." && pwd)
cache=$plugin/.cache
mkdir -p "$cache"

log() { printf '== %s\n' "$*" >&2; }

# old_nvim prints the path of a pre-0.11 Neovim, installing Debian's when
# there is none.
old_nvim() {
	if [ -n "${NVIM_OLD:-}" ]; then
		echo "$NVIM_OLD"
		return
	fi
	if ! command -v nvim >/dev/null; then
		log "installing Debian's neovim"
		apt-get update -qq >&2
		apt-get -o DPkg::Lock::Timeout=300 install -y -qq neovim >&2
	fi
	command -v nvim
}

# link_nvim_lib lets the Neovim unpacked in $1 find its tree-sitter parsers
# (usr/lib/nvim/parser: markdown for hovers, ...). Neovim looks for them in
# the compiled-in /usr/lib/nvim, absent here, else in lib/nvim beside the
# directory of its executable, which for a Neovim run by its dynamic loader
# is the loader's: usr/lib/x86_64-linux-gnu, so usr/lib/lib/nvim.
link_nvim_lib() {
	mkdir -p "$1/prefix/usr/lib/lib"
	ln -sfn ../nvim "$1/prefix/usr/lib/lib/nvim"
}

# debian_nvim prints the path of a wrapper running the Neovim of Debian
# suite $1, unpacked into $cache/nvim-$1. The system's apt state and libc
# stay untouched: apt works on private lists and the binary runs under its
# own dynamic loader.
debian_nvim() {
	local suite=$1
	local dir=$cache/nvim-$suite
	local wrapper=$dir/nvim
	if [ -x "$wrapper" ] && "$wrapper" --version >/dev/null 2>&1; then
		link_nvim_lib "$dir"
		echo "$wrapper"
		return
	fi
	log "unpacking Neovim from Debian $suite into $dir"
	rm -rf "$dir"
	mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs" "$dir/prefix"
	# Reuse the mirror the system already uses for Debian.
	local mirror
	mirror=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	if [ -z "$mirror" ]; then
		mirror=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
	fi
	if [ -z "$mirror" ]; then
		echo "run.sh: no Debian mirror found in the apt sources; set NVIM_NEW" >&2
		return 1
	fi
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$dir/apt/sources.list"
	local apt_opts=(
		-o "Dir::Etc::sourcelist=$dir/apt/sources.list"
		-o "Dir::Etc::sourceparts=-"
		-o "Dir::State::Lists=$dir/apt/lists"
		-o "Dir::Cache=$dir/apt/cache"
	)
	apt-get "${apt_opts[@]}" update -qq >&2
	# Neovim and its whole dependency closure in that suite (libc included),
	# so the names follow the suite as packages get renamed.
	local pkgs
	pkgs=$(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances neovim |
		grep -v '^ ' | grep -v '^<' | sort -u | sed "s|\$|/$suite|")
	(cd "$dir/debs" && apt-get "${apt_opts[@]}" download $pkgs >&2)
	local deb
	for deb in "$dir"/debs/*.deb; do
		dpkg -x "$deb" "$dir/prefix"
	done
	local lib=$dir/prefix/usr/lib/x86_64-linux-gnu
	cat >"$wrapper" <<WRAP
#!/bin/sh
VIMRUNTIME='$dir/prefix/usr/share/nvim/runtime' exec '$lib/ld-linux-x86-64.so.2' --library-path '$lib' '$dir/prefix/usr/bin/nvim' "\$@"
WRAP
	chmod +x "$wrapper"
	link_nvim_lib "$dir"
	rm -rf "$dir/debs" "$dir/apt"
	# Callers may run this with errexit off (in ||): check the result.
	if ! "$wrapper" --version >/dev/null 2>&1; then
		echo "run.sh: could not unpack a working Neovim from Debian $suite" >&2
		rm -rf "$dir"
		return 1
	fi
	echo "$wrapper"
}

# Keep Go's caches where they are although XDG_CACHE_HOME moves below.
export GOCACHE=${GOCACHE:-$(go env GOCACHE)}
export GOMODCACHE=${GOMODCACHE:-$(go env GOMODCACHE)}
export GOFLAGS=${GOFLAGS:-}

# Write the binary under a new name and rename it into place: a server of a
# previous run may still be exiting and hold the old file open.
mkdir -p "$cache/bin"
if [ -n "${CROSSLS_BIN:-}" ]; then
	cp "$CROSSLS_BIN" "$cache/bin/crossls.new"
else
	log "building crossls"
	(cd "$repo" && go build -o "$cache/bin/crossls.new" ./cmd/crossls)
fi
mv -f "$cache/bin/crossls.new" "$cache/bin/crossls"

old=$(old_nvim)
# sid can be mid-transition (uninstallable for a while): fall back to testing.
new=${NVIM_NEW:-$(debian_nvim "${CROSSLS_NVIM_SUITE:-sid}" || debian_nvim testing)}

# api_for prints the client API path the plugin must pick on a Neovim.
api_for() {
	local v major minor
	v=$("$1" --version | head -n1 | sed -E 's/^NVIM v([0-9]+)\.([0-9]+).*/\1 \2/')
	read -r major minor <<<"$v"
	if [ "$major" -eq 0 ] && [ "$minor" -lt 8 ]; then
		echo start_client
	elif [ "$major" -eq 0 ] && [ "$minor" -lt 11 ]; then
		echo start
	else
		echo config
	fi
}

if [ "$(api_for "$new")" != config ]; then
	echo "run.sh: $new is not Neovim 0.11+: $("$new" --version | head -n1)" >&2
	exit 1
fi

total_passed=0
total_failed=0

# run_lua runs test script $4 headless on Neovim $2 in the scratch tree $3
# and adds its "N passed, M failed" to the totals.
run_lua() {
	local label=$1 nvim=$2 run=$3 script=$4 api=$5
	local name
	name=$(basename "$script" .lua)
	mkdir -p "$run/xdg/config" "$run/xdg/data" "$run/xdg/state" "$run/xdg/cache" "$run/tmp" "$run/scratch"
	cp -r "$here/fixture" "$run/ws"
	cp -r "$here/fixture" "$run/ws2"
	cp -r "$here/fixture-gowork" "$run/gowork"
	local status=0
	env \
		XDG_CONFIG_HOME="$run/xdg/config" XDG_DATA_HOME="$run/xdg/data" \
		XDG_STATE_HOME="$run/xdg/state" XDG_CACHE_HOME="$run/xdg/cache" \
		TMPDIR="$run/tmp" PATH="$cache/bin:$PATH" \
		CROSSLS_PLUGIN_DIR="$plugin" CROSSLS_BIN="$cache/bin/crossls" \
		CROSSLS_WS="$run/ws" CROSSLS_WS2="$run/ws2" CROSSLS_SCRATCH="$run/scratch" \
		CROSSLS_GOWORK="$run/gowork" \
		CROSSLS_EXPECT_API="$api" \
		timeout -k 5 240 "$nvim" --headless -u "$here/minimal_init.lua" -i NONE -n \
		-c "lua local ok, e = pcall(dofile, '$script') if not ok then io.stdout:write('FAIL $name.lua: ' .. tostring(e) .. '\\n') vim.cmd('cquit 2') end" \
		>"$run/out.log" 2>"$run/err.log" || status=$?
	sed "s/^/[$label $name] /" "$run/out.log"
	local line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$run/out.log" | tail -n1 || true)
	if [ -z "$line" ]; then
		echo "[$label $name] no result line (exit $status); stderr:" >&2
		tail -n 20 "$run/err.log" >&2
		total_failed=$((total_failed + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed}
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
	# The plugin must not use APIs this Neovim deprecates.
	if grep -i 'deprecated' "$run/err.log" >&2; then
		echo "[$label $name] FAIL deprecation warnings above" >&2
		total_failed=$((total_failed + 1))
	fi
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "[$label $name] Neovim exited $status" >&2
		total_failed=$((total_failed + 1))
	fi
}

# CROSSLS_NVIM_TESTS, e.g. "matrix", runs only those test scripts.
want_test() { [ -z "${CROSSLS_NVIM_TESTS:-}" ] || [[ " $CROSSLS_NVIM_TESTS " == *" $1 "* ]]; }

# run_suite runs the tests on one Neovim, each in a fresh scratch tree.
run_suite() {
	local label=$1 nvim=$2
	local api
	api=$(api_for "$nvim")
	log "$label: $("$nvim" --version | head -n1)"
	rm -rf "$cache/run/$label"
	want_test e2e && run_lua "$label" "$nvim" "$cache/run/$label/e2e" "$here/e2e.lua" "$api"
	want_test gowork && run_lua "$label" "$nvim" "$cache/run/$label/gowork" "$here/gowork.lua" "$api"
	want_test matrix && run_lua "$label" "$nvim" "$cache/run/$label/matrix" "$here/matrix.lua" "$api"
	if [ "$api" = config ] && want_test enable; then
		run_lua "$label" "$nvim" "$cache/run/$label/enable" "$here/enable.lua" "$api"
	fi
}

# screen_test drives a real Neovim $2 (its TUI, not headless) in tmux as a
# user would, typing :CrosslsMatrix, <CR> on a failing cell, :edit and a
# hover; it checks what the screen shows (the text and the colours of the
# grid's highlight groups) and keeps each view as text and as a PNG
# (rendered by headless Chromium) in test/artifacts/$1-*.
screen_test() {
	local label=$1 nvim=$2
	local run=$cache/run/$label/screen artifacts=$here/artifacts
	local missing=()
	command -v tmux >/dev/null || missing+=(tmux)
	command -v chromium >/dev/null || missing+=(chromium)
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]}"
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >&2
	fi
	rm -rf "$run" "$artifacts"/"$label"-*
	mkdir -p "$run/xdg/config" "$run/xdg/data" "$run/xdg/state" "$run/xdg/cache" "$run/tmp" "$artifacts"
	cp -r "$here/fixture" "$run/ws"
	local sock=$run/tmux.sock
	local vars=(
		XDG_CONFIG_HOME="$run/xdg/config" XDG_DATA_HOME="$run/xdg/data"
		XDG_STATE_HOME="$run/xdg/state" XDG_CACHE_HOME="$run/xdg/cache" TMPDIR="$run/tmp"
		COLORTERM=truecolor CROSSLS_PLUGIN_DIR="$plugin" CROSSLS_BIN="$cache/bin/crossls"
		CROSSLS_SCREEN_COLOURS="$run/colours"
	)
	local nvim_args=(-u "$here/minimal_init.lua" -i NONE -n -c "lua dofile('$here/screen.lua')")
	local ui server_pid=
	if "$nvim" --headless -u NONE -i NONE -n -c 'if has("nvim-0.9") | qall! | else | cquit! | endif' </dev/null >/dev/null 2>&1; then
		# Neovim 0.9+: start the server here and attach a TUI to it
		# (--remote-ui). A TUI started the usual way runs its server as
		# `v:progpath --embed`, which fails for a Neovim run by its own
		# dynamic loader (the unpacked one): its progpath is the loader.
		(cd "$run/ws" && exec env "${vars[@]}" "$nvim" --headless --listen "$run/nvim.sock" "${nvim_args[@]}") \
			>"$run/server.log" 2>&1 &
		server_pid=$!
		local i
		for ((i = 0; i < 100; i++)); do
			[ -S "$run/nvim.sock" ] && break
			sleep 0.1
		done
		ui=(env "${vars[@]}" "$nvim" --server "$run/nvim.sock" --remote-ui)
	else
		ui=(env "${vars[@]}" "$nvim" "${nvim_args[@]}")
	fi
	tmux -S "$sock" -f /dev/null new-session -d -s screen -x 100 -y 26 -c "$run/ws" "${ui[@]}"

	screen_now() { tmux -S "$sock" capture-pane -p -t screen 2>/dev/null; }
	keys() { tmux -S "$sock" send-keys -t screen "$@" || true; }
	ok() {
		echo "[$label screen] ok   $1"
		total_passed=$((total_passed + 1))
	}
	fail() {
		echo "[$label screen] FAIL $1" >&2
		total_failed=$((total_failed + 1))
	}
	wait_screen() { # wait_screen [-gone] TEXT: until the screen shows (or no longer shows) TEXT, 60 s at most
		local gone=0 i
		if [ "$1" = -gone ]; then
			gone=1
			shift
		fi
		for ((i = 0; i < 300; i++)); do
			if screen_now | grep -qF -- "$1"; then
				[ "$gone" -eq 0 ] && return 0
			elif [ "$gone" -eq 1 ]; then
				return 0
			fi
			sleep 0.2
		done
		echo "[$label screen] timed out waiting for the screen to $([ "$gone" -eq 1 ] && echo 'drop' || echo 'show'): $1; it shows:" >&2
		screen_now >&2 || true
		return 1
	}
	shot() { # shot VIEW: keeps the screen as artifacts/LABEL-VIEW.{txt,png}
		sleep 0.5 # the last redraw reaches tmux
		tmux -S "$sock" capture-pane -e -p -t screen >"$run/$1.ansi" || true
		local cursor
		cursor=$(tmux -S "$sock" display-message -p -t screen '#{cursor_x},#{cursor_y}' || true)
		sed 's/\x1b\[[0-9;:]*m//g' "$run/$1.ansi" >"$artifacts/$label-$1.txt"
		python3 "$here/screen.py" html "$run/$1.ansi" "$run/$1.html" "crossls $1" $cursor &&
			timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=880,490 \
				--screenshot="$artifacts/$label-$1.png" "file://$run/$1.html" >/dev/null 2>&1 ||
			fail "could not render $label-$1.png"
	}
	shows() { # shows VIEW TEXT: the capture of VIEW shows TEXT (Markdown's backquotes aside)
		if tr -d '`' <"$artifacts/$label-$1.txt" | grep -qF -- "$2"; then
			ok "the $1 view shows: $2"
		else
			fail "the $1 view does not show: $2"
		fi
	}
	coloured() { # coloured VIEW ROW TEXT GROUP: TEXT in the line with ROW has GROUP's colour
		local want got
		want=$(awk -v g="$4" '$1 == g { print $2 }' "$run/colours" || true)
		got=$(python3 "$here/screen.py" colour "$run/$1.ansi" "$2" "$3" 2>&1 || true)
		if [ -n "$want" ] && [ "$want" != default ] && [ "$got" = "$want" ]; then
			ok "the $1 view draws '$3' in $4 ($want)"
		else
			fail "the $1 view draws '$3' in ${got:-nothing}, not in $4 (${want:-undefined})"
		fi
	}

	# The server has checked main.go when its finding shows at the end of
	# line 7.
	if wait_screen '[windows/amd64] undefined: platformName'; then
		keys ':CrosslsMatrix' Enter
		if wait_screen 'example.com/app  ok'; then
			shot matrix
			shows matrix 'crossls: 1 package x 4 targets, 2 failing'
			shows matrix 'package          linux/amd64  linux/arm64  windows/amd64  linux/386'
			shows matrix 'example.com/app  ok           ok           FAIL           FAIL'
			coloured matrix 'package  ' 'linux/arm64' CrosslsMatrixHeader
			coloured matrix 'example.com/app' 'ok ' CrosslsMatrixOk
			coloured matrix 'example.com/app' 'FAIL' CrosslsMatrixFail
			if [ "$(awk '$1 == "CrosslsMatrixOk" { print $2 }' "$run/colours" || true)" != \
				"$(awk '$1 == "CrosslsMatrixFail" { print $2 }' "$run/colours" || true)" ]; then
				ok "ok and FAIL cells have different colours"
			else
				fail "ok and FAIL cells have the same colour"
			fi
			# The cursor starts on the package's row: to its first FAIL
			# (windows/amd64) and <CR>.
			keys fF Enter
			if wait_screen -gone 'example.com/app  ok'; then
				shot jump
				# Line 7 byte 28 (virtual column 35 after the tab): platformName.
				shows jump '7,28-35'
			else
				fail "<CR> on the windows/amd64 cell closes the grid"
			fi
		else
			fail ":CrosslsMatrix shows the grid"
		fi
		keys Escape
		sleep 0.2
		keys ':edit platform_linux.go' Enter
		if wait_screen 'builds for 3 of 4 targets'; then
			keys gg0 ':lua vim.lsp.buf.hover()' Enter
			if wait_screen 'file name suffix'; then
				shot hover
				shows hover 'builds for 3 of 4 targets — not windows/amd64'
				shows hover 'platform_linux.go builds for 3 of 4 targets'
				shows hover 'not for windows/amd64: file name suffix _linux'
			else
				fail "a hover on the package clause of platform_linux.go"
			fi
		else
			fail "the code lens of platform_linux.go"
		fi
	else
		fail "crossls checks main.go"
	fi
	keys Escape
	sleep 0.2
	keys ':qa!' Enter
	local i
	for ((i = 0; i < 50; i++)); do
		tmux -S "$sock" has-session -t screen 2>/dev/null || break
		sleep 0.1
	done
	tmux -S "$sock" kill-server 2>/dev/null || true
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
}

run_suite nvim-old "$old"
want_test screen && screen_test nvim-old "$old"
run_suite nvim-new "$new"
want_test screen && screen_test nvim-new "$new"
for suite in ${CROSSLS_NVIM_EXTRA_SUITES:-}; do
	extra=$(debian_nvim "$suite")
	run_suite "nvim-$suite" "$extra"
done

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
