#!/usr/bin/env bash
# Runs refguard check twice over the same inputs: once for the SARIF report
# code scanning reads, once for the log and the job summary. Records the
# second run's exit code instead of failing, so the SARIF upload still runs;
# the action's last step fails the job with it.
# Reads: INPUT_PATHS, INPUT_PROFILE, INPUT_CONFIG, INPUT_FAIL_ON,
# RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
set -uo pipefail

args=()
[ -n "${INPUT_PROFILE:-}" ] && args+=(--profile "$INPUT_PROFILE")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
# Paths are separated by whitespace, as a workflow's multi-line input is.
read -r -d '' -a paths <<< "${INPUT_PATHS:-.}"
[ "${#paths[@]}" -eq 0 ] && paths=(.)

sarif="${RUNNER_TEMP:?}/refguard.sarif"
refguard check "${args[@]}" --format sarif --fail-on never "${paths[@]}" > "$sarif"
code=$?
if [ "$code" -ne 0 ]; then
  echo "exit-code=$code" >> "${GITHUB_OUTPUT:?}"
  exit 0
fi
echo "sarif=$sarif" >> "$GITHUB_OUTPUT"

report="${RUNNER_TEMP}/refguard.txt"
refguard check "${args[@]}" --fail-on "${INPUT_FAIL_ON:-error}" "${paths[@]}" > "$report"
code=$?
cat "$report"
echo "exit-code=$code" >> "$GITHUB_OUTPUT"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### refguard check"
    echo
    echo '```'
    # A file name holding a fence must not end the block early.
    sed 's/```/` ` `/g' "$report"
    echo '```'
  } >> "$GITHUB_STEP_SUMMARY"
fi
exit 0
