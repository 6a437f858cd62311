CREATE TABLE t_order (
  order_no   VARCHAR(64) NOT NULL,
  product    VARCHAR(64) NOT NULL,
  quantity   INT         NOT NULL,
  message_id VARCHAR(64) NOT NULL,   -- the repo_deduction message at the halfmsg broker
  created_at DATETIME(6) NOT NULL,   -- UTC
  PRIMARY KEY (order_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
