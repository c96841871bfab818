#!/usr/bin/env bash
# The nbzbx lab: a real PostgreSQL, Redis, Zabbix 6.0 API, Zabbix 7.0 API and NetBox 4.7.3 on
# loopback, without Docker or systemd, and contract endpoints for Zabbix 7.2, 7.4 and 8.0: a relay
# (zabbix_contract.py) in front of the real 7.0, not servers. Called by `nbzbx lab up|down|status`.
#
# What is slow is cached under $NBZBX_LAB_CACHE (outside the repository) and reused:
#   pgdata/        the lab's own PostgreSQL 15 cluster, holding pristine template databases
#   trixie-bpo/    a Debian 13 root (Python 3.13 for NetBox 4.7, Zabbix 7.0 from trixie-backports)
# Services run on private loopback ports and are stopped by process group, only when the PID file
# names a process this script started.
#
# NBZBX_LAB_INSTANCE=N (1 to 9, default 1) starts another set of the lab's NetBox, Zabbix servers
# and contract endpoints, on ports 100 * (N - 1) higher and on databases of their own (zbx70_N,
# netbox_N, ...): what the test suite's daemon tests use, beside the others, so that neither sees
# the other's writes. PostgreSQL, PgBouncer, Redis and the Debian 13 root are shared.
set -euo pipefail

LAB_CACHE=${NBZBX_LAB_CACHE:-/var/cache/nbzbx-lab}
RUN=$LAB_CACHE/run
PGDATA=$LAB_CACHE/pgdata
# Its own folder, not the older recipe's trixie/ (Zabbix 7.0.22): a checkout with either recipe
# would otherwise rebuild the root under the other's running Zabbix and NetBox.
ROOT=$LAB_CACHE/trixie-bpo
INSTANCE=${NBZBX_LAB_INSTANCE:-1}
[[ $INSTANCE =~ ^[1-9]$ ]] || { echo "NBZBX_LAB_INSTANCE must be 1 to 9, not '$INSTANCE'" >&2; exit 2; }
OFFSET=$(( (INSTANCE - 1) * 100 ))
DB_SUFFIX=$([ "$INSTANCE" = 1 ] || echo "_$INSTANCE")   # zbx70, zbx70_2, ...
RUN_SUFFIX=$([ "$INSTANCE" = 1 ] || echo "-$INSTANCE")  # run/netbox.pid, run/netbox-2.pid, ...
PG_PORT=${NBZBX_LAB_PG_PORT:-54329}
REDIS_PORT=${NBZBX_LAB_REDIS_PORT:-63799}
PGBOUNCER_PORT=${NBZBX_LAB_PGBOUNCER_PORT:-64329}
NETBOX_PORT=${NBZBX_LAB_NETBOX_PORT:-$((18001 + OFFSET))}
ZBX60_PORT=${NBZBX_LAB_ZBX60_PORT:-$((18060 + OFFSET))}
ZBX70_PORT=${NBZBX_LAB_ZBX70_PORT:-$((18070 + OFFSET))}
ZBX72_PORT=${NBZBX_LAB_ZBX72_PORT:-$((18072 + OFFSET))}
ZBX74_PORT=${NBZBX_LAB_ZBX74_PORT:-$((18074 + OFFSET))}
ZBX80_PORT=${NBZBX_LAB_ZBX80_PORT:-$((18080 + OFFSET))}
ZBX60_DB=zbx60$DB_SUFFIX ZBX70_DB=zbx70$DB_SUFFIX NETBOX_DB=netbox$DB_SUFFIX
PROJECT_DBS="dagster$DB_SUFFIX nbzbx$DB_SUFFIX"  # the Dagster instance's and the state store's
NETBOX_REDIS_DB=$(( (INSTANCE - 1) * 2 ))          # tasks; caching is the next one
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NETBOX_VERSION=4.7.3
PG_BIN=/usr/lib/postgresql/15/bin
MIRROR=${NBZBX_LAB_MIRROR:-http://deb.debian.org/debian}
ROOT_PKGS="gcc libpq-dev php-cli php8.4-cgi php-pgsql zabbix-frontend-php zabbix-server-pgsql"
# trixie itself has Zabbix 7.0.22; trixie-backports has the newest 7.0 LTS patch Debian ships.
ROOT_SUITE=trixie-backports
HOST_PKGS="postgresql-15 postgresql-client-15 pgbouncer redis-server debootstrap php-cli php8.2-cgi php-pgsql zabbix-frontend-php zabbix-server-pgsql curl"
# Bump when the root's recipe changes: a root built by another recipe is rebuilt.
ROOT_RECIPE="v2 trixie minbase python3 venv dev | -t $ROOT_SUITE $ROOT_PKGS | netbox==$NETBOX_VERSION gunicorn"
NETBOX_MIGRATED="netbox $NETBOX_VERSION migrated"
NETBOX_MARK="netbox $NETBOX_VERSION migrated, lab superuser and tokens v2"

export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres
export PGOPTIONS="-c client_min_messages=warning"
mkdir -p "$RUN"

log() { printf '[nbzbx lab %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }
db_exists() { [ "$(psql_admin -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }
db_comment() { psql_admin -Atc "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$1'"; }
clone_db() {  # $1 = template, $2 = database: a fresh copy, with statistics for the planner
  psql_admin -c "DROP DATABASE IF EXISTS \"$2\" WITH (FORCE)"
  psql_admin -c "CREATE DATABASE \"$2\" TEMPLATE \"$1\""
  psql -X -q -v ON_ERROR_STOP=1 -d "$2" -c 'ANALYZE'
  psql_admin -c "COMMENT ON DATABASE \"$2\" IS 'copy of $1: $(db_comment "$1")'"
}
clone_current() {  # $1 = template, $2 = database: copy again unless it is a copy of this template
  [ "$(db_comment "$2")" = "copy of $1: $(db_comment "$1")" ] && return 0
  if db_exists "$2"; then log "$2 was copied from another $1: copying it again"; fi
  clone_db "$1" "$2"
}
in_root() {  # run a command inside the Debian 13 root with a clean environment
  chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root \
    LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {  # $1 = port, $2 = what, $3 = seconds
  local deadline=$(( $(date +%s) + ${3:-60} ))
  until port_open "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$2 did not listen on 127.0.0.1:$1 within ${3:-60}s"
    sleep 0.2
  done
}
pid_alive() {  # $1 = pid file, $2 = pattern its cmdline must contain
  [ -f "$1" ] || return 1
  local pid cmd; pid=$(cat "$1")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$2"* ]]
}
runs_in_root() {  # $1 = pid file: its process runs in $ROOT (chroot execs php: the cmdline says php)
  local pid; pid=$(cat "$1" 2>/dev/null) || return 1
  [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$ROOT" ]
}
stop_group() {  # $1 = pid file, $2 = pattern, $3 = what
  if pid_alive "$1" "$2"; then
    local pid; pid=$(cat "$1")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    log "stopped $3"
  fi
  rm -f "$1"
}
start_group() {  # $1 = pid file, $2 = log file, rest = command; new session, so a group kill stops all
  setsid "${@:3}" </dev/null >"$2" 2>&1 &
  echo $! > "$1"
}
with_policy() {  # forbid package scripts to start services while "$@" runs (inside $ROOT if $1=root)
  local prefix=""; if [ "$1" = root ]; then prefix=$ROOT; fi; shift
  local made=0
  if [ ! -e "$prefix/usr/sbin/policy-rc.d" ]; then
    mkdir -p "$prefix/usr/sbin"; printf '#!/bin/sh\nexit 101\n' > "$prefix/usr/sbin/policy-rc.d"
    chmod 755 "$prefix/usr/sbin/policy-rc.d"; made=1
  fi
  local rc=0; "$@" || rc=$?
  if [ "$made" = 1 ]; then rm -f "$prefix/usr/sbin/policy-rc.d"; fi
  return $rc
}

# ------------------------------------------------------------------ host packages
host_packages() {
  local missing=() p
  for p in $HOST_PKGS; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local t; t=$(now)
  log "installing Debian packages: ${missing[*]} (about 30 s)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$RUN/apt.log" 2>&1 || { tail -20 "$RUN/apt.log" >&2; die "apt-get update failed"; }
  with_policy host apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
    "${missing[@]}" >>"$RUN/apt.log" 2>&1 \
    || { tail -30 "$RUN/apt.log" >&2; die "apt-get install failed (log: $RUN/apt.log)"; }
  log "Debian packages installed in $(since "$t")"
}

# ------------------------------------------------------------------ PostgreSQL (own cluster)
pg_up() {
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    log "creating the lab's PostgreSQL cluster in $PGDATA"
    mkdir -p "$PGDATA"; chown postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"
    # trust on loopback only: a private lab cluster on a private port
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 >"$RUN/initdb.log" 2>&1 || { cat "$RUN/initdb.log" >&2; die "initdb failed"; }
  fi
  mkdir -p "$RUN/pg"; chown postgres:postgres "$RUN/pg"
  if runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    return 0
  fi
  port_open "$PG_PORT" && die "port $PG_PORT is taken by something the lab did not start"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$RUN/pg/postgresql.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$RUN/pg -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { tail -20 "$RUN/pg/postgresql.log" >&2; die "PostgreSQL did not start"; }
  log "PostgreSQL 15 on 127.0.0.1:$PG_PORT"
}
pg_down() {
  if [ -s "$PGDATA/PG_VERSION" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null && log "stopped PostgreSQL"
  fi
}

# ------------------------------------------------------------------ PgBouncer (for the Dagster instance)
# dagster-postgres opens a connection per storage call; a session-mode pool in front of the
# instance database (session mode keeps LISTEN/NOTIFY working) removes most of that cost.
pgbouncer_up() {
  local dir=$RUN/pg
  pid_alive "$dir/pgbouncer.pid" pgbouncer && return 0
  rm -f "$dir/pgbouncer.pid"  # left by a PgBouncer that was killed with its session
  port_open "$PGBOUNCER_PORT" && die "port $PGBOUNCER_PORT is taken by something the lab did not start"
  cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PG_PORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $dir/pgbouncer-users.txt
pool_mode = session
default_pool_size = 40
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,options
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  echo '"postgres" ""' > "$dir/pgbouncer-users.txt"
  chown postgres:postgres "$dir/pgbouncer.ini" "$dir/pgbouncer-users.txt"
  runuser -u postgres -- pgbouncer -d -q "$dir/pgbouncer.ini" || die "PgBouncer did not start (log: $dir/pgbouncer.log)"
  wait_port "$PGBOUNCER_PORT" PgBouncer 20
  log "PgBouncer (session pool) on 127.0.0.1:$PGBOUNCER_PORT"
}
pgbouncer_down() {
  local dir=$RUN/pg
  if pid_alive "$dir/pgbouncer.pid" pgbouncer; then
    kill -TERM "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do pid_alive "$dir/pgbouncer.pid" pgbouncer || break; sleep 0.1; done
    log "stopped PgBouncer"
  fi
  rm -f "$dir/pgbouncer.pid"
}

# ------------------------------------------------------------------ Redis (for NetBox)
redis_up() {
  pid_alive "$RUN/redis.pid" "127.0.0.1:$REDIS_PORT" && return 0
  port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by something the lab did not start"
  start_group "$RUN/redis.pid" "$RUN/redis.log" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" \
    --save '' --appendonly no --dir "$RUN"
  wait_port "$REDIS_PORT" Redis 20
  log "Redis on 127.0.0.1:$REDIS_PORT"
}

# ------------------------------------------------------------------ Zabbix frontends
zabbix_conf() {  # $1 = path, $2 = the database of instance 1; others pass theirs in the environment
  mkdir -p "$(dirname "$1")"
  cat > "$1.tmp" <<PHP
<?php
// Zabbix frontend configuration - managed by the nbzbx lab
\$DB['TYPE'] = 'POSTGRESQL';
\$DB['SERVER'] = '127.0.0.1';
\$DB['PORT'] = '$PG_PORT';
\$DB['DATABASE'] = getenv('NBZBX_LAB_ZABBIX_DB') ?: '$2';
\$DB['USER'] = 'postgres';
\$DB['PASSWORD'] = '';
\$DB['SCHEMA'] = '';
\$DB['ENCRYPTION'] = false;
\$DB['KEY_FILE'] = '';
\$DB['CERT_FILE'] = '';
\$DB['CA_FILE'] = '';
\$DB['VERIFY_HOST'] = false;
\$DB['CIPHER_LIST'] = '';
\$DB['VAULT_URL'] = '';
\$DB['VAULT_DB_PATH'] = '';
\$DB['VAULT_TOKEN'] = '';
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER_NAME = 'nbzbx-lab';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
PHP
  if [ -f "$1" ] && ! grep -q "managed by the nbzbx lab" "$1"; then
    cp -p "$1" "$1.bak.$(date +%s)"; log "existing $1 backed up"
  fi
  chmod 644 "$1.tmp"; mv "$1.tmp" "$1"
}
zabbix_template_db() {  # $1 = template db, $2 = SQL dir (host path), $3 = version mark
  local mark="zabbix $3 schema+images+data, analyzed"
  [ "$(db_comment "$1")" = "$mark" ] && return 0
  local t; t=$(now)
  log "loading the Zabbix $3 schema into $1 (once, about 15 s)"
  psql_admin -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)"
  psql_admin -c "CREATE DATABASE \"$1\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
  zcat "$2/schema.sql.gz" "$2/images.sql.gz" "$2/data.sql.gz" | psql -X -q -v ON_ERROR_STOP=1 -d "$1" >/dev/null
  # without statistics, host.create with a template runs a trigger query for minutes
  psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c 'VACUUM ANALYZE'
  psql_admin -c "COMMENT ON DATABASE \"$1\" IS '$mark'"
  log "$1 ready in $(since "$t")"
}
zabbix_db_matches() {  # $1 = database, $2 = the frontend's defines.inc.php: the frontend accepts it
  local want have
  want=$(sed -nE "s/^define\('ZABBIX_DB_VERSION',[[:space:]]*([0-9]+)\);.*/\1/p" "$2")
  have=$(psql -X -At -d "$1" -c 'SELECT mandatory FROM dbversion')
  [ -n "$want" ] && [ "$want" = "$have" ] \
    || die "$1 has Zabbix DB version ${have:-none}, the frontend ($2) wants ${want:-unknown}"
}
zabbix_serve() {  # $1 = name, $2 = port, $3 = "root" or "host", $4 = database
  local pidf="$RUN/$1$RUN_SUFFIX.pid" logf="$RUN/$1$RUN_SUFFIX.log"
  pid_alive "$pidf" "-S 127.0.0.1:$2" && return 0
  port_open "$2" && die "port $2 is taken by something the lab did not start"
  local php=(php -d memory_limit=1G -d max_execution_time=300 -d post_max_size=64M
    -d date.timezone=UTC -d display_errors=0 -d log_errors=1 -S "127.0.0.1:$2" -t /usr/share/zabbix)
  if [ "$3" = root ]; then
    start_group "$pidf" "$logf" chroot "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin PHP_CLI_SERVER_WORKERS=4 \
      NBZBX_LAB_ZABBIX_DB="$4" "${php[@]}"
  else
    NBZBX_LAB_ZABBIX_DB="$4" PHP_CLI_SERVER_WORKERS=4 start_group "$pidf" "$logf" "${php[@]}"
  fi
  wait_port "$2" "Zabbix ($1)" 30
  local body='{"jsonrpc":"2.0","method":"apiinfo.version","params":{},"id":1}' ver=""
  for _ in $(seq 1 100); do
    ver=$(curl -s -m 5 -H 'Content-Type: application/json-rpc' --data "$body" "http://127.0.0.1:$2/api_jsonrpc.php" || true)
    [[ $ver == *'"result"'* ]] && break; sleep 0.2
  done
  [[ $ver == *'"result"'* ]] || { tail -20 "$logf" >&2; die "Zabbix ($1) API does not answer: ${ver:-nothing}"; }
  log "Zabbix $(sed -E 's/.*"result":"([^"]+)".*/\1/' <<<"$ver") API on http://127.0.0.1:$2/api_jsonrpc.php"
}
zbx60_up() {
  local v; v=$(dpkg-query -W -f='${Version}' zabbix-frontend-php)
  case $v in 1:6.0.*) ;; *) die "host zabbix-frontend-php is $v, expected 1:6.0.x";; esac
  zabbix_template_db zbx60_tpl /usr/share/zabbix-server-pgsql "$v"
  zabbix_db_matches zbx60_tpl /usr/share/zabbix/include/defines.inc.php
  clone_current zbx60_tpl "$ZBX60_DB"
  zabbix_conf /etc/zabbix/zabbix.conf.php zbx60
  zabbix_serve zbx60 "$ZBX60_PORT" host "$ZBX60_DB"
}
zbx70_up() {
  local v; v=$(in_root dpkg-query -W -f='${Version}' zabbix-frontend-php)
  case $v in 1:7.0.*) ;; *) die "the root's zabbix-frontend-php is $v, expected 1:7.0.x";; esac
  zabbix_template_db zbx70_tpl "$ROOT/usr/share/zabbix-server-pgsql" "$v"
  zabbix_db_matches zbx70_tpl "$ROOT/usr/share/zabbix/include/defines.inc.php"
  clone_current zbx70_tpl "$ZBX70_DB"
  zabbix_conf "$ROOT/etc/zabbix/zabbix.conf.php" zbx70
  local pidf="$RUN/zbx70$RUN_SUFFIX.pid"
  if pid_alive "$pidf" "-S 127.0.0.1:$ZBX70_PORT" && ! runs_in_root "$pidf"; then
    log "Zabbix 7.0 runs from another root: starting it from $ROOT"
    stop_group "$pidf" "-S 127.0.0.1:$ZBX70_PORT" "Zabbix 7.0"
  fi
  zabbix_serve zbx70 "$ZBX70_PORT" root "$ZBX70_DB"
}
contract_up() {  # the 7.2, 7.4 and 8.0 contract endpoints: one relay process, host python3
  local pidf="$RUN/zbxcontract$RUN_SUFFIX.pid" p
  pid_alive "$pidf" "zabbix_contract.py --upstream http://127.0.0.1:$ZBX70_PORT/" && return 0
  for p in "$ZBX72_PORT" "$ZBX74_PORT" "$ZBX80_PORT"; do
    port_open "$p" && die "port $p is taken by something the lab did not start"
  done
  start_group "$pidf" "$RUN/zbxcontract$RUN_SUFFIX.log" python3 "$LAB_DIR/zabbix_contract.py" \
    --upstream "http://127.0.0.1:$ZBX70_PORT/api_jsonrpc.php" \
    --serve "7.2=$ZBX72_PORT" --serve "7.4=$ZBX74_PORT" --serve "8.0=$ZBX80_PORT"
  local body='{"jsonrpc":"2.0","method":"apiinfo.version","params":{},"id":1}' ver
  for p in "$ZBX72_PORT" "$ZBX74_PORT" "$ZBX80_PORT"; do
    wait_port "$p" "Zabbix contract endpoint" 20
    ver=$(curl -s -m 5 -H 'Content-Type: application/json-rpc' --data "$body" "http://127.0.0.1:$p/api_jsonrpc.php" || true)
    [[ $ver == *'"result"'* ]] || { tail -20 "$RUN/zbxcontract$RUN_SUFFIX.log" >&2; die "contract endpoint on $p answers: ${ver:-nothing}"; }
    log "Zabbix $(sed -E 's/.*"result": ?"([^"]+)".*/\1/' <<<"$ver") contract endpoint over Zabbix 7.0 on http://127.0.0.1:$p/api_jsonrpc.php"
  done
}

# ------------------------------------------------------------------ the Debian 13 root
root_mounts() {
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
  mountpoint -q "$ROOT/dev" || mount --bind /dev "$ROOT/dev"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  # the registries may sit behind a proxy whose CA only the host trusts
  cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
}
root_unmount() {
  [ -d "$ROOT" ] || return 0
  mountpoint -q "$ROOT/dev" && umount "$ROOT/dev" || true
  mountpoint -q "$ROOT/proc" && umount "$ROOT/proc" || true
}
root_up() {
  if [ -f "$ROOT/.nbzbx-recipe" ] && [ "$(cat "$ROOT/.nbzbx-recipe")" = "$ROOT_RECIPE" ]; then
    root_mounts; return 0
  fi
  local t; t=$(now)
  # what runs from the old root would keep serving its deleted files, in every instance
  for_instances root-services-down
  root_unmount
  rm -rf "$ROOT.build"; mkdir -p "$ROOT.build"
  log "debootstrap Debian 13 into $ROOT (once, about 40 s)"
  debootstrap --variant=minbase --include=python3,python3-venv,python3-dev,ca-certificates \
    trixie "$ROOT.build" "$MIRROR" >"$RUN/debootstrap.log" 2>&1 \
    || { tail -20 "$RUN/debootstrap.log" >&2; die "debootstrap failed (log: $RUN/debootstrap.log)"; }
  rm -rf "$ROOT"; mv "$ROOT.build" "$ROOT"
  root_mounts
  log "installing Zabbix 7.0 from $ROOT_SUITE and build tools in the root (once, about 60 s)"
  echo "deb $MIRROR $ROOT_SUITE main" > "$ROOT/etc/apt/sources.list.d/$ROOT_SUITE.list"
  { in_root apt-get update -qq \
    && with_policy root in_root apt-get install -y -qq --no-install-recommends -t "$ROOT_SUITE" $ROOT_PKGS; } \
    >"$RUN/root-apt.log" 2>&1 \
    || { tail -30 "$RUN/root-apt.log" >&2; die "apt-get in the root failed (log: $RUN/root-apt.log)"; }
  in_root apt-get clean
  log "installing NetBox $NETBOX_VERSION from PyPI in the root (once, about 60 s)"
  { in_root python3 -m venv /opt/netbox-venv \
    && in_root /opt/netbox-venv/bin/pip install -q --disable-pip-version-check \
         --cert /etc/ssl/certs/ca-certificates.crt "netbox==$NETBOX_VERSION" gunicorn; } \
    >"$RUN/root-pip.log" 2>&1 || { tail -30 "$RUN/root-pip.log" >&2; die "pip in the root failed (log: $RUN/root-pip.log)"; }
  echo "$ROOT_RECIPE" > "$ROOT/.nbzbx-recipe"
  log "root ready in $(since "$t")"
}

# ------------------------------------------------------------------ NetBox
NB_HOME=/opt/netbox-lab   # inside the root
netbox_config() {
  local conf=$ROOT$NB_HOME/conf
  mkdir -p "$conf"
  # keys are generated once per cache and kept with it: clones of the template DB must match them
  [ -s "$LAB_CACHE/netbox-secret-key" ] || head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$LAB_CACHE/netbox-secret-key"
  [ -s "$LAB_CACHE/netbox-pepper" ] || head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$LAB_CACHE/netbox-pepper"
  cat > "$conf/configuration.py.tmp" <<PY
# NetBox configuration - managed by the nbzbx lab; one file for every lab instance, each
# started with its database and Redis databases in the environment
import os

REDIS_DB = int(os.environ.get("NBZBX_LAB_REDIS_DB", 0))  # tasks; caching is the next one
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ.get("NBZBX_LAB_NETBOX_DB", "netbox"),
    "USER": "postgres", "PASSWORD": "", "HOST": "127.0.0.1", "PORT": "$PG_PORT", "CONN_MAX_AGE": 0}}
REDIS = {
    "tasks": {"HOST": "127.0.0.1", "PORT": $REDIS_PORT, "DATABASE": REDIS_DB, "SSL": False},
    "caching": {"HOST": "127.0.0.1", "PORT": $REDIS_PORT, "DATABASE": REDIS_DB + 1, "SSL": False},
}
SECRET_KEY = "$(cat "$LAB_CACHE/netbox-secret-key")"
API_TOKEN_PEPPERS = {1: "$(cat "$LAB_CACHE/netbox-pepper")"}
CENSUS_REPORTING_ENABLED = False
RELEASE_CHECK_URL = None
MAX_PAGE_SIZE = 1000
TIME_ZONE = "UTC"
PY
  mv "$conf/configuration.py.tmp" "$conf/configuration.py"
}
netbox_cmd() {  # $1 = database, rest = the netbox command
  local db=$1; shift
  in_root NETBOX_ROOT=$NB_HOME NBZBX_LAB_NETBOX_DB="$db" NBZBX_LAB_REDIS_DB=$NETBOX_REDIS_DB \
    /opt/netbox-venv/bin/netbox "$@"
}
netbox_template_db() {
  local comment; comment=$(db_comment netbox_tpl)
  [ "$comment" = "$NETBOX_MARK" ] && [ -s "$LAB_CACHE/netbox-token" ] && return 0
  local t; t=$(now)
  netbox_config
  if [ "$comment" != "$NETBOX_MIGRATED" ] && [ "$comment" != "$NETBOX_MARK" ]; then
    log "migrating a pristine NetBox database netbox_tpl (once, about 5 minutes on 2 cores)"
    psql_admin -c "DROP DATABASE IF EXISTS netbox_tpl WITH (FORCE)"
    psql_admin -c "CREATE DATABASE netbox_tpl ENCODING 'UTF8' TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
    netbox_cmd netbox_tpl migrate --no-input >"$RUN/netbox-migrate.log" 2>&1 \
      || { tail -30 "$RUN/netbox-migrate.log" >&2; die "netbox migrate failed (log: $RUN/netbox-migrate.log)"; }
    psql_admin -c "COMMENT ON DATABASE netbox_tpl IS '$NETBOX_MIGRATED'"
  fi
  # a superuser with a v2 and a v1 API token, kept in the cache (mode 600), not in the repository
  netbox_cmd netbox_tpl nbshell --command "$(cat <<'PY'
from users.models import Token, User
u, _ = User.objects.get_or_create(username="nbzbx-lab", defaults={"is_superuser": True})
u.is_superuser = True
u.set_password("nbzbx-lab-password")
u.save()
Token.objects.filter(user=u).delete()
t2 = Token(user=u, write_enabled=True, description="nbzbx lab v2")
t2.save()
print("V2=nbt_%s.%s" % (t2.key, t2.token))
try:
    t1 = Token(user=u, write_enabled=True, description="nbzbx lab v1", version=1)
    t1.save()
    print("V1=%s" % t1.token)
except Exception as exc:  # NetBox may no longer issue v1 tokens
    print("V1-unsupported=%s" % type(exc).__name__)
PY
)" >"$RUN/netbox-token.out" 2>"$RUN/netbox-token.log" \
    || { tail -30 "$RUN/netbox-token.log" >&2; die "creating the NetBox API token failed"; }
  psql -X -q -d netbox_tpl -c 'VACUUM ANALYZE'
  umask 077
  grep -E '^V2=' "$RUN/netbox-token.out" | cut -d= -f2- > "$LAB_CACHE/netbox-token"
  grep -E '^V1=' "$RUN/netbox-token.out" | cut -d= -f2- > "$LAB_CACHE/netbox-token-v1" || true
  rm -f "$RUN/netbox-token.out"
  umask 022
  [ -s "$LAB_CACHE/netbox-token" ] || die "no NetBox v2 token was created (log: $RUN/netbox-token.log)"
  psql_admin -c "COMMENT ON DATABASE netbox_tpl IS '$NETBOX_MARK'"
  # a copy made before the tokens existed would not accept them: every instance's
  local copy
  for copy in $(psql_admin -Atc "SELECT datname FROM pg_database WHERE datname ~ '^netbox(_[1-9])?\$'"); do
    psql_admin -c "DROP DATABASE IF EXISTS \"$copy\" WITH (FORCE)"
  done
  log "netbox_tpl ready in $(since "$t")"
}
netbox_up() {
  netbox_template_db
  db_exists "$NETBOX_DB" || clone_db netbox_tpl "$NETBOX_DB"
  netbox_config
  local pidf="$RUN/netbox$RUN_SUFFIX.pid"
  pid_alive "$pidf" "127.0.0.1:$NETBOX_PORT" && return 0
  port_open "$NETBOX_PORT" && die "port $NETBOX_PORT is taken by something the lab did not start"
  local site; site=$(in_root /opt/netbox-venv/bin/python3 -c 'import netbox, os; print(os.path.dirname(os.path.dirname(netbox.__file__)))')
  start_group "$pidf" "$RUN/netbox$RUN_SUFFIX.log" chroot "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin \
    LANG=C.UTF-8 NETBOX_ROOT=$NB_HOME NBZBX_LAB_NETBOX_DB="$NETBOX_DB" NBZBX_LAB_REDIS_DB=$NETBOX_REDIS_DB \
    /opt/netbox-venv/bin/gunicorn --bind "127.0.0.1:$NETBOX_PORT" \
    --workers 3 --timeout 120 --no-control-socket --chdir "$site" netbox.wsgi
  wait_port "$NETBOX_PORT" NetBox 90
  local code=""
  for _ in $(seq 1 150); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 -H "Authorization: Bearer $(cat "$LAB_CACHE/netbox-token")" \
      "http://127.0.0.1:$NETBOX_PORT/api/status/" || true)
    [ "$code" = 200 ] && break; sleep 0.2
  done
  [ "$code" = 200 ] || { tail -30 "$RUN/netbox$RUN_SUFFIX.log" >&2; die "NetBox /api/status/ answered ${code:-nothing}"; }
  log "NetBox $NETBOX_VERSION on http://127.0.0.1:$NETBOX_PORT"
}

# ------------------------------------------------------------------ commands
reset_dbs() {  # fresh copies of the pristine databases (the services reconnect per request)
  clone_db zbx60_tpl "$ZBX60_DB"
  clone_db zbx70_tpl "$ZBX70_DB"
  clone_db netbox_tpl "$NETBOX_DB"
  for d in $PROJECT_DBS; do psql_admin -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)"; psql_admin -c "CREATE DATABASE \"$d\""; done
  log "Zabbix, NetBox, Dagster and state-store databases of lab instance $INSTANCE reset"
}
up() {
  [ "$(id -u)" = 0 ] || die "run as root (packages, chroot, mounts)"
  local t; t=$(now)
  host_packages
  pg_up
  pgbouncer_up
  redis_up
  for d in $PROJECT_DBS; do db_exists "$d" || psql_admin -c "CREATE DATABASE \"$d\""; done
  zbx60_up
  root_up
  zbx70_up
  contract_up
  netbox_up
  log "lab$([ "$INSTANCE" = 1 ] || echo " instance $INSTANCE") up in $(since "$t")"
}
instance_down() {  # the services of one instance (the variables of instance $INSTANCE)
  root_services_down
  stop_group "$RUN/zbxcontract$RUN_SUFFIX.pid" "zabbix_contract.py --upstream http://127.0.0.1:$ZBX70_PORT/" "Zabbix contract endpoints"
  stop_group "$RUN/zbx60$RUN_SUFFIX.pid" "-S 127.0.0.1:$ZBX60_PORT" "Zabbix 6.0"
}
root_services_down() {  # what one instance runs from the Debian 13 root
  stop_group "$RUN/netbox$RUN_SUFFIX.pid" "127.0.0.1:$NETBOX_PORT" NetBox
  stop_group "$RUN/zbx70$RUN_SUFFIX.pid" "-S 127.0.0.1:$ZBX70_PORT" "Zabbix 7.0"
}
for_instances() {  # $1 = function: run it with the variables of every instance that has a PID file
  local n
  for n in 1 2 3 4 5 6 7 8 9; do
    [ "$n" = 1 ] && [ -n "$(ls "$RUN"/{netbox,zbx60,zbx70,zbxcontract}.pid 2>/dev/null)" ] \
      || [ -n "$(ls "$RUN"/*-"$n".pid 2>/dev/null)" ] || continue
    NBZBX_LAB_INSTANCE=$n bash "${BASH_SOURCE[0]}" "$1"
  done
}
down() {  # every instance, then what they share
  for_instances instance-down
  stop_group "$RUN/redis.pid" "127.0.0.1:$REDIS_PORT" Redis
  pgbouncer_down
  pg_down
  root_unmount
}
nbshell() {  # run the Python on standard input in `netbox nbshell` against the lab's NetBox
  netbox_config
  netbox_cmd "$NETBOX_DB" nbshell --command "$(cat)"
}
case ${1:-} in
  up) up ;;
  nbshell) nbshell ;;
  down) down ;;
  reset) reset_dbs ;;
  root) root_up ;;
  instance-down) instance_down ;;
  root-services-down) root_services_down ;;
  *) die "usage: lab.sh up|down|reset|nbshell" ;;
esac
