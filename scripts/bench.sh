#!/usr/bin/env bash
# Measures the hot path side by side with RocketMQ's native transactional messages (see
# benchmarks/). Needs the same database as the tests (scripts/test.sh explains); extra arguments
# go to the benchmark's JVM, e.g. -Dbench.messages=50000 -Dbench.threads=64.
set -euo pipefail
cd "$(dirname "$0")/.."
# A reactor build, not install: nothing is written to ~/.m2, and the benchmark gets a JVM of its
# own rather than sharing Maven's.
./mvnw -B -q -ntp -pl benchmarks -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/classpath.txt
exec java "$@" -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.halfmsg.benchmarks.HotPathBenchmark
