-- Claims engine core (PostgreSQL, schema healthcare). Keep in step with
-- ../sqlite/0001_claims_core.sql: same tables, columns and constraints.

CREATE TABLE patients (
    id                UUID PRIMARY KEY,
    identifier_system TEXT NOT NULL,
    identifier_value  TEXT NOT NULL,
    identifier_type   TEXT,
    name_en           TEXT,
    name_ar           TEXT,
    birth_date        TEXT,
    gender            TEXT,
    mobile            TEXT,
    email             TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (identifier_system, identifier_value)
);

CREATE TABLE claims (
    id               UUID PRIMARY KEY,
    claim_system     TEXT,
    claim_number     TEXT NOT NULL,
    patient_id       UUID NOT NULL REFERENCES patients (id),
    provider_license TEXT NOT NULL,
    payer_license    TEXT NOT NULL,
    encounter_ref    TEXT,
    claim_use        TEXT NOT NULL,
    claim_type       TEXT NOT NULL,
    sub_type         TEXT,
    status           TEXT NOT NULL,
    total_amount     NUMERIC(18, 4) NOT NULL,
    currency         TEXT NOT NULL,
    approved_amount  NUMERIC(18, 4),
    bundle           JSONB NOT NULL,
    bundle_sha256    TEXT NOT NULL,
    submission_id    TEXT NOT NULL UNIQUE,
    submitted_at     TIMESTAMPTZ NOT NULL,
    adjudicated_at   TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (provider_license, claim_number)
);

CREATE INDEX claims_patient_idx   ON claims (patient_id);
CREATE INDEX claims_status_idx    ON claims (status, submitted_at DESC, id DESC);
CREATE INDEX claims_provider_idx  ON claims (provider_license, submitted_at DESC, id DESC);
CREATE INDEX claims_payer_idx     ON claims (payer_license, submitted_at DESC, id DESC);
CREATE INDEX claims_submitted_idx ON claims (submitted_at DESC, id DESC);

CREATE TABLE claim_items (
    claim_id        UUID NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    sequence        INTEGER NOT NULL,
    service_system  TEXT,
    service_code    TEXT,
    service_display TEXT,
    quantity        NUMERIC(18, 4),
    unit_price      NUMERIC(18, 4),
    factor          NUMERIC(18, 4),
    tax             NUMERIC(18, 4),
    patient_share   NUMERIC(18, 4),
    net             NUMERIC(18, 4),
    serviced        TEXT,
    PRIMARY KEY (claim_id, sequence)
);

CREATE TABLE claim_events (
    id          BIGSERIAL PRIMARY KEY,
    claim_id    UUID NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    note        TEXT,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX claim_events_claim_idx ON claim_events (claim_id, id);

CREATE TABLE audit_logs (
    id          BIGSERIAL PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    ip          TEXT,
    user_agent  TEXT,
    changes     JSONB NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_logs_entity_idx ON audit_logs (entity_type, entity_id);
CREATE INDEX audit_logs_at_idx ON audit_logs (at);
