#!/usr/bin/env bash
# Runs the integration tests against a real Virtuoso (see scripts/virtuoso.sh).
# Extra arguments go to jest, e.g.:  npm run test:virtuoso -- -t 'ResultSetMaxRows'
#                                   npm run test:virtuoso -- services/core/test/integration/sparql
# Set VIRTUOSO_HTTP_PORT / VIRTUOSO_ISQL_PORT to give concurrent runs their own
# instance: on a shared port another run's `virtuoso.sh stop` ends ours too.
#
# An instance that is already running is reused and left running, so a
# developer can keep one up between runs (scripts/virtuoso.sh start) and skip
# the start-up cost; one started here is stopped again whatever the outcome.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
virtuoso=scripts/virtuoso.sh

started_here=0
if ! "$virtuoso" status >/dev/null 2>&1; then
  started_here=1
fi

monitor_pid=""
cleanup() {
  [[ -n "$monitor_pid" ]] && kill "$monitor_pid" 2>/dev/null
  if ((started_here)); then
    # If our output went into a pipe whose reader is gone, SIGPIPE would kill
    # the stop before it cleaned up; ignored, the writes just fail.
    trap '' PIPE
    "$virtuoso" stop || true
  fi
}
trap cleanup EXIT
# Make ^C / a CI cancel go through the EXIT trap with the usual exit codes.
trap 'exit 130' INT
trap 'exit 143' TERM

url="$("$virtuoso" start | tail -n 1)"
echo "test-virtuoso.sh: using ${url}" >&2

# A Virtuoso that stops answering makes every later test wait for its timeout; say so when it happens
# (with the instance's own log), so a slow or stuck run shows why.
(
  down_since=""
  while sleep 20; do
    if "$virtuoso" status >/dev/null 2>&1; then
      down_since=""
    elif [[ -z "$down_since" ]]; then
      down_since="$(date -u +%T)"
      echo "test-virtuoso.sh: Virtuoso stopped answering at ${down_since}" >&2
      "$virtuoso" diagnose || true
    fi
  done
) &
monitor_pid=$!

# Extra arguments (jest flags and test path filters) go before --selectProjects, whose value list
# would otherwise swallow the paths.
rc=0
TEST_SPARQL_BACKEND=virtuoso TEST_VIRTUOSO_URL="$url" \
  node --experimental-vm-modules node_modules/jest/bin/jest.js "$@" --selectProjects integration || rc=$?
if ((rc != 0)); then "$virtuoso" diagnose || true; fi
exit "$rc"
