-- When RocketMQ confirmed the message (state FORWARDED), for the message's history. Written by the
-- same UPDATE that sets FORWARDED, so it costs no extra statement. Nullable: an instant change on
-- MySQL 8, and rows forwarded before this migration have none.
ALTER TABLE hm_message ADD COLUMN forwarded_at DATETIME(6) NULL;
