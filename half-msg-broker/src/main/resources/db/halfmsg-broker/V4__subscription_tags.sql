-- A group may consume only some tags of a topic: NULL means every tag, otherwise the tags
-- joined by '||' without spaces.
ALTER TABLE hm_subscription ADD COLUMN tags VARCHAR(1024) NULL;
