-- PostgreSQL moves to unconstrained NUMERIC in this version; SQLite already stores amounts as
-- exact decimal text, so nothing changes here. Kept so both engines share version numbers.
SELECT 1;
