#!/usr/bin/env bash
# Runs refguard check once: the readable report goes to the log and the job
# summary, the SARIF log (--sarif-file) to code scanning. Records the exit
# code instead of failing, so the SARIF upload still runs; the action's
# last step fails the job with it.
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
report="${RUNNER_TEMP}/refguard.txt"
refguard check "${args[@]}" --sarif-file "$sarif" --fail-on "${INPUT_FAIL_ON:-error}" "${paths[@]}" > "$report"
code=$?
cat "$report"
echo "exit-code=$code" >> "${GITHUB_OUTPUT:?}"
if [ "$code" -le 1 ] && [ -s "$sarif" ]; then
  echo "sarif=$sarif" >> "$GITHUB_OUTPUT"
fi
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
