#!/usr/bin/env bash
# Throwaway OpenLink Virtuoso (Debian's virtuoso-opensource, 7.2.x) for the
# integration tests: the suite must be tested against the real store, whose
# limits (silent ResultSetMaxRows truncation, MaxSortedTopRows, SP031 on huge
# updates, ...) no in-memory fake reproduces faithfully.
#
#   scripts/virtuoso.sh start    # prints the SPARQL endpoint URL as the last line
#   scripts/virtuoso.sh stop     # stops it and deletes its database
#   scripts/virtuoso.sh status   # exit 0 + URL if it answers, else exit 1
#
# Env: VIRTUOSO_HTTP_PORT (8891), VIRTUOSO_ISQL_PORT (1112),
#      VIRTUOSO_START_TIMEOUT (90 s), VIRTUOSO_NUMBER_OF_BUFFERS (85000 = ~680 MB),
#      VIRTUOSO_MAX_DIRTY_BUFFERS (65000).
# The non-default ports keep us clear of a system Virtuoso on 8890/1111.
set -euo pipefail

HTTP_PORT="${VIRTUOSO_HTTP_PORT:-8891}"
ISQL_PORT="${VIRTUOSO_ISQL_PORT:-1112}"
START_TIMEOUT="${VIRTUOSO_START_TIMEOUT:-90}"
NUMBER_OF_BUFFERS="${VIRTUOSO_NUMBER_OF_BUFFERS:-85000}"
MAX_DIRTY_BUFFERS="${VIRTUOSO_MAX_DIRTY_BUFFERS:-65000}"

URL="http://127.0.0.1:${HTTP_PORT}/sparql"
# Fixed per-port location, so stop/status from another shell find the instance
# while the database itself lives in a fresh mktemp dir per start.
STATE_DIR="/tmp/delta-producer-virtuoso-${HTTP_PORT}"
DATA_DIR_FILE="${STATE_DIR}/data-dir"
PID_FILE="${STATE_DIR}/pid"
# Outside STATE_DIR because stop deletes that; an flock'ed file needs no cleanup.
LOCK_FILE="${STATE_DIR}.lock"

# `|| true`: a lost stderr (reader gone after ^C / CI cancel) must not abort a stop
# half-way and leave the instance behind.
log() { echo "virtuoso.sh: $*" >&2 || true; }
die() { log "$*"; exit 1; }

# Serialises start/stop per port, so a second start waits for a first one to
# finish (grants included) instead of racing it or reporting it half-ready.
take_lock() {
  exec 9>"$LOCK_FILE"
  flock -w 300 9 || die "timed out waiting for ${LOCK_FILE}"
}

answers() {
  curl -fsS -o /dev/null --max-time 5 \
    -H 'Accept: application/sparql-results+json' \
    --data-urlencode 'query=ASK {}' "$URL" 2>/dev/null
}

# A zombie still passes kill -0; in containers whose PID 1 does not reap, a
# killed server can stay one forever, so it must count as dead.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# Our pid only counts if it is still a virtuoso-t: after a reboot or a kill -9
# the recorded pid may belong to an unrelated process.
recorded_pid() {
  local pid
  [[ -s "$PID_FILE" ]] || return 1
  pid="$(<"$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  [[ "$(cat "/proc/${pid}/comm" 2>/dev/null)" == virtuoso-t* ]] || return 1
  echo "$pid"
}

# Removes what a previous (possibly killed) run left behind. Every start uses a
# new data dir, so an old virtuoso.lck can never block the next start.
forget_instance() {
  if [[ -s "$DATA_DIR_FILE" ]]; then
    local data_dir
    data_dir="$(<"$DATA_DIR_FILE")"
    # Only ever delete a directory this script created.
    [[ "$data_dir" == /tmp/delta-producer-virtuoso-data.* ]] && rm -rf -- "$data_dir"
  fi
  rm -rf -- "$STATE_DIR"
}

ensure_installed() {
  command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null && return 0
  log "virtuoso-t not found; installing virtuoso-opensource (Debian package)"
  local sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
  # Noninteractive: the package's debconf asks for a DBA password otherwise.
  # Its postinst may start the system instance on 8890/1111; we do not use it.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource >&2
  command -v virtuoso-t >/dev/null || die "virtuoso-t still missing after install"
}

write_ini() {
  local dir="$1"
  # Limits stay at the stock values on purpose: the suite has to cope with
  # what a default mu.semte.ch Virtuoso does (ResultSetMaxRows = 10000 truncates
  # silently, MaxSortedTopRows = 10000 makes deep ORDER BY/OFFSET fail).
  # MaxSortedTopRows is read from [Parameters], not [SPARQL].
  cat >"${dir}/virtuoso.ini" <<EOF
[Database]
DatabaseFile       = ${dir}/virtuoso.db
ErrorLogFile       = ${dir}/virtuoso.log
LockFile           = ${dir}/virtuoso.lck
TransactionFile    = ${dir}/virtuoso.trx
xa_persistent_file = ${dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = ${dir}/virtuoso-temp.db
TransactionFile    = ${dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = ${ISQL_PORT}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., ${dir}, /usr/share/virtuoso-opensource-7/vad
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxMemPoolSize           = 200000000
MaxQueryMem              = 1G
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 4
AsyncQueueMaxThreads     = 10
; 8 KB pages: 85000 buffers ~ 680 MB, well inside a 2 GB CI runner.
NumberOfBuffers          = ${NUMBER_OF_BUFFERS}
MaxDirtyBuffers          = ${MAX_DIRTY_BUFFERS}
MaxSortedTopRows         = 10000

[HTTPServer]
ServerPort                  = ${HTTP_PORT}
ServerRoot                  = ${dir}/vsp
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
MaxCachedProxyConnections   = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
MaintenancePage             = atomic.html
EnabledGzipContent          = 1

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[URIQA]
DynamicLocal = 0
DefaultHost  = localhost:${HTTP_PORT}

[SPARQL]
ResultSetMaxRows           = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
DefaultQuery               = select distinct ?Concept where {[] a ?Concept} LIMIT 100
DeferInferenceRulesInit    = 0
EOF
}

isql() {
  # isql-vt exits 0 even when a statement fails, so callers grep its output.
  isql-vt "127.0.0.1:${ISQL_PORT}" dba dba "exec=$1" 2>&1
}

cmd_start() {
  take_lock
  local pid
  if pid="$(recorded_pid)"; then
    if answers; then
      log "already running (pid ${pid})"
      echo "$URL"
      return 0
    fi
    # Alive but not answering (hung, or its start was interrupted): it holds
    # the ports, so replace it rather than fail on a port clash.
    log "pid ${pid} is not answering; stopping it first"
    stop_instance
  elif answers; then
    # Someone else's Virtuoso on this port; use it but never stop it.
    log "a SPARQL endpoint not started by this script already answers on port ${HTTP_PORT}"
    echo "$URL"
    return 0
  else
    forget_instance
  fi

  ensure_installed

  local data_dir
  data_dir="$(mktemp -d /tmp/delta-producer-virtuoso-data.XXXXXX)"
  mkdir -p "$STATE_DIR" "${data_dir}/vsp"
  echo "$data_dir" >"$DATA_DIR_FILE"
  write_ini "$data_dir"

  # +foreground keeps virtuoso-t as our direct child so $! is the server's pid.
  # All three std streams are redirected: a caller doing $(virtuoso.sh start)
  # would otherwise block until the server exits. Fd 9 is closed so the server
  # does not hold the start/stop lock for its whole life.
  (cd "$data_dir" && exec nohup virtuoso-t +foreground +configfile "${data_dir}/virtuoso.ini" \
    </dev/null >"${data_dir}/stdout.log" 2>&1 9>&-) &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "started virtuoso-t (pid ${pid}, data ${data_dir})"

  local deadline=$((SECONDS + START_TIMEOUT))
  until answers; do
    if ! alive "$pid"; then
      tail -n 30 "${data_dir}/stdout.log" >&2 || true
      forget_instance
      die "virtuoso-t exited during startup (port ${HTTP_PORT} or ${ISQL_PORT} in use?)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "${data_dir}/stdout.log" >&2 || true
      stop_instance
      die "no SPARQL answer on ${URL} within ${START_TIMEOUT}s"
    fi
    sleep 1
  done

  # The anonymous /sparql user ("SPARQL", acting as "nobody") may only read by
  # default; mu.semte.ch apps and our tests write through the same endpoint.
  local out
  out="$(isql "GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);")"
  if grep -q '\*\*\* Error' <<<"$out"; then
    log "$out"
    stop_instance
    die "granting SPARQL update rights failed"
  fi

  log "ready"
  echo "$URL"
}

cmd_stop() {
  take_lock
  stop_instance
}

stop_instance() {
  local pid
  if pid="$(recorded_pid)"; then
    # SIGTERM makes virtuoso-t shut down cleanly; the data is thrown away
    # anyway, so after a grace period SIGKILL is fine.
    # CONT: a stopped (SIGSTOP/^Z) server would not act on TERM.
    kill -TERM "$pid" 2>/dev/null || true
    kill -CONT "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 30 * 5; i++)); do
      alive "$pid" || break
      sleep 0.2
    done
    if alive "$pid"; then
      log "pid ${pid} ignored SIGTERM for 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 10 * 5; i++)); do
        alive "$pid" || break
        sleep 0.2
      done
    fi
    log "stopped (pid ${pid})"
  else
    log "not running"
  fi
  forget_instance
}

cmd_status() {
  if answers; then
    echo "$URL"
    return 0
  fi
  log "not answering on ${URL}"
  return 1
}

# What a stuck or failed run needs to know about the instance: is it alive, does it answer, what did it
# log last, how big is it and how full is the disk.
cmd_diagnose() {
  local pid data_dir=""
  [[ -s "$DATA_DIR_FILE" ]] && data_dir="$(<"$DATA_DIR_FILE")"
  if pid="$(recorded_pid)"; then
    log "pid ${pid} alive: $(ps -o pid=,pcpu=,rss=,etime= -p "$pid" 2>/dev/null || true) (pid, %cpu, rss KiB, elapsed)"
  else
    log "no live virtuoso-t recorded for port ${HTTP_PORT}"
  fi
  if answers; then log "answers ASK {} on ${URL}"; else log "does NOT answer ASK {} on ${URL} within 5 s"; fi
  if [[ -n "$data_dir" && -d "$data_dir" ]]; then
    log "data dir ${data_dir}: $(du -sh "$data_dir" 2>/dev/null | cut -f1); disk: $(df -h "$data_dir" | tail -n 1)"
    log "last lines of virtuoso.log:"
    tail -n 40 "${data_dir}/virtuoso.log" >&2 2>/dev/null || true
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  diagnose) cmd_diagnose ;;
  *) echo "usage: $0 start|stop|status|diagnose" >&2; exit 2 ;;
esac
