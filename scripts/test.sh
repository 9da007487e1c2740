#!/usr/bin/env bash
# Runs every test Smail has, in order of speed: the browser code's type check, lint and unit tests,
# then the .NET unit and integration tests, then the whole page in headless Chromium.
# Ends with one line, "N passed, N failed", and a non-zero exit status if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

# Every .NET process of the test run (test hosts, the Smail processes they start) uses workstation GC without
# tiered PGO: on a small machine running a dozen .NET processes beside Chromium, server GC's heap and threads per
# core, and PGO's instrumented code, cost CPU the tests need. Production and the benchmarks keep Smail's own settings.
export DOTNET_gcServer=0 DOTNET_TieredPGO=0

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

# The front-end packages and the NuGet packages download at the same time.
step "Installing front-end packages (npm ci) and restoring NuGet packages"
npm ci --no-audit --no-fund > "$log_dir/npm.txt" 2>&1 &
npm_pid=$!
dotnet restore Smail.slnx --nologo -v:q || broken_steps+=("dotnet restore")
wait "$npm_pid" || broken_steps+=("npm ci")
cat "$log_dir/npm.txt"

# The browser code's checks need no build, so they run while the solution builds; their output is printed
# whole once both are done.
(
  step "Type-checking the browser code (tsc --checkJs: the page, and the service worker with its own globals)"
  { npx --no-install tsc -p jsconfig.json && npx --no-install tsc -p jsconfig.worker.json; } || echo "tsc" >> "$log_dir/js-broken.txt"
  step "Linting the browser code (eslint)"
  npx --no-install eslint src/Smail/wwwroot/js src/Smail/wwwroot/sw.js tests/js eslint.config.js || echo "eslint" >> "$log_dir/js-broken.txt"
  step "JavaScript unit tests (node --test)"
  node --test --test-reporter=spec tests/js/ > "$log_dir/node.txt" 2>&1 || echo "node --test" >> "$log_dir/js-broken.txt"
  cat "$log_dir/node.txt"
) > "$log_dir/js.txt" 2>&1 &
js_pid=$!

step "Building the solution (Release: the tests run optimised code, as Smail runs in production)"
dotnet build Smail.slnx -c Release --no-restore --nologo -v:q || broken_steps+=("dotnet build")

wait "$js_pid"
cat "$log_dir/js.txt"
count "$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$log_dir/node.txt")" "$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$log_dir/node.txt")"
if [ -f "$log_dir/js-broken.txt" ]; then
  while read -r broken; do broken_steps+=("$broken"); done < "$log_dir/js-broken.txt"
fi

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
dotnet test tests/Smail.Tests -c Release --no-build --nologo > "$log_dir/unit.txt" 2>&1 &
unit_pid=$!
dotnet test tests/Smail.BrowserTests -c Release --no-build --nologo > "$log_dir/browser.txt" 2>&1 &
browser_pid=$!
finish_dotnet_tests "$unit_pid" unit ".NET unit and integration tests (xunit, real Kestrel ports, Ollama emulator)"
finish_dotnet_tests "$browser_pid" browser "Browser tests (Playwright, Debian's headless Chromium)"

printf '\n'
if [ ${#broken_steps[@]} -gt 0 ]; then
  printf 'Failed steps: %s\n' "$(IFS=', '; echo "${broken_steps[*]}")"
fi
echo "$passed passed, $failed failed"
[ ${#broken_steps[@]} -eq 0 ] && [ "$failed" -eq 0 ]
