package io.halfmsg.broker.admin;

/** How many rows are in one state. */
record StateCount(String state, long count) {}
