-- Who did what a history line tells, for operators' actions (resolve, re-arm, replay): a named
-- admin token's name, the X-Halfmsg-Operator header, or "admin". NULL for the broker's own events.
ALTER TABLE hm_message_event ADD COLUMN actor VARCHAR(64) NULL;
