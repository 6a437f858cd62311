-- Ordered messages. A message prepared with a sharding key holds its (topic, key) from its prepare
-- until every subscribed group acked it (or it is rolled back, or an operator releases it); only
-- the oldest holder of a key, its head, is forwarded. Nullable column: an instant change on MySQL 8.
ALTER TABLE hm_message ADD COLUMN sharding_key VARCHAR(128) NULL;

-- The messages that hold a key, in prepare order (message_pk is hm_message.id). Rows are deleted
-- when released, so the table holds only what is still waiting or in flight, and the head of a
-- key is the first row of its primary-key range.
CREATE TABLE hm_key_queue (
  topic        VARCHAR(127) NOT NULL,
  sharding_key VARCHAR(128) NOT NULL,
  message_pk   BIGINT       NOT NULL,
  message_id   VARCHAR(64)  NOT NULL,
  PRIMARY KEY (topic, sharding_key, message_pk),
  UNIQUE KEY uk_hm_key_queue_message_id (message_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
