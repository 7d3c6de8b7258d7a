-- Validation findings a claim was accepted with: warnings, and profile-conformance errors that
-- do not refuse a claim (JSON array of {rule, severity, expression, message}).
ALTER TABLE claims ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';
