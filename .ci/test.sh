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

suite lint lint
# Every test, the oracles against go build at full size among them; then
# the driver, the analyzers and the server again under the race detector,
# without the oracles' long runs (-short), which build more than they race.
suite go-test go test -count=1 -timeout 45m ./...
suite go-test-race go test -race -short -count=1 -timeout 45m ./analysis/... ./lsp/...
suite vscode-unit bash -c 'cd editors/vscode && npm ci --no-audit --no-fund >/dev/null && npm test'
suite vscode-e2e bash editors/vscode/test/e2e.sh
suite nvim-e2e bash editors/nvim/test/run.sh

echo
if [ "$failed" -gt 0 ]; then
  echo "failed suites: ${failures[*]}"
fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
