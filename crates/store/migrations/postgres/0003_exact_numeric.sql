-- Amounts and quantities as unconstrained NUMERIC: stored exactly as received, like SQLite's
-- decimal text (NUMERIC(18,4) rounded beyond four decimals and overflowed beyond 14 digits).
ALTER TABLE claims ALTER COLUMN total_amount TYPE NUMERIC;
ALTER TABLE claims ALTER COLUMN approved_amount TYPE NUMERIC;
ALTER TABLE claim_items ALTER COLUMN quantity TYPE NUMERIC;
ALTER TABLE claim_items ALTER COLUMN unit_price TYPE NUMERIC;
ALTER TABLE claim_items ALTER COLUMN factor TYPE NUMERIC;
ALTER TABLE claim_items ALTER COLUMN tax TYPE NUMERIC;
ALTER TABLE claim_items ALTER COLUMN patient_share TYPE NUMERIC;
ALTER TABLE claim_items ALTER COLUMN net TYPE NUMERIC;
