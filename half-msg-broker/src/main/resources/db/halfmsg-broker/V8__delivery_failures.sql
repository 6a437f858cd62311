-- Why each of a delivery's latest attempts failed (the last few are kept, see DeliveryFailures):
-- the group did not ack in time, the send to RocketMQ failed, the message was not stored in
-- RocketMQ yet, the message is gone. fingerprint groups DEAD deliveries by cause: a hash of the
-- cause, the error class and the error message without its numbers. Rows go with their message
-- (retention).
CREATE TABLE hm_delivery_failure (
  id             BIGINT       NOT NULL AUTO_INCREMENT,
  message_id     VARCHAR(64)  NOT NULL,
  consumer_group VARCHAR(127) NOT NULL,
  attempt        INT          NOT NULL,
  failed_at      DATETIME(6)  NOT NULL,
  cause          VARCHAR(16)  NOT NULL,
  error_class    VARCHAR(255) NULL,
  detail         VARCHAR(512) NULL,
  fingerprint    CHAR(16)     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_hm_delivery_failure_delivery (message_id, consumer_group, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
