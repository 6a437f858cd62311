#!/usr/bin/env bash
# The quick start: builds halfmsg and runs the demo scenario in one process — the broker on an
# embedded H2 store, an embedded RocketMQ, order-service and repo-service on their own H2
# databases — and prints the summary. Needs only a JDK 17 (the Maven wrapper fetches Maven).
# Exit code 0 means CONSISTENT. Options go to the demo: --orders=N --lost-commits=N --verbose
# --stay (ports 8080-8082 and keep running for the README's curl walkthrough).
set -euo pipefail
cd "$(dirname "$0")/.."
java_version=$(java -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java.specification.version = //p') || true
if [ -z "${java_version}" ] || [ "${java_version%%.*}" -lt 17 ]; then
  echo "halfmsg needs a JDK 17 or newer on the PATH (found: ${java_version:-no java})." >&2
  exit 2
fi
echo "Building halfmsg (the first build downloads dependencies; that takes a few minutes) ..."
./mvnw -B -q -ntp -DskipTests -pl halfmsg-standalone -am package
jar=$(ls -t halfmsg-standalone/target/halfmsg-standalone-*.jar | head -n 1)
exec java -jar "$jar" demo "$@"
