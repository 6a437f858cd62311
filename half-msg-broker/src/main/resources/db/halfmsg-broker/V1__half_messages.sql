-- Half messages. One row per message for its whole life; state changes are conditional updates.
-- Times are UTC, written by the application from its clock (never NOW(), so the session time zone
-- cannot shift them).
CREATE TABLE hm_message (
  id             BIGINT       NOT NULL AUTO_INCREMENT,
  message_id     VARCHAR(64)  NOT NULL,
  producer_group VARCHAR(127) NOT NULL,
  topic          VARCHAR(127) NOT NULL,
  tag            VARCHAR(127) NULL,
  msg_keys       VARCHAR(1024) NULL,
  body           MEDIUMBLOB   NOT NULL,
  body_encoding  VARCHAR(8)   NOT NULL,
  properties     TEXT         NULL,
  state          VARCHAR(16)  NOT NULL,
  check_count    INT          NOT NULL,
  next_check_at  DATETIME(6)  NOT NULL,
  version        INT          NOT NULL,
  created_at     DATETIME(6)  NOT NULL,
  resolved_at    DATETIME(6)  NULL,
  resolved_by    VARCHAR(16)  NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_hm_message_message_id (message_id),
  KEY idx_hm_message_state_next_check (state, next_check_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
