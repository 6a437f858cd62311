-- The order in which deductions were applied: numbered when the row goes in, in the listener's
-- transaction. With ordered messages the next one of a key is delivered only after this row of the
-- one ahead of it committed, so per key it follows the prepare order (the chaos test checks it).
-- One alteration per statement, with the key inline: the standalone demo runs this on H2 too.
ALTER TABLE stock_deduction ADD COLUMN applied_seq BIGINT NOT NULL AUTO_INCREMENT UNIQUE;
