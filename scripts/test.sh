#!/usr/bin/env bash
# `npm test`: unit tests, then the integration suite inside code-server's real extension host,
# then the UI checks in headless Chromium. Every stage runs even if an earlier one failed;
# the last line is the total, "N passed, N failed". Exit status non-zero on any failure.
#   KAGI_TEST_SKIP=ui,integration   skip stages (comma list of lint, unit, integration,
#                                   integration-restricted, ui)
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS=0
mkdir -p test-results
rm -f test-results/activation*.json test-results/integration*.json test-results/*.log # no stale report from a skipped stage

total_pass=0
total_fail=0
total_skip=0
summary=()

skip() { [[ ",${KAGI_TEST_SKIP:-}," == *",$1,"* ]]; }

# Adds a stage's counts: $1 name, $2 passed, $3 failed, $4 exit code, $5 skipped.
record() {
  local name=$1 passed=${2:-0} failed=${3:-0} code=$4 skipped=${5:-0}
  if [[ $code -ne 0 && $failed -eq 0 ]]; then failed=1; fi # crashed before counting
  total_pass=$((total_pass + passed))
  total_fail=$((total_fail + failed))
  total_skip=$((total_skip + skipped))
  summary+=("$name: $passed passed, $failed failed, $skipped skipped")
}

# mocha's spec reporter: "N passing", "N failing", "N pending" (colors stripped).
mocha_counts() {
  local log=$1 p f s
  p=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -Eo '^ *[0-9]+ passing' | tail -1 | grep -Eo '[0-9]+' || true)
  f=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -Eo '^ *[0-9]+ failing' | tail -1 | grep -Eo '[0-9]+' || true)
  s=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -Eo '^ *[0-9]+ pending' | tail -1 | grep -Eo '[0-9]+' || true)
  echo "${p:-0} ${f:-0} ${s:-0}"
}

# Lint, format and typecheck first: a style or type error fails the run like a failing test.
echo "== lint + typecheck"
if skip lint; then echo "(skipped)"; else
  if npm run --silent lint 2>&1 | tee test-results/lint.log; then record lint 1 0 0; else record lint 0 1 1; fi
fi

# One build for every stage (the CLI tests run dist/cli.js; the extension host loads dist/).
echo "== build"
built=1
npm run --silent build || { echo "npm run build failed"; record build 0 1 1; built=0; }

echo "== unit tests"
if skip unit; then echo "(skipped)"; else
  npm run --silent test:unit 2>&1 | tee test-results/unit.log
  code=${PIPESTATUS[0]}
  read -r p f s < <(mocha_counts test-results/unit.log)
  record unit "$p" "$f" "$code" "$s"
fi

if ! skip integration || ! skip integration-restricted || ! skip ui; then
  echo "== code-server"
  if [[ $built -eq 0 ]]; then
    echo "(skipped: the build failed)"
  elif ! node scripts/vscode/install.mjs; then
    echo "installing code-server failed"; record install 0 1 1
  else
    # The suite twice: trust off (--disable-workspace-trust), then the folder untrusted
    # (Restricted Mode; tests read KAGI_IT_TRUST=1 to pick their half).
    for pass in integration integration-restricted; do
      echo "== $pass suite (code-server extension host)"
      if skip "$pass"; then echo "(skipped)"; continue; fi
      trust=0; [[ $pass == integration-restricted ]] && trust=1
      KAGI_IT_TRUST=$trust KAGI_IT_LABEL=$pass node scripts/vscode/integration.mjs 2>&1 | tee "test-results/$pass.log"
      code=${PIPESTATUS[0]}
      line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "test-results/$pass.log" | tail -1)
      record "$pass" "$(echo "$line" | awk '{print $1}')" "$(echo "$line" | awk '{print $3}' | tr -d ,)" "$code" "$(echo "$line" | awk '{print $5}')"
    done
    echo "== UI checks (headless Chromium)"
    if skip ui; then echo "(skipped)"; else
      npx --no-install mocha --config test/ui/.mocharc.json 2>&1 | tee test-results/ui.log
      code=${PIPESTATUS[0]}
      read -r p f s < <(mocha_counts test-results/ui.log)
      record ui "$p" "$f" "$code" "$s"
    fi
  fi
fi

# CI shows only the tail of the output: repeat each stage's failure report just above the
# summary, so a failure is named where it will be read.
failures() {
  local log
  for log in test-results/unit.log test-results/integration.log test-results/integration-restricted.log test-results/ui.log; do
    [[ -f $log ]] || continue
    sed 's/\x1b\[[0-9;]*m//g' "$log" | awk -v name="$log" '
      /^ *[0-9]+ failing/ { on = 1; print "== failures in " name }
      on && shown < 60 { print; shown++ }'
  done
}
if [[ $total_fail -ne 0 ]]; then echo; failures; fi

echo
echo "== summary"
for s in "${summary[@]}"; do echo "$s"; done
if [[ -f test-results/activation.json ]]; then
  echo "activation: $(node -p "JSON.parse(require('fs').readFileSync('test-results/activation.json','utf8')).activation_ms") ms (test-results/activation.json)"
fi
echo "time: ${SECONDS} s"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[[ $total_fail -eq 0 ]]
