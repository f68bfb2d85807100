#!/usr/bin/env bash
# The test command. Runs setup, then each tier, continuing past failures; ends with one line
# "N passed, M failed[, K skipped]" and exits non-zero if anything failed.
#   bash scripts/test.sh                  all tiers
#   bash scripts/test.sh unit browser     a subset, in the canonical order
# Tiers: typecheck lint build size exports consumer docs unit browser milvus server
# Braces: bash parses the whole script before running it, so editing it mid-run is safe.
{
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ELANUS_ROOT"

ALL_TIERS=(typecheck lint build size exports consumer docs unit browser milvus server)
# Per-run folder, so that two runs in one checkout do not clobber each other's reports; the finished
# run's reports end up in .cache/test-results/last/.
REPORTS=.cache/test-results/run.$$

usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; }

declare -A want=()
for a in "$@"; do
  case "$a" in
    -h | --help) usage; exit 0 ;;
    *)
      if [[ " ${ALL_TIERS[*]} " == *" $a "* ]]; then want[$a]=1; else
        echo "unknown tier '$a' (tiers: ${ALL_TIERS[*]})" >&2; exit 2
      fi ;;
  esac
done
[[ $# -gt 0 ]] || for t in "${ALL_TIERS[@]}"; do want[$t]=1; done
# size, exports and consumer read the build's dist/ folders.
if [[ -n "${want[size]:-}${want[exports]:-}${want[consumer]:-}" && -z "${want[build]:-}" ]]; then
  echo "note: size/exports/consumer need fresh dist/ folders; adding the build tier"
  want[build]=1
fi

# ---- bookkeeping -------------------------------------------------------------------------------------
TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0
SUMMARY=()   # one line per tier
FAILURES=()  # names of failed checks
T_PASSED=0 T_FAILED=0 T_SKIPPED=0 TIER=""

# check NAME CMD...: a static check, counted as one test.
check() {
  local name=$1
  shift
  printf -- '--- %s\n' "$name"
  if "$@"; then
    T_PASSED=$((T_PASSED + 1))
    printf '\033[32m✓\033[0m %s\n' "$name"
  else
    T_FAILED=$((T_FAILED + 1))
    FAILURES+=("$TIER: $name")
    printf '\033[31m✗\033[0m %s\n' "$name"
  fi
}

# runner_counts KIND REPORT EXIT NAME: adds a test runner's counts from its JSON report. A runner that
# failed without reporting a failing test (crash, config error, no tests found) counts as one failure.
runner_counts() {
  local kind=$1 report=$2 rc=$3 name=$4 counts p f s
  if counts=$(node scripts/test-counts.mjs "$kind" "$report" 2>/dev/null) && [[ -n "$counts" ]]; then
    read -r p f s <<<"$counts"
  else
    p=0 f=0 s=0
  fi
  if [[ $rc -ne 0 && $f -eq 0 ]]; then
    f=1
    FAILURES+=("$TIER: $name exited with status $rc without a failing test (see its output above)")
  elif [[ $f -gt 0 ]]; then
    FAILURES+=("$TIER: $f failing in $name")
  fi
  T_PASSED=$((T_PASSED + p)) T_FAILED=$((T_FAILED + f)) T_SKIPPED=$((T_SKIPPED + s))
}

run_tier() {
  TIER=$1 T_PASSED=0 T_FAILED=0 T_SKIPPED=0
  local start=$SECONDS
  printf '\n\033[1;36m==== tier: %s ====\033[0m\n' "$TIER"
  "tier_$TIER"
  local secs=$((SECONDS - start))
  TOTAL_PASSED=$((TOTAL_PASSED + T_PASSED)) TOTAL_FAILED=$((TOTAL_FAILED + T_FAILED))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + T_SKIPPED))
  SUMMARY+=("$(printf '%-10s %4d passed %4d failed %4d skipped %5ds' "$TIER" "$T_PASSED" "$T_FAILED" "$T_SKIPPED" "$secs")")
}

# ---- tiers -------------------------------------------------------------------------------------------
# Workspace packages in build order: core first (the others depend on it and read its dist/types).
packages() {
  # core, then model: the framework adapters' declarations import theirs.
  echo core
  echo model
  local d
  for d in packages/*/; do
    d=$(basename "$d")
    [[ $d != core && $d != model && -f packages/$d/package.json ]] && echo "$d"
  done
}

tier_typecheck() {
  local cfg
  for cfg in packages/*/tsconfig.json apps/*/tsconfig.json tests/harness/tsconfig.json tsconfig.json; do
    [[ -f $cfg ]] && check "tsc -p $cfg" tsc --noEmit -p "$cfg"
  done
}

tier_lint() {
  check "biome check ." biome check .
}

tier_build() {
  local p
  for p in $(packages); do
    check "build @elanus/$p (vite + declarations)" pnpm --silent --filter "./packages/$p" run build
  done
  check "build apps/demo (vite production build)" pnpm --silent --filter ./apps/demo run build
}

tier_size() {
  local report=$REPORTS/size.json rc
  node scripts/size.mjs --report "$report"
  rc=$?
  runner_counts size "$report" "$rc" "scripts/size.mjs"
}

tier_exports() {
  local p tmp tgz
  tmp=$(mktemp -d)
  for p in $(packages); do
    # Lint the tarball pnpm would publish (workspace: ranges rewritten, `files` applied).
    if (cd "packages/$p" && pnpm pack --pack-destination "$tmp" >/dev/null); then
      tgz=$(ls -t "$tmp"/*.tgz | head -1)
      check "publint @elanus/$p" publint run "$tgz" --strict
      check "attw @elanus/$p (esm-only)" attw "$tgz" --profile esm-only --no-emoji
      rm -f "$tgz"
    else
      check "pack @elanus/$p" false
    fi
  done
  rm -rf "$tmp"
}

# The packed tarballs installed into fresh apps (tests/consumer): Vite build and dev server, esbuild and
# webpack, in Chromium; and a Node import.
tier_consumer() {
  local report=$REPORTS/consumer.json rc
  vitest run --config vitest.consumer.config.ts --reporter=default --reporter=json --outputFile.json="$report"
  rc=$?
  runner_counts vitest "$report" "$rc" "vitest (consumer)"
}

tier_docs() {
  check "typedoc (docs/api)" typedoc --logLevel Warn
}

tier_unit() {
  local report=$REPORTS/unit.json rc
  vitest run --reporter=default --reporter=json --outputFile.json="$report"
  rc=$?
  runner_counts vitest "$report" "$rc" "vitest (unit)"
}

# A free port for the harness server, starting at 5180, unless HARNESS_PORT is set: another checkout's
# harness may hold the default, and reusing it would test that checkout's code.
pick_harness_port() {
  [[ -n "${HARNESS_PORT:-}" ]] && return
  local p
  for p in $(seq 5180 5199); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      export HARNESS_PORT=$p
      [[ $p != 5180 ]] && echo "note: port 5180 is busy; the harness uses $p"
      return
    fi
  done
}

tier_browser() {
  local report=$REPORTS/browser.json rc
  pick_harness_port
  PW_JSON_OUTPUT="$report" playwright test
  rc=$?
  runner_counts playwright "$report" "$rc" "playwright"
}

# A genuine Milvus standalone (2.3.5 from PyPI): the differential search suite and sync against it.
tier_server() {
  local report=$REPORTS/server.json rc
  vitest run --config vitest.server.config.ts --reporter=default --reporter=json --outputFile.json="$report"
  rc=$?
  runner_counts vitest "$report" "$rc" "vitest (server)"
}

tier_milvus() {
  local report=$REPORTS/milvus.json rc
  vitest run --config vitest.milvus.config.ts --reporter=default --reporter=json --outputFile.json="$report"
  rc=$?
  runner_counts vitest "$report" "$rc" "vitest (milvus)"
}

# ---- run ---------------------------------------------------------------------------------------------
finish() {
  printf '\n\033[1m==== summary ====\033[0m\n'
  local line
  for line in "${SUMMARY[@]}"; do echo "$line"; done
  for line in "${FAILURES[@]}"; do printf '\033[31mFAILED\033[0m %s\n' "$line"; done
  local tail=""
  [[ $TOTAL_SKIPPED -gt 0 ]] && tail=", $TOTAL_SKIPPED skipped"
  if [[ -d $REPORTS ]]; then
    rm -rf .cache/test-results/last && mv "$REPORTS" .cache/test-results/last
  fi
  echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed$tail"
  [[ $TOTAL_FAILED -eq 0 ]]
  exit $?
}
trap 'echo; echo "interrupted"; finish' INT TERM

start=$SECONDS
# pnpm and the dependencies are needed by every tier: without them, stop. The other steps only serve
# some tiers: a failure there is counted and the tiers still run (the ones that need it will fail too).
if ! bash scripts/setup.sh pnpm deps; then
  TOTAL_FAILED=1
  FAILURES+=("setup: bash scripts/setup.sh pnpm deps failed (see above)")
  finish
fi
steps=()
[[ -n "${want[browser]:-}${want[consumer]:-}" ]] && steps+=(chromium)
[[ -n "${want[milvus]:-}" ]] && steps+=(venv)
[[ -n "${want[server]:-}" ]] && steps+=(venv-server)
steps+=(hooks)
for step in "${steps[@]}"; do
  if ! bash scripts/setup.sh "$step"; then
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    FAILURES+=("setup: bash scripts/setup.sh $step failed (see above)")
  fi
done
SUMMARY+=("$(printf '%-10s %4d passed %4d failed %4d skipped %5ds' setup 0 "$TOTAL_FAILED" 0 $((SECONDS - start)))")

mkdir -p "$REPORTS"
for t in "${ALL_TIERS[@]}"; do
  [[ -n "${want[$t]:-}" ]] && run_tier "$t"
done
finish
exit
}
