-- Claims engine core (SQLite). Keep in step with ../postgres/0001_claims_core.sql:
-- same tables, columns and constraints; only the column types differ.
-- UUIDs are 16-byte BLOBs, times RFC 3339 TEXT in UTC, money exact decimal TEXT.

CREATE TABLE patients (
    id                BLOB PRIMARY KEY,
    identifier_system TEXT NOT NULL,
    identifier_value  TEXT NOT NULL,
    identifier_type   TEXT,
    name_en           TEXT,
    name_ar           TEXT,
    birth_date        TEXT,
    gender            TEXT,
    mobile            TEXT,
    email             TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (identifier_system, identifier_value)
);

CREATE TABLE claims (
    id               BLOB PRIMARY KEY,
    claim_system     TEXT,
    claim_number     TEXT NOT NULL,
    patient_id       BLOB NOT NULL REFERENCES patients (id),
    provider_license TEXT NOT NULL,
    payer_license    TEXT NOT NULL,
    encounter_ref    TEXT,
    claim_use        TEXT NOT NULL,
    claim_type       TEXT NOT NULL,
    sub_type         TEXT,
    status           TEXT NOT NULL,
    total_amount     TEXT NOT NULL,
    currency         TEXT NOT NULL,
    approved_amount  TEXT,
    bundle           TEXT NOT NULL,
    bundle_sha256    TEXT NOT NULL,
    submission_id    TEXT NOT NULL UNIQUE,
    submitted_at     TEXT NOT NULL,
    adjudicated_at   TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (provider_license, claim_number)
);

CREATE INDEX claims_patient_idx   ON claims (patient_id);
CREATE INDEX claims_status_idx    ON claims (status, submitted_at DESC, id DESC);
CREATE INDEX claims_provider_idx  ON claims (provider_license, submitted_at DESC, id DESC);
CREATE INDEX claims_payer_idx     ON claims (payer_license, submitted_at DESC, id DESC);
CREATE INDEX claims_submitted_idx ON claims (submitted_at DESC, id DESC);

CREATE TABLE claim_items (
    claim_id        BLOB NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    sequence        INTEGER NOT NULL,
    service_system  TEXT,
    service_code    TEXT,
    service_display TEXT,
    quantity        TEXT,
    unit_price      TEXT,
    factor          TEXT,
    tax             TEXT,
    patient_share   TEXT,
    net             TEXT,
    serviced        TEXT,
    PRIMARY KEY (claim_id, sequence)
);

CREATE TABLE claim_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id    BLOB NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    note        TEXT,
    at          TEXT NOT NULL
);
CREATE INDEX claim_events_claim_idx ON claim_events (claim_id, id);

CREATE TABLE audit_logs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    ip          TEXT,
    user_agent  TEXT,
    changes     TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX audit_logs_entity_idx ON audit_logs (entity_type, entity_id);
CREATE INDEX audit_logs_at_idx ON audit_logs (at);
