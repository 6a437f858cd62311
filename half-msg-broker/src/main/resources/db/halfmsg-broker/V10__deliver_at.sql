-- When a delayed message may be forwarded at the earliest (the prepare's deliverAfterMs or
-- deliverAt, UTC); NULL for the others. A message committed before then is held COMMITTED with
-- next_check_at = deliver_at, so the forward recovery claim on (state, next_check_at) finds it when
-- it is due and no other index is needed. Nullable: an instant change on MySQL 8.
ALTER TABLE hm_message ADD COLUMN deliver_at DATETIME(6) NULL;
