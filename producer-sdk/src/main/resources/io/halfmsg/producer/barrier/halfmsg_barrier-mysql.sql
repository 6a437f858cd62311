-- halfmsg producer-sdk: the barrier table behind automatic check-back (MySQL 8 / MariaDB 10.6+).
-- Put it into your own migrations (Flyway, Liquibase), or let the SDK create it at start-up
-- (halfmsg.producer.barrier.auto-create, or BarrierTable#create).
--
-- One row per message:
--   state 'COMMIT'   inserted by the local transaction itself, so it exists iff that transaction
--                    committed;
--   state 'ROLLBACK' the marker a check-back inserts when it finds no row; from then on the
--                    local transaction can no longer commit (its own insert hits the primary key).
-- created_at is UTC. Rows may be deleted once the broker can no longer ask about the message
-- (after its retention; keep at least a few days).
CREATE TABLE IF NOT EXISTS halfmsg_barrier (
  message_id VARCHAR(64) NOT NULL,
  state      VARCHAR(8)  NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (message_id),
  KEY idx_halfmsg_barrier_created_at (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = ascii COLLATE = ascii_bin
