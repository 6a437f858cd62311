#!/usr/bin/env bash
# halfmsg as SDK users get it, against RocketMQ's native transactional messages: RocketMQ, the
# halfmsg broker (its executable jar) and the workload driver (this script's JVM, holding the SDKs)
# in separate processes, on the local MariaDB. See BENCHMARKS.md.
#
#   scripts/bench.sh                       # the full run (about 20 minutes on 2 cores)
#   scripts/bench.sh --smoke               # a tiny run, about a minute
#   scripts/bench.sh -Dbench.messages=2000 -Dbench.threads=16 -Dbench.openLoop.rates=200
#   scripts/bench.sh -Dbench.jfr=true      # JFR recordings of the driver, broker and RocketMQ
#
# -D options go to the driver's JVM; --smoke and --bench.<name>=<value> are its arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
command_line="scripts/bench.sh $*"
jvm_opts=()
args=()
jfr=false
for a in "$@"; do
  case "$a" in
    -D*|-X*) jvm_opts+=("$a") ;;
    *) args+=("$a") ;;
  esac
  if [[ "$a" == "-Dbench.jfr=true" || "$a" == "--bench.jfr=true" ]]; then jfr=true; fi
done
out=benchmarks/target/bench
for a in "${jvm_opts[@]}" "${args[@]}"; do
  case "$a" in
    -Dbench.outputDir=*|--bench.outputDir=*) out="${a#*=}" ;;
  esac
done
mkdir -p "$out"
if [[ "$jfr" == true ]]; then
  jvm_opts+=("-XX:StartFlightRecording=filename=$out/driver.jfr,settings=profile,dumponexit=true"
    "-XX:FlightRecorderOptions=stackdepth=256")
fi

# A reactor build, not install: nothing is written to ~/.m2. It packages the broker's executable
# jar too (benchmarks depends on half-msg-broker for its smoke test).
# One reactor invocation for both goals: the class path then names the sibling modules' fresh
# builds. A separate build-classpath call would resolve them from ~/.m2, where an old install
# (or none, on a clean machine) would silently be benchmarked instead of this checkout.
./mvnw -B -q -ntp -pl benchmarks -am package dependency:build-classpath -DskipTests \
  -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt
broker_jar=$(ls half-msg-broker/target/half-msg-broker-*.jar | grep -v -e '-lib.jar$' -e '-tests.jar$' | head -1)

# If the driver is killed outright (SIGKILL) its shutdown hooks cannot stop the processes it
# started; they are listed in children.pids and carry a marker on their command line.
cleanup() {
  [[ -f "$out/children.pids" ]] || return 0
  while read -r pid; do
    if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'halfmsg.bench.child=true'; then
      kill "$pid" 2>/dev/null || true
    fi
  done <"$out/children.pids"
}
trap cleanup EXIT

# Defaults first: the caller's -D options come later and win.
java -Xmx1g -Dbench.brokerJar="$broker_jar" -Dbench.outputDir="$out" \
  "-Dbench.command=$command_line" "${jvm_opts[@]}" \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.halfmsg.benchmarks.SdkBenchmark "${args[@]}"
