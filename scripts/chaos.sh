#!/usr/bin/env bash
# The chaos run on demand (see RELIABILITY.md): every process of a halfmsg deployment killed at its
# worst moment while orders flow, round after round, then the guarantees checked in SQL. The build
# runs one round; this runs as many as fit in --duration.
#
#   ./scripts/chaos.sh --duration=30m [--rate=20] [--clients=8] [--calm-orders=30] [--quiescence=5m]
#
# Needs a JDK 17+ and MariaDB's server binaries (mariadbd, mariadb-install-db; scripts/test.sh
# installs them); it starts a MariaDB server of its own and leaves the machine's alone. The report
# is printed and written to chaos/target/chaos/report.md, beside every process's log.
set -euo pipefail
cd "$(dirname "$0")/.."
props=()
for arg in "$@"; do
  case "$arg" in
    --duration=*|--rate=*|--clients=*|--calm-orders=*|--quiescence=*)
      name=${arg%%=*}; props+=("-Dchaos.${name#--}=${arg#*=}") ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done
if ! command -v mariadbd >/dev/null && [ ! -x /usr/sbin/mariadbd ]; then
  echo "The chaos run needs MariaDB's server binaries: apt-get install mariadb-server" >&2
  exit 2
fi
export PATH="$PATH:/usr/sbin"
exec ./mvnw -B -ntp -pl chaos -am verify -Dtest=ChaosTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmdep.analyze.skip=true "${props[@]}"
