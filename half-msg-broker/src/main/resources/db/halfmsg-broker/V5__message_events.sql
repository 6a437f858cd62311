-- A message's history beyond what its own row and its deliveries show: check-back answers,
-- parking, deliveries going DEAD, replays. Only events off the hot path are written here; the
-- prepare, the producer's decision and acks are read from hm_message and hm_delivery. Rows go with
-- their message (retention).
CREATE TABLE hm_message_event (
  id             BIGINT       NOT NULL AUTO_INCREMENT,
  message_id     VARCHAR(64)  NOT NULL,
  occurred_at    DATETIME(6)  NOT NULL,
  event          VARCHAR(32)  NOT NULL,
  consumer_group VARCHAR(127) NULL,
  detail         VARCHAR(512) NULL,
  PRIMARY KEY (id),
  KEY idx_hm_message_event_message (message_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
