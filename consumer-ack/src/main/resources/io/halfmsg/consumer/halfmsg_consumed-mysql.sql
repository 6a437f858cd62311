-- halfmsg consumer-ack: the dedupe table, one row per (consumer group, message) applied.
-- Put it into your own migrations (Flyway, Liquibase), or let the consumer create it at start-up
-- (auto-create-dedupe-table). The row is inserted in the same local transaction as the handler's
-- work; a message whose row exists is skipped. consumed_at is UTC. Rows may be deleted once the
-- broker can no longer redeliver the message (after its retention, and never while a delivery of
-- it is DEAD and may be replayed).
CREATE TABLE IF NOT EXISTS halfmsg_consumed (
  consumer_group VARCHAR(127) NOT NULL,
  message_id     VARCHAR(64)  NOT NULL,
  consumed_at    DATETIME(6)  NOT NULL,
  PRIMARY KEY (consumer_group, message_id),
  KEY idx_halfmsg_consumed_at (consumed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
