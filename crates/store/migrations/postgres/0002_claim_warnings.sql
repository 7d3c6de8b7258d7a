-- Validation warnings a claim was accepted with (JSON array of {rule, severity, expression, message}).
ALTER TABLE claims ADD COLUMN warnings JSONB NOT NULL DEFAULT '[]';
