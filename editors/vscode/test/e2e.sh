#!/usr/bin/env bash
# End-to-end test of the extension in a real VS Code: code-server (VS Code
# 1.100.3, from npm) with the packaged .vsix and the real crossls binary,
# driven by Debian's headless Chromium through playwright-core.
#
# It installs what it needs when missing (apt: chromium libkrb5-dev ripgrep curl;
# npm: code-server and playwright-core into editors/vscode/.e2e-cache) and
# reuses it afterwards. Screenshots go to editors/vscode/test/artifacts.
# The last line is "N passed, M failed"; the exit status is non-zero on failure.
set -euo pipefail

ext=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$ext/../.." && pwd)
cache=${CROSSLS_E2E_CACHE:-$ext/.e2e-cache}
artifacts=${CROSSLS_E2E_ARTIFACTS:-$ext/test/artifacts}
run=$cache/run
code_server_version=4.100.3
playwright_version=1.65.1

log() { printf '[e2e %s] %s\n' "$(date +%T)" "$*" >&2; }
fail_setup() {
	log "setup failed: $*"
	echo "0 passed, 1 failed"
	exit 1
}
trap 'fail_setup "command failed at line $LINENO"' ERR

# The Go caches stay where they are (a cold build cache costs minutes);
# everything else the editor, the browser and npm write stays in $run.
export GOCACHE GOMODCACHE
GOCACHE=$(go env GOCACHE)
GOMODCACHE=$(go env GOMODCACHE)
rm -rf "$run" "$artifacts"
mkdir -p "$run"/{xdg/config,xdg/data,xdg/cache,xdg/state,tmp,bin,extensions,phases} "$artifacts" "$cache/tmp"
export XDG_CONFIG_HOME=$run/xdg/config XDG_DATA_HOME=$run/xdg/data XDG_CACHE_HOME=$run/xdg/cache XDG_STATE_HOME=$run/xdg/state
export TMPDIR=$run/tmp

# System packages.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
command -v curl >/dev/null || missing+=(curl)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
	log "apt-get install ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# code-server and playwright-core, pinned: code-server 4.100.3 is the last to
# accept Node 20.
tools=$cache/tools
if [ ! -x "$tools/node_modules/.bin/code-server" ] ||
	[ ! -f "$tools/node_modules/playwright-core/package.json" ] ||
	[ ! -e "$tools/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]; then
	log "installing code-server $code_server_version and playwright-core $playwright_version"
	rm -rf "$tools"
	mkdir -p "$tools"
	cat >"$tools/package.json" <<JSON
{
  "private": true,
  "dependencies": {
    "code-server": "$code_server_version",
    "playwright-core": "$playwright_version"
  }
}
JSON
	# @vscode/ripgrep would download rg: give it Debian's from its cache.
	seed=$(mktemp -d)
	cp "$(command -v rg)" "$seed/rg"
	mkdir -p "$cache/tmp/vscode-ripgrep-cache-1.15.11"
	tar -czf "$cache/tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$seed" rg
	rm -rf "$seed"
	# nodedir: build native modules against /usr/include/node, no header
	# download; yes: node-pty's postinstall runs npx; unsafe_perm: code-server's
	# postinstall refuses root without it; code-server's postinstall runs
	# nested npm installs whose native modules must build, hence all scripts.
	(cd "$tools" && TMPDIR=$cache/tmp npm_config_nodedir=/usr npm_config_yes=true npm_config_unsafe_perm=true \
		npm_config_dangerously_allow_all_scripts=true \
		npm install --no-audit --no-fund --foreground-scripts >"$cache/install.log" 2>&1) ||
		fail_setup "npm install failed; see $cache/install.log"
fi

# The extension's own dependencies, the server and the .vsix.
if [ ! -x "$ext/node_modules/.bin/vsce" ]; then
	log "npm ci (extension)"
	(cd "$ext" && npm ci --no-audit --no-fund >/dev/null)
fi
if [ -n "${CROSSLS_E2E_SERVER:-}" ]; then
	cp "$CROSSLS_E2E_SERVER" "$run/bin/crossls" # a prebuilt server, for debugging
else
	log "go build ./cmd/crossls"
	(cd "$repo" && go build -o "$run/bin/crossls" ./cmd/crossls)
fi
log "packaging the extension"
bash "$ext/scripts/package.sh" "$run/crossls.vsix" >"$run/package.log" 2>&1 || fail_setup "packaging failed: $(tail -5 "$run/package.log")"

code_server=$tools/node_modules/.bin/code-server
# A stand-in for the Go extension (golang.go), for the phase that checks that
# crossls leaves formatting to it.
cp -R "$ext/test/e2e/fake-go-extension" "$run/fake-go"
(cd "$run/fake-go" && "$ext/node_modules/.bin/vsce" package --skip-license --allow-missing-repository --out "$run/fake-go.vsix" >"$run/package-fake-go.log" 2>&1) ||
	fail_setup "packaging the Go stand-in failed: $(tail -5 "$run/package-fake-go.log")"
# install_extensions DIR VSIX...
install_extensions() {
	local dir=$1
	shift
	for vsix in "$@"; do
		"$code_server" --extensions-dir "$dir" --install-extension "$vsix" >>"$run/install-extension.log" 2>&1 ||
			fail_setup "installing $vsix failed: $(tail -5 "$run/install-extension.log")"
	done
}
install_extensions "$run/extensions/crossls" "$run/crossls.vsix"
install_extensions "$run/extensions/crossls+go" "$run/crossls.vsix" "$run/fake-go.vsix"

# settings_json TRUST_ENABLED writes the user settings of one phase.
settings_json() {
	cat <<JSON
{
  "crossls.server.path": "$run/bin/crossls",
  "crossls.trace.server": "messages",
  "security.workspace.trust.enabled": $1,
  "security.workspace.trust.startupPrompt": "never",
  "security.workspace.trust.banner": "always",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "telemetry.telemetryLevel": "off",
  "editor.lightbulb.enabled": "on",
  "files.autoSave": "off",
  "window.restoreWindows": "none"
}
JSON
}
echo 'bind-addr: 127.0.0.1:0' >"$run/config.yaml"

server_pid=
stop_code_server() {
	[ -n "$server_pid" ] || return 0
	kill -TERM -- "-$server_pid" 2>/dev/null || true
	for _ in $(seq 1 20); do
		kill -0 -- "-$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$server_pid" 2>/dev/null || true
	server_pid=
}
cleanup() {
	stop_code_server
	find "$run/phases" -name code-server.log -exec sh -c 'cp "$1" "$2/$(basename "$(dirname "$1")")-code-server.log"' _ {} "$artifacts" \; 2>/dev/null || true
	for f in $(find "$run/phases" -path '*/logs/*' \( -name remoteexthost.log -o -name 'crossls*.log' \) 2>/dev/null); do
		phase=${f#"$run/phases/"}
		cp "$f" "$artifacts/${phase%%/*}-$(basename "$f")"
	done
}
trap cleanup EXIT
trap - ERR

passed=0
failed=0
# phase NAME TRUST_ENABLED EXTENSIONS [FIXTURE]: a fresh workspace (a copy of
# test/e2e/FIXTURE, default fixture) and profile, code-server with workspace
# trust enabled (Restricted Mode) or not and the extensions installed in
# $run/extensions/EXTENSIONS, and run.mjs in mode NAME.
phase() {
	local name=$1 trust=$2 extensions=$run/extensions/$3 fixture=${4:-fixture}
	local dir=$run/phases/$name
	mkdir -p "$dir/user-data/User"
	cp -R "$ext/test/e2e/$fixture" "$dir/app"
	settings_json "$trust" >"$dir/user-data/User/settings.json"
	local flags=()
	[ "$trust" = true ] || flags+=(--disable-workspace-trust)
	local port
	port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
	log "phase $name: code-server on 127.0.0.1:$port"
	setsid "$code_server" --config "$run/config.yaml" --auth none --bind-addr "127.0.0.1:$port" \
		--user-data-dir "$dir/user-data" --extensions-dir "$extensions" \
		--disable-telemetry --disable-update-check --disable-getting-started-override "${flags[@]}" \
		"$dir/app" >"$dir/code-server.log" 2>&1 &
	server_pid=$!
	for _ in $(seq 1 100); do
		curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
		sleep 0.2
	done
	if ! curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
		log "phase $name: code-server did not come up; see $artifacts/$name-code-server.log"
		failed=$((failed + 1))
		stop_code_server
		return
	fi
	CROSSLS_E2E_TOOLS=$tools \
		CROSSLS_E2E_MODE=$name \
		CROSSLS_E2E_URL="http://127.0.0.1:$port/?folder=$dir/app" \
		CROSSLS_E2E_WORKSPACE=$dir/app \
		CROSSLS_E2E_ARTIFACTS=$artifacts \
		CROSSLS_E2E_PROFILE=$dir/chromium-profile \
		CROSSLS_E2E_RESULT=$dir/result \
		node "$ext/test/e2e/run.mjs" || true
	stop_code_server
	if [ -f "$dir/result" ]; then
		read -r p f <"$dir/result"
		passed=$((passed + p))
		failed=$((failed + f))
	else
		failed=$((failed + 1))
	fi
}

# CROSSLS_E2E_PHASES, e.g. "trusted report", runs only those phases.
want_phase() { [ -z "${CROSSLS_E2E_PHASES:-}" ] || [[ " $CROSSLS_E2E_PHASES " == *" $1 "* ]]; }

# The trusted phase is the main one. In the untrusted one, VS Code's
# Restricted Mode must keep diagnostics and refuse builds, and with the Go
# extension present, Go formatting is left to it. The gowork phase opens a
# go.work root, which is no module, and files of its two modules.
want_phase trusted && phase trusted false crossls
want_phase untrusted && phase untrusted true crossls+go
# A go.work workspace of two modules, each with its own targets.
want_phase gowork && phase gowork false crossls fixture-gowork

# The HTML report of crossls check, loaded in the same Chromium.
report_phase() {
	local dir=$run/phases/report
	mkdir -p "$dir"
	cp -R "$ext/test/e2e/fixture-report" "$dir/shop"
	log "phase report: crossls check -format html"
	local code=0
	"$run/bin/crossls" check -C "$dir/shop" -format html -o "$dir/report.html" \
		-targets linux/amd64,linux/arm64,linux/386,linux/arm/v7,darwin/amd64,darwin/arm64,windows/amd64,windows/arm64,freebsd/amd64,openbsd/amd64,js/wasm,wasip1/wasm \
		./... >"$dir/check.log" 2>&1 || code=$?
	if [ "$code" -ne 1 ]; then
		log "phase report: crossls check exited $code, want 1: $(tail -5 "$dir/check.log")"
		failed=$((failed + 1))
		return
	fi
	cp "$dir/report.html" "$artifacts/report.html"
	# A module of 301 packages (one builds for linux only), checked for
	# every port of this Go: the report must stay readable at that size.
	local big=$dir/big i
	mkdir -p "$big/plat"
	printf 'module example.com/big\n\ngo 1.22\n' >"$big/go.mod"
	for ((i = 0; i < 300; i++)); do
		mkdir -p "$big/p$i"
		printf 'package p%d\n\nconst N = %d\n' "$i" "$i" >"$big/p$i/p.go"
	done
	printf 'package plat\n\nvar Name = name()\n' >"$big/plat/plat.go"
	printf 'package plat\n\nfunc name() string { return "linux" }\n' >"$big/plat/name_linux.go"
	code=0
	"$run/bin/crossls" check -C "$big" -nocache -format html -o "$dir/big.html" \
		-targets "$(go tool dist list | paste -sd, -)" ./... >"$dir/big.log" 2>&1 || code=$?
	if [ "$code" -ne 1 ]; then
		log "phase report: crossls check of the big module exited $code, want 1: $(tail -5 "$dir/big.log")"
		failed=$((failed + 1))
	fi
	CROSSLS_E2E_TOOLS=$tools \
		CROSSLS_E2E_REPORT=$dir/report.html \
		CROSSLS_E2E_BIG_REPORT=$dir/big.html \
		CROSSLS_E2E_ARTIFACTS=$artifacts \
		CROSSLS_E2E_RESULT=$dir/result \
		node "$ext/test/e2e/report.mjs" || true
	if [ -f "$dir/result" ]; then
		read -r p f <"$dir/result"
		passed=$((passed + p))
		failed=$((failed + f))
	else
		failed=$((failed + 1))
	fi
}
want_phase report && report_phase

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
