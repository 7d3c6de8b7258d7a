-- Validation warnings a claim was accepted with (JSON array of {rule, severity, expression, message}).
ALTER TABLE claims ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
