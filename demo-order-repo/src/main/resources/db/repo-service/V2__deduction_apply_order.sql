-- The order in which deductions were applied: numbered when the row goes in, in the listener's
-- transaction. With ordered messages the next one of a key is delivered only after this row of the
-- one ahead of it committed, so per key it follows the prepare order (the chaos test checks it).
ALTER TABLE stock_deduction
  ADD COLUMN applied_seq BIGINT NOT NULL AUTO_INCREMENT,
  ADD UNIQUE KEY uk_stock_deduction_applied_seq (applied_seq);
