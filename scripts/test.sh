#!/usr/bin/env bash
# Runs every test Smail has, in order of speed: the browser code's type check, lint and unit tests,
# then the .NET unit and integration tests, then the whole page in headless Chromium.
# Ends with one line, "N passed, N failed", and a non-zero exit status if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
broken_steps=()
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

step() { printf '\n==> %s\n' "$1"; }
count() { # add the counts a runner printed
  passed=$((passed + ${1:-0}))
  failed=$((failed + ${2:-0}))
}

step "Installing the test engines when missing (Chromium, nginx: scripts/install-test-deps.sh)"
./scripts/install-test-deps.sh || broken_steps+=("install-test-deps")

step "Installing front-end packages (npm ci)"
npm ci --no-audit --no-fund || broken_steps+=("npm ci")

step "Type-checking the browser code (tsc --checkJs)"
npx --no-install tsc -p jsconfig.json || broken_steps+=("tsc")

step "Linting the browser code (eslint)"
npx --no-install eslint src/Smail/wwwroot/js tests/js eslint.config.js || broken_steps+=("eslint")

step "JavaScript unit tests (node --test)"
node --test --test-reporter=spec tests/js/ 2>&1 | tee "$log_dir/node.txt"
node_status=${PIPESTATUS[0]}
count "$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$log_dir/node.txt")" "$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$log_dir/node.txt")"
[ "$node_status" -eq 0 ] || broken_steps+=("node --test")

step "Building the solution"
dotnet build Smail.slnx --nologo -v:q || broken_steps+=("dotnet build")

# The .NET tests and the browser tests run side by side: the browser tests spend most of their time waiting
# for pages, and together they take about 55 s less than one after the other. Each one's output is printed
# whole when it ends, so the two do not interleave.
finish_dotnet_tests() { # pid, name, label
  wait "$1"
  local status=$?
  step "$3"
  cat "$log_dir/$2.txt"
  local summary
  summary=$(grep -E '^(Passed|Failed)!' "$log_dir/$2.txt" | tail -n 1)
  count "$(sed -n 's/.*Passed: *\([0-9]*\).*/\1/p' <<<"$summary")" "$(sed -n 's/.*Failed: *\([0-9]*\),.*/\1/p' <<<"$summary")"
  [ "$status" -eq 0 ] || broken_steps+=("$3")
}
step "Starting the .NET tests and the browser tests side by side"
dotnet test tests/Smail.Tests --no-build --nologo > "$log_dir/unit.txt" 2>&1 &
unit_pid=$!
dotnet test tests/Smail.BrowserTests --no-build --nologo > "$log_dir/browser.txt" 2>&1 &
browser_pid=$!
finish_dotnet_tests "$unit_pid" unit ".NET unit and integration tests (xunit, real Kestrel ports, Ollama emulator)"
finish_dotnet_tests "$browser_pid" browser "Browser tests (Playwright, Debian's headless Chromium)"

printf '\n'
if [ ${#broken_steps[@]} -gt 0 ]; then
  printf 'Failed steps: %s\n' "$(IFS=', '; echo "${broken_steps[*]}")"
fi
echo "$passed passed, $failed failed"
[ ${#broken_steps[@]} -eq 0 ] && [ "$failed" -eq 0 ]
