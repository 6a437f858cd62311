-- Check-back endpoints of producer instances. Each instance re-registers (heartbeat) its URL;
-- rows not seen for halfmsg.check-back.endpoint-ttl are no longer called.
CREATE TABLE hm_producer_endpoint (
  id             BIGINT       NOT NULL AUTO_INCREMENT,
  producer_group VARCHAR(127) NOT NULL,
  check_back_url VARCHAR(512) NOT NULL,
  instance_id    VARCHAR(128) NULL,
  registered_at  DATETIME(6)  NOT NULL,
  last_seen_at   DATETIME(6)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_hm_producer_endpoint (producer_group, check_back_url),
  KEY idx_hm_producer_endpoint_seen (last_seen_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
