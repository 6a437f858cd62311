/**
 * JDBC plumbing the two SDKs share (the producer's barrier table, the consumer's dedupe table): one
 * transaction helper and one way to name and create an SDK table. Not part of the wire contract;
 * applications use the SDKs' own types.
 */
package io.halfmsg.api.jdbc;
