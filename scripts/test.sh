#!/usr/bin/env bash
# Runs every test of halfmsg, on a machine that has a JDK 17+.
#
# Tests need a MySQL-compatible server. If HALFMSG_TEST_DB_URL is set, that server is used as is
# (with HALFMSG_TEST_DB_USER / HALFMSG_TEST_DB_PASSWORD). Otherwise the local MariaDB at
# 127.0.0.1:3306 is used: started if it is installed but stopped, installed with apt-get if missing
# (as root), and its root user given an empty password over TCP if it has none yet.
# promtool (Debian's prometheus package), which tests the alert rules, and Debian's chromium and
# chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver), which the console's browser test
# drives, are installed with apt-get (as root) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test.sh] %s\n' "$*"; }

can_login() {
  mariadb --protocol=TCP -h 127.0.0.1 -P 3306 -u root -e 'SELECT 1' >/dev/null 2>&1 \
    || mysql --protocol=TCP -h 127.0.0.1 -P 3306 -u root -e 'SELECT 1' >/dev/null 2>&1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

start_mariadb() {
  as_root mkdir -p /run/mysqld
  as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 60); do
    if mariadb-admin --protocol=socket ping >/dev/null 2>&1 || can_login; then return 0; fi
    sleep 1
  done
  log "MariaDB did not come up within 60 s"; return 1
}

provision_database() {
  if [ -n "${HALFMSG_TEST_DB_URL:-}" ]; then
    log "using the database server at HALFMSG_TEST_DB_URL"
    return 0
  fi
  if can_login; then
    log "MariaDB/MySQL is up at 127.0.0.1:3306"
    return 0
  fi
  if [ ! -x /usr/sbin/mariadbd ]; then
    log "installing MariaDB with apt-get"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
  fi
  if ! mariadb-admin --protocol=socket ping >/dev/null 2>&1; then
    log "starting MariaDB"
    start_mariadb
  fi
  if ! can_login; then
    # A fresh Debian install lets root in only through the unix socket.
    log "allowing root@localhost over TCP with an empty password (test machines only)"
    as_root mariadb --protocol=socket -e \
      "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')"
  fi
  can_login || { log "cannot log in to MariaDB at 127.0.0.1:3306 as root"; return 1; }
}

# Installs Debian packages unless every one of the given files exists already.
apt_install_unless_present() {
  local what="$1" packages="$2"; shift 2
  local missing=0
  for f in "$@"; do [ -x "$f" ] || missing=1; done
  if [ "$missing" -eq 0 ]; then return 0; fi
  log "installing $what with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  for f in "$@"; do [ -x "$f" ] || { log "$f is still missing"; return 1; }; done
}

provision_database
apt_install_unless_present "promtool (Debian's prometheus package)" prometheus /usr/bin/promtool
apt_install_unless_present "chromium and chromium-driver" "chromium chromium-driver" \
  /usr/bin/chromium /usr/bin/chromedriver
exec ./mvnw -B -ntp verify "$@"
