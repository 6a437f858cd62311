package io.halfmsg.benchmarks;

/**
 * Counted in the application's database after a workload, against what its sends reported: every
 * committed order is there, and each consumer group applied every message exactly once (one dedupe
 * row each), warm-up rounds included.
 */
record DatabaseCheck(String workload, String what, long expected, long found) {

  boolean passed() {
    return expected == found;
  }
}
