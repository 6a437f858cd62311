#!/usr/bin/env bash
# Measures the hot path side by side with RocketMQ's native transactional messages (see
# benchmarks/). Needs the same database as the tests (scripts/test.sh explains); extra arguments
# go to the JVM, e.g. -Dbench.messages=50000 -Dbench.threads=64.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp install -DskipTests -pl benchmarks -am
./mvnw -B -q -ntp -pl benchmarks exec:java -Dexec.args="" "$@"
