#!/usr/bin/env bash
# Throwaway MariaDB server for rxflow tests (no systemd, no /etc changes,
# never touches /var/lib/mysql, listens on 127.0.0.1 only).
#
# Usage: scripts/mysql.sh start|stop|url|status
#
#   start   initialise a fresh data dir and start mariadbd on a free
#           127.0.0.1 port; creates user rxflow/rxflow (ALL ON *.* WITH GRANT
#           OPTION: a test may create a user of its own) and
#           database rxflow; prints the SOCI URL. No-op if already running.
#   stop    shut the server down and delete its data. No-op if not running.
#   url     print the SOCI connection string; exit 1 if not running.
#   status  exit 0 if running, 1 otherwise.
#
# State lives in ${RXFLOW_BUILD_DIR:-<repo>/build}/mariadb/. The server files
# (data/, mysqld.sock, mysqld.pid, error.log) normally live there too. When
# run as root the server runs as user 'mysql'; if 'mysql' cannot write that
# directory (e.g. a parent dir is not traversable) or the socket path would
# be too long, the server files go to /tmp/rxflow-mariadb-<hash of build dir>
# instead, and the chosen location is recorded in <state>/location.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd -- "$SCRIPT_DIR/.." && pwd)"
BUILD_DIR="${RXFLOW_BUILD_DIR:-$REPO_DIR/build}"
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$PWD/$BUILD_DIR"

# (Re)compute state paths; the build dir is canonicalised once it exists so
# the /tmp fallback hash is the same for every caller.
set_state_paths() {
  if [[ -d "$BUILD_DIR" ]]; then BUILD_DIR="$(cd -- "$BUILD_DIR" && pwd -P)"; fi
  STATE_DIR="$BUILD_DIR/mariadb"
  LOCK_FILE="$STATE_DIR/.lock"
  PORT_FILE="$STATE_DIR/port"
  LOCATION_FILE="$STATE_DIR/location"
}
set_state_paths

DB_NAME=rxflow
DB_USER=rxflow
DB_PASS=rxflow
START_TIMEOUT=60
STOP_TIMEOUT=30

# /usr/sbin is not always on a non-root PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

log() { echo "mysql.sh: $*" >&2; }
die() { echo "mysql.sh: error: $*" >&2; exit 1; }

need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "'$c' not found; run scripts/setup.sh"
  done
}

RUN_AS=()          # prefix to run a command as the server user (root only)
SERVER_USER_OPT=() # --user=mysql for mariadbd / mariadb-install-db (root only)
SERVER_USER="$(id -un)"
BASE_PROBLEM=
if ((EUID == 0)); then
  SERVER_USER=mysql
  id mysql >/dev/null 2>&1 || die "running as root but user 'mysql' does not exist"
  RUN_AS=(runuser -u mysql --)
  command -v runuser >/dev/null 2>&1 || RUN_AS=()
  SERVER_USER_OPT=(--user=mysql)
fi

# Can the server user create files in directory $1?
server_user_can_write() {
  local dir="$1"
  if ((EUID == 0)); then
    if ((${#RUN_AS[@]})); then
      "${RUN_AS[@]}" test -w "$dir" -a -x "$dir" 2>/dev/null
    else
      local q
      q="$(printf '%q' "$dir")"
      su -s /bin/bash mysql -c "test -w $q -a -x $q" 2>/dev/null </dev/null
    fi
  else
    test -w "$dir" -a -x "$dir"
  fi
}

# Server file locations, relative to a base dir.
set_paths() {
  BASE_DIR="$1"
  DATA_DIR="$BASE_DIR/data"
  SOCKET="$BASE_DIR/mysqld.sock"
  PID_FILE="$BASE_DIR/mysqld.pid"
  ERROR_LOG="$BASE_DIR/error.log"
}

fallback_base() {
  local h
  h="$(printf '%s' "$BUILD_DIR" | sha256sum | cut -c1-16)"
  echo "/tmp/rxflow-mariadb-$h"
}

# Base dir of the current/last instance (from the location file, else default).
load_paths() {
  local base="$STATE_DIR"
  if [[ -s "$LOCATION_FILE" ]]; then
    base="$(<"$LOCATION_FILE")"
    # Only ever trust the two locations this script itself uses.
    [[ "$base" == "$STATE_DIR" || "$base" == "$(fallback_base)" ]] \
      || die "unexpected location '$base' in $LOCATION_FILE"
  fi
  set_paths "$base"
}

server_pid() {
  local pid
  [[ -r "$PID_FILE" ]] || return 1
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  [[ -d "/proc/$pid" ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == mariadbd || "$(cat "/proc/$pid/comm" 2>/dev/null)" == mysqld ]] || return 1
  echo "$pid"
}

ping_server() {
  [[ -S "$SOCKET" ]] || return 1
  mariadb-admin --no-defaults --socket="$SOCKET" --user=root \
    --connect-timeout=2 ping >/dev/null 2>&1
}

is_running() {
  load_paths
  # The pid file is mode 0660 (mysql); other users can only rely on ping.
  { server_pid >/dev/null || [[ -e "$PID_FILE" && ! -r "$PID_FILE" ]]; } &&
    ping_server && [[ -s "$PORT_FILE" ]]
}

read_port() { tr -dc '0-9' <"$PORT_FILE"; }

print_url() {
  echo "mysql://db=$DB_NAME user=$DB_USER password=$DB_PASS host=127.0.0.1 port=$(read_port)"
}

pick_port() {
  local py p i
  for py in /usr/bin/python3 python3; do
    if command -v "$py" >/dev/null 2>&1 &&
      p="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null)" &&
      [[ "$p" =~ ^[0-9]+$ ]]; then
      echo "$p"
      return 0
    fi
  done
  # Fallback: probe random ports in 20000-60999 for one nobody answers on.
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 41000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

# Stop the instance described by the current paths (if any) and delete its files.
do_stop() {
  local pid i
  load_paths
  if pid="$(server_pid)"; then
    log "stopping mariadbd (pid $pid)"
    mariadb-admin --no-defaults --socket="$SOCKET" --user=root \
      --connect-timeout=5 shutdown >/dev/null 2>&1 || true
    for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
      [[ -d "/proc/$pid" ]] || break
      sleep 0.1
    done
    if [[ -d "/proc/$pid" ]]; then
      log "mariadbd did not shut down in ${STOP_TIMEOUT}s, sending TERM"
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 100; i++)); do
        [[ -d "/proc/$pid" ]] || break
        sleep 0.1
      done
    fi
    if [[ -d "/proc/$pid" ]]; then
      log "mariadbd still alive, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        [[ -d "/proc/$pid" ]] || break
        sleep 0.1
      done
    fi
    [[ ! -d "/proc/$pid" ]] || die "could not stop mariadbd (pid $pid)"
  fi
  # Remove server files; keep the state dir itself (it holds the lock file).
  rm -rf -- "$DATA_DIR" "$SOCKET" "$SOCKET.lock" "$PID_FILE" "$ERROR_LOG" \
    "$BASE_DIR/mariadbd.out"
  if [[ "$BASE_DIR" != "$STATE_DIR" && "$BASE_DIR" == /tmp/rxflow-mariadb-* ]]; then
    rm -rf -- "$BASE_DIR"
  fi
  rm -f -- "$PORT_FILE" "$LOCATION_FILE"
}

# Create (if needed) a base dir the server user can write. Returns 1 if unusable.
prepare_base() {
  local dir="$1"
  if [[ "$dir" == /tmp/* ]]; then
    # Refuse anything that is not a plain directory we (or mysql) own.
    if [[ -L "$dir" ]]; then return 1; fi
    if [[ ! -d "$dir" ]]; then
      mkdir -m 0700 -- "$dir" || return 1
    fi
    local owner
    owner="$(stat -c %U -- "$dir")"
    [[ "$owner" == "$(id -un)" || "$owner" == mysql ]] || return 1
  else
    mkdir -p -- "$dir" || return 1
  fi
  if ((EUID == 0)); then
    chown mysql:mysql -- "$dir" || return 1
    chmod 0755 -- "$dir" || return 1
  fi
  # Unix socket paths are limited to 107 bytes ("$dir/mysqld.sock").
  if ((${#dir} > 90)); then
    BASE_PROBLEM="path too long for a unix socket"
    return 1
  fi
  if ! server_user_can_write "$dir"; then
    BASE_PROBLEM="user '$SERVER_USER' cannot write it (every parent dir must be traversable, e.g. chmod o+x)"
    return 1
  fi
}

do_start() {
  local base attempt port pid i

  if is_running; then
    log "already running (pid $(server_pid), port $(read_port))"
    print_url
    return 0
  fi

  need mariadb-install-db mariadbd mariadb-admin mariadb
  # Clean up anything stale (dead server, half-initialised data dir, ...).
  do_stop

  base="$STATE_DIR"
  if ! prepare_base "$base"; then
    log "cannot use $base: ${BASE_PROBLEM:-cannot create it}"
    base="$(fallback_base)"
    log "using $base instead"
    BASE_PROBLEM=
    prepare_base "$base" || die "cannot use $base either: ${BASE_PROBLEM:-cannot create it or not owned by us}"
  fi
  set_paths "$base"
  printf '%s\n' "$base" >"$LOCATION_FILE"

  log "initialising $DATA_DIR"
  if ! mariadb-install-db --no-defaults --datadir="$DATA_DIR" \
    "${SERVER_USER_OPT[@]}" --auth-root-authentication-method=normal \
    --skip-test-db >"$BASE_DIR/install-db.log" 2>&1 </dev/null; then
    cat "$BASE_DIR/install-db.log" >&2
    die "mariadb-install-db failed"
  fi
  rm -f -- "$BASE_DIR/install-db.log"

  for attempt in 1 2 3; do
    port="$(pick_port)" || die "could not find a free TCP port"
    printf '%s\n' "$port" >"$PORT_FILE"
    chmod 0644 -- "$PORT_FILE" "$LOCATION_FILE"
    log "starting mariadbd on 127.0.0.1:$port"
    : >"$ERROR_LOG"
    ((EUID != 0)) || chown mysql:mysql -- "$ERROR_LOG"
    # 9>&-: the server must not inherit (and hold) our lock fd.
    setsid nohup mariadbd --no-defaults \
      "${SERVER_USER_OPT[@]}" \
      --datadir="$DATA_DIR" \
      --socket="$SOCKET" \
      --port="$port" \
      --bind-address=127.0.0.1 \
      --pid-file="$PID_FILE" \
      --log-error="$ERROR_LOG" \
      --skip-name-resolve \
      --innodb-buffer-pool-size=256M \
      --innodb-log-file-size=64M \
      --max-connections=500 \
      --character-set-server=utf8mb4 \
      --collation-server=utf8mb4_unicode_ci \
      </dev/null >"$BASE_DIR/mariadbd.out" 2>&1 9>&- &
    pid=$!

    for ((i = 0; i < START_TIMEOUT * 10; i++)); do
      if ping_server; then break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done

    if ping_server; then
      break
    fi
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      tail -n 30 "$ERROR_LOG" >&2 || true
      rm -f -- "$PORT_FILE"
      die "mariadbd did not answer ping within ${START_TIMEOUT}s (log: $ERROR_LOG)"
    fi
    wait "$pid" 2>/dev/null || true
    if grep -qiE 'address already in use|bind on tcp/ip port' "$ERROR_LOG" && ((attempt < 3)); then
      log "port $port was taken, retrying with another one"
      continue
    fi
    tail -n 30 "$ERROR_LOG" >&2 || true
    cat "$BASE_DIR/mariadbd.out" >&2 || true
    rm -f -- "$PORT_FILE"
    die "mariadbd exited during startup (log: $ERROR_LOG)"
  done

  mariadb --no-defaults --socket="$SOCKET" --user=root --batch <<SQL
-- install-db's passwordless root accounts: keep only root@localhost (socket).
DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`;
FLUSH PRIVILEGES;
SQL

  log "running (pid $(server_pid), data in $DATA_DIR)"
  print_url
}

usage() {
  echo "usage: $0 start|stop|url|status" >&2
  exit 2
}

[[ $# -eq 1 ]] || usage
cmd="$1"
case "$cmd" in start | stop | url | status) ;; *) usage ;; esac

if [[ "$cmd" == start || "$cmd" == stop ]]; then
  if [[ "$cmd" == start ]]; then
    mkdir -p -- "$STATE_DIR"
    set_state_paths
  fi
  # Serialise start/stop (e.g. parallel test fixtures). url/status only read.
  if [[ -d "$STATE_DIR" ]] && command -v flock >/dev/null 2>&1; then
    exec 9>>"$LOCK_FILE"
    flock -w 120 9 || die "timed out waiting for $LOCK_FILE"
  fi
fi

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  url)
    is_running || die "not running (use: $0 start)"
    print_url
    ;;
  status)
    if is_running; then
      echo "running: pid $(server_pid || echo '?'), 127.0.0.1:$(read_port), data in $DATA_DIR"
    else
      echo "not running"
      exit 1
    fi
    ;;
esac
