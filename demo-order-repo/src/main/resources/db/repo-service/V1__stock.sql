CREATE TABLE stock (
  product   VARCHAR(64) NOT NULL,
  available INT         NOT NULL,
  deducted  INT         NOT NULL DEFAULT 0,
  PRIMARY KEY (product)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per applied deduction: what the scenario compares with order-service's orders.
CREATE TABLE stock_deduction (
  message_id VARCHAR(64) NOT NULL,
  order_no   VARCHAR(64) NOT NULL,
  product    VARCHAR(64) NOT NULL,
  quantity   INT         NOT NULL,
  PRIMARY KEY (message_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT INTO stock (product, available) VALUES
  ('keyboard', 1000),
  ('mouse', 1000),
  ('monitor', 1000),
  ('headset', 1000);
