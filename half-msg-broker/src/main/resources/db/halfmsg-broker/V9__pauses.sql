-- Topics whose forwarding and redelivery, and consumer groups whose redelivery, an operator has
-- paused. Prepares and commits go on; the paused messages wait. In the database, so that a pause
-- holds on every instance and survives restarts; the claims of the recovery and redelivery
-- scanners skip what it names (NOT EXISTS), and each instance's fast path checks a copy that it
-- reloads every halfmsg.pause.refresh-interval.
CREATE TABLE hm_pause (
  kind      VARCHAR(16)  NOT NULL,
  name      VARCHAR(127) NOT NULL,
  paused_at DATETIME(6)  NOT NULL,
  paused_by VARCHAR(64)  NOT NULL,
  reason    VARCHAR(200) NOT NULL,
  PRIMARY KEY (kind, name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
