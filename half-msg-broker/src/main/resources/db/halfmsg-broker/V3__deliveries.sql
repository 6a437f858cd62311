-- Consumer groups whose acks the broker waits for, per topic.
CREATE TABLE hm_subscription (
  consumer_group VARCHAR(127) NOT NULL,
  topic          VARCHAR(127) NOT NULL,
  ack_timeout_ms BIGINT       NOT NULL,
  max_attempts   INT          NOT NULL,
  updated_at     DATETIME(6)  NOT NULL,
  PRIMARY KEY (consumer_group, topic),
  KEY idx_hm_subscription_topic (topic)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One delivery per committed message and subscribed group, created in the commit transaction.
-- The group's ack timeout and attempt limit are copied in so that the redelivery scanner's claim
-- locks delivery rows only.
CREATE TABLE hm_delivery (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  message_id      VARCHAR(64)  NOT NULL,
  consumer_group  VARCHAR(127) NOT NULL,
  topic           VARCHAR(127) NOT NULL,
  state           VARCHAR(16)  NOT NULL,
  attempts        INT          NOT NULL,
  max_attempts    INT          NOT NULL,
  ack_timeout_ms  BIGINT       NOT NULL,
  next_attempt_at DATETIME(6)  NOT NULL,
  last_error      VARCHAR(512) NULL,
  version         INT          NOT NULL,
  created_at      DATETIME(6)  NOT NULL,
  acked_at        DATETIME(6)  NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_hm_delivery_message_group (message_id, consumer_group),
  KEY idx_hm_delivery_state_next (state, next_attempt_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
