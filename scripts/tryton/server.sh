#!/usr/bin/env bash
# A real Tryton 6.0 server (Debian bookworm's packages) on SQLite and 127.0.0.1, for the
# contract suite and the end-to-end test. CI and developers run the same script.
#
#   bash scripts/tryton/server.sh start   # install if needed, create the database, start, wait
#   bash scripts/tryton/server.sh stop    # stop the server (the database stays)
#   bash scripts/tryton/server.sh reset   # stop and delete everything under .tryton/
#
# `start` writes the connection settings to .tryton/env (shell syntax, sourced or read by the
# tests): TRYTON_URL, TRYTON_DB, TRYTON_LOGIN, TRYTON_PASSWORD_FILE, TRYTON_DB_DIR and
# TRYTON_TEMPLATE (a pristine copy of the database that tests clone into TRYTON_DB_DIR). Override the folder with
# TRYTON_HOME. Installing the packages needs root (CI runs as root).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HOME_DIR="${TRYTON_HOME:-$ROOT/.tryton}"
DB=tandem
LOGIN=admin
MODULES=(party company product account account_invoice sale sale_opportunity)
PACKAGES=(tryton-server tryton-modules-party tryton-modules-company tryton-modules-product
  tryton-modules-account tryton-modules-account-invoice tryton-modules-sale tryton-modules-sale-opportunity)

log() { echo "== tryton: $*"; }

install_packages() {
  local missing=()
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "packages already installed"
    return
  fi
  log "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

write_config() {
  local port="$1"
  cat >"$HOME_DIR/trytond.conf" <<EOF
[database]
uri = sqlite://
path = $HOME_DIR/db

[web]
listen = 127.0.0.1:$port

[session]
# Tests log in often, and log in with bad credentials on purpose: never rate limit them.
max_attempt = 1000
max_attempt_ip_network = 100000
EOF
}

create_database() {
  if [ -s "$HOME_DIR/db/$DB.sqlite" ] && [ -f "$HOME_DIR/db/.ready" ]; then
    log "database $DB exists"
    return
  fi
  rm -rf "$HOME_DIR/db"
  mkdir -p "$HOME_DIR/db"
  # trytond's SQLite backend opens <path>/<db>.sqlite and does not create it: it must exist first.
  touch "$HOME_DIR/db/$DB.sqlite"
  log "creating database $DB with ${MODULES[*]}"
  TRYTONPASSFILE="$HOME_DIR/password" trytond-admin -c "$HOME_DIR/trytond.conf" -d "$DB" --all \
    --email admin@tandem.example >"$HOME_DIR/admin.log" 2>&1
  trytond-admin -c "$HOME_DIR/trytond.conf" -d "$DB" -u "${MODULES[@]}" --activate-dependencies \
    >>"$HOME_DIR/admin.log" 2>&1
  # A pristine copy that tests clone for databases of their own; the `tandem` database is yours.
  cp "$HOME_DIR/db/$DB.sqlite" "$HOME_DIR/db/template.sqlite.orig"
  touch "$HOME_DIR/db/.ready"
}

running() {
  [ -f "$HOME_DIR/trytond.pid" ] && kill -0 "$(cat "$HOME_DIR/trytond.pid")" 2>/dev/null
}

stop() {
  if running; then
    local pid
    pid="$(cat "$HOME_DIR/trytond.pid")"
    log "stopping pid $pid"
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$HOME_DIR/trytond.pid" "$HOME_DIR/env"
}

start() {
  local started=$SECONDS
  install_packages
  mkdir -p "$HOME_DIR"
  chmod 700 "$HOME_DIR"
  [ -s "$HOME_DIR/password" ] || (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(18))' >"$HOME_DIR/password")
  stop
  local port
  port="$(free_port)"
  write_config "$port"
  create_database
  log "starting trytond on 127.0.0.1:$port"
  # Tryton stores naive UTC datetimes; its SQLite NOW() is the server's local time, so pin UTC.
  TZ=UTC nohup trytond -c "$HOME_DIR/trytond.conf" >"$HOME_DIR/trytond.log" 2>&1 &
  echo $! >"$HOME_DIR/trytond.pid"
  local url="http://127.0.0.1:$port"
  for _ in $(seq 100); do
    if curl -sf -H 'content-type: application/json' \
      -d '{"id": 0, "method": "common.server.version", "params": []}' "$url/" >/dev/null 2>&1; then
      cat >"$HOME_DIR/env" <<EOF
TRYTON_URL=$url
TRYTON_DB=$DB
TRYTON_LOGIN=$LOGIN
TRYTON_PASSWORD_FILE=$HOME_DIR/password
TRYTON_DB_DIR=$HOME_DIR/db
TRYTON_TEMPLATE=$HOME_DIR/db/template.sqlite.orig
EOF
      log "ready at $url (db $DB, login $LOGIN) in $((SECONDS - started)) s; settings in $HOME_DIR/env"
      return
    fi
    running || break
    sleep 0.2
  done
  log "trytond did not answer; its log:"
  tail -n 40 "$HOME_DIR/trytond.log" >&2 || true
  exit 1
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  reset) stop; rm -rf "$HOME_DIR" ;;
  *) echo "usage: $0 start|stop|reset" >&2; exit 2 ;;
esac
