#!/usr/bin/env bash
# The whole test suite: Go tests (unit, analyzers, oracle against go build,
# build runner, language server), then the editor integrations end to end
# in a real VS Code and real Neovims. Installs what it needs (Debian and
# npm packages) when missing. Prints one line per suite and a final
# "suites: N passed, M failed".
set -u
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$PATH:$(go env GOPATH)/bin"

passed=0
failed=0
failures=()
suite() {
  local name=$1
  shift
  echo "=== suite $name: $*"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "=== suite $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "=== suite $name: FAILED ($((SECONDS - start)) s)"
  fi
}

lint() {
  local bad
  # Test data for the format analyzer is unformatted on purpose.
  bad=$(gofmt -l $(git ls-files '*.go' | grep -v '/testdata/') 2>&1)
  if [ -n "$bad" ]; then
    echo "gofmt -l reports:"
    echo "$bad"
    return 1
  fi
  go vet ./...
}

# Tools the Go tests use: actionlint (with shellcheck, which it runs on the
# scripts of a workflow) for the workflow crossls ci github writes, and the
# SARIF validators (the SARIF 2.1.0 schema with ajv, and the SARIF
# Multitool) for crossls check -format sarif. Their tests skip, saying so,
# when a tool is missing; this suite fails then.
tools() {
  local ok=0
  if [ "$(actionlint -version 2>/dev/null | head -1)" != v1.7.12 ]; then
    go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 || ok=1
  fi
  if ! command -v shellcheck >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck; } >/dev/null || ok=1
  fi
  if (cd .ci/tools && npm ci --no-audit --no-fund >/dev/null); then
    chmod u+x .ci/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
    export CROSSLS_SARIF_TOOLS="$root/.ci/tools"
  else
    ok=1
  fi
  return $ok
}

suite lint lint
suite tools tools
# Every test, the oracles against go build at full size among them; then
# the driver, the analyzers and the server again under the race detector,
# without the oracles' long runs (-short), which build more than they race.
suite go-test go test -count=1 -timeout 60m ./...
suite go-test-race go test -race -short -count=1 -timeout 45m ./analysis/... ./internal/... ./lsp/...
suite vscode-unit bash -c 'cd editors/vscode && npm ci --no-audit --no-fund >/dev/null && npm test'
suite vscode-e2e bash editors/vscode/test/e2e.sh
suite nvim-e2e bash editors/nvim/test/run.sh

echo
if [ "$failed" -gt 0 ]; then
  echo "failed suites: ${failures[*]}"
fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
