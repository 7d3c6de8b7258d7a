//! Accepting a claim: the one write path into `claims`.
//!
//! Every submission goes to a committer task (one per process), which takes all the claims
//! waiting at that moment and writes them in one transaction: one multi-row statement per table
//! for the whole batch ([`write_batch!`]), one commit. Only after the commit is each request
//! answered, so a 201 still means "on disk", while the cost of a commit (an fsync) and of each
//! statement round trip is shared by the batch.
//!
//! If anything in the batch fails (a database error, a unique-constraint race with another
//! replica), the batch is rolled back and written again claim by claim ([`write_claim!`]): on
//! SQLite each claim in its own savepoint of one transaction, on PostgreSQL each claim in its own
//! transaction, retried once a race is lost. A failing claim then fails alone.

use crate::amount::Amount;
use crate::claims::{ClaimFinding, ClaimRecord, ClaimStatus};
use crate::{Actor, Store, StoreError, now};
use chrono::{DateTime, Utc};
use nphies::{ClaimSubmission, PatientRecord};
use rust_decimal::Decimal;
use serde_json::json;
use serde_json::value::RawValue;
use sqlx::types::Json;
use sqlx::{PgPool, QueryBuilder, SqlitePool};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};
use uuid::Uuid;

/// A claim to store: what the bundle says, the bundle itself, and who sent it.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub submission: ClaimSubmission,
    /// The bundle exactly as received.
    pub bundle: Box<RawValue>,
    /// SHA-256 (hex) of the bundle's canonical JSON: equal for equal content.
    pub content_sha256: String,
    pub actor: Actor,
    /// Validation findings to keep with the claim.
    pub findings: Vec<ClaimFinding>,
}

/// What became of a submission.
#[derive(Debug, Clone, PartialEq)]
pub enum Submission {
    /// Stored now.
    Created(ClaimRecord),
    /// The same Bundle id with the same content was stored before: this is that claim.
    Replayed(ClaimRecord),
}

/// What writing one claim inside an open transaction came to.
#[derive(Debug)]
enum Written {
    Created(Box<ClaimRecord>),
    /// This Bundle id, with the same content, is already stored as this claim.
    Seen(Uuid),
    /// A unique constraint fired: a concurrent request stored the same claim. Look again.
    Raced,
}

fn amount(value: Option<Decimal>) -> Option<Amount> {
    value.map(Amount)
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Names of the patient fields a submission supplied (for the audit row: never the values).
fn patient_fields(p: &PatientRecord) -> Vec<&'static str> {
    let mut fields = vec!["identifier"];
    for (present, name) in [
        (p.name_en.is_some(), "name_en"),
        (p.name_ar.is_some(), "name_ar"),
        (p.birth_date.is_some(), "birth_date"),
        (p.gender.is_some(), "gender"),
        (p.mobile.is_some(), "mobile"),
        (p.email.is_some(), "email"),
    ] {
        if present {
            fields.push(name);
        }
    }
    fields
}

/// A stored patient's fields, as compared with what a new bundle says.
type PatientRow = (
    Uuid,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// True when the bundle would change nothing about the stored patient: an absent field keeps
/// what is stored.
fn patient_unchanged(row: &PatientRow, p: &PatientRecord) -> bool {
    let same = |new: &Option<String>, old: &Option<String>| new.is_none() || new == old;
    same(&p.identifier_type, &row.1)
        && same(&p.name_en, &row.2)
        && same(&p.name_ar, &row.3)
        && same(&p.birth_date, &row.4)
        && same(&p.gender, &row.5)
        && same(&p.mobile, &row.6)
        && same(&p.email, &row.7)
}

/// The record of a claim just written: what `GET /claims/{id}` would read back.
fn accepted(new: &NewClaim, id: Uuid, patient_id: Uuid, at: DateTime<Utc>) -> ClaimRecord {
    let sub = &new.submission;
    ClaimRecord {
        id,
        claim_system: sub.claim_system.clone(),
        claim_number: sub.claim_number.clone(),
        patient_id,
        provider_license: sub.provider_license.clone(),
        payer_license: sub.payer_license.clone(),
        encounter_ref: sub.encounter.clone(),
        claim_use: sub.claim_use.as_str().into(),
        claim_type: sub.claim_type.as_str().into(),
        sub_type: sub.sub_type.clone(),
        status: ClaimStatus::Accepted.as_str().into(),
        total_amount: Amount(sub.total.normalize()),
        currency: sub.currency.clone(),
        approved_amount: None,
        submission_id: sub.bundle_id.clone(),
        submitted_at: at,
        adjudicated_at: None,
        created_at: at,
        updated_at: at,
        findings: Json(new.findings.clone()),
    }
}

/// Inserts claim lines, `(claim id, line)`, with multi-row statements kept under the bind
/// parameter limit; evaluates to `Result<(), StoreError>`.
macro_rules! insert_items {
    ($conn:expr, $lines:expr) => {
        async {
            let conn = $conn;
            let lines: &[(Uuid, &nphies::ClaimLine)] = $lines;
            for chunk in lines.chunks(ITEM_ROWS_PER_STATEMENT) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO claim_items (claim_id, sequence, service_system, service_code, \
                     service_display, quantity, unit_price, factor, tax, patient_share, net, \
                     serviced) ",
                );
                q.push_values(chunk, |mut row, (claim_id, item)| {
                    row.push_bind(*claim_id)
                        .push_bind(item.sequence)
                        .push_bind(item.service_system.clone())
                        .push_bind(item.service_code.clone())
                        .push_bind(item.service_display.clone())
                        .push_bind(amount(item.quantity))
                        .push_bind(amount(item.unit_price))
                        .push_bind(amount(item.factor))
                        .push_bind(amount(item.tax))
                        .push_bind(amount(item.patient_share))
                        .push_bind(amount(item.net))
                        .push_bind(item.serviced.clone());
                });
                q.build().execute(&mut *conn).await?;
            }
            Ok::<(), StoreError>(())
        }
    };
}

/// Writes one claim through `$conn` (a `&mut` connection inside an open transaction or
/// savepoint) and evaluates to `Result<Written, StoreError>`. A macro rather than a function so
/// that the same statements compile against SQLite and PostgreSQL connections without a wall of
/// generic bounds.
macro_rules! write_claim {
    ($conn:expr, $new:expr) => {
        async {
            let conn = $conn;
            let new: &NewClaim = $new;
            let sub = &new.submission;
            let at = now();
            let claim_id = Uuid::now_v7();

            // One look for both keys: the Bundle id and the provider's claim number.
            let existing: Vec<(Uuid, String, String)> = sqlx::query_as(
                "SELECT id, submission_id, bundle_sha256 FROM claims \
                 WHERE submission_id = $1 OR (provider_license = $2 AND claim_number = $3)",
            )
            .bind(&sub.bundle_id)
            .bind(&sub.provider_license)
            .bind(&sub.claim_number)
            .fetch_all(&mut *conn)
            .await?;
            if let Some((id, _, sha)) = existing.iter().find(|(_, s, _)| *s == sub.bundle_id) {
                if *sha != new.content_sha256 {
                    return Err(StoreError::Conflict(format!(
                        "Bundle id {} was already submitted with different content (claim {id})",
                        sub.bundle_id
                    )));
                }
                return Ok(Written::Seen(*id));
            }
            if let Some((id, _, _)) = existing.first() {
                return Err(StoreError::Conflict(format!(
                    "claim number {} of provider {} is already used by claim {id}; a new claim \
                     needs a new identifier",
                    sub.claim_number, sub.provider_license
                )));
            }

            // The patient: read first, and write only when the bundle adds or changes something,
            // so claims for the same patient do not queue on that row's lock.
            let p = &sub.patient;
            let stored: Option<PatientRow> = sqlx::query_as(
                "SELECT id, identifier_type, name_en, name_ar, birth_date, gender, mobile, email \
                 FROM patients WHERE identifier_system = $1 AND identifier_value = $2",
            )
            .bind(&p.identifier_system)
            .bind(&p.identifier_value)
            .fetch_optional(&mut *conn)
            .await?;
            let (patient_id, patient_action) = match stored {
                Some(row) if patient_unchanged(&row, p) => (row.0, None),
                _ => {
                    let (id, created): (Uuid, DateTime<Utc>) = sqlx::query_as(
                        "INSERT INTO patients (id, identifier_system, identifier_value, \
                         identifier_type, name_en, name_ar, birth_date, gender, mobile, email, \
                         created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
                         ON CONFLICT (identifier_system, identifier_value) DO UPDATE SET \
                         identifier_type = COALESCE(excluded.identifier_type, patients.identifier_type), \
                         name_en = COALESCE(excluded.name_en, patients.name_en), \
                         name_ar = COALESCE(excluded.name_ar, patients.name_ar), \
                         birth_date = COALESCE(excluded.birth_date, patients.birth_date), \
                         gender = COALESCE(excluded.gender, patients.gender), \
                         mobile = COALESCE(excluded.mobile, patients.mobile), \
                         email = COALESCE(excluded.email, patients.email), \
                         updated_at = excluded.updated_at \
                         RETURNING id, created_at",
                    )
                    .bind(Uuid::now_v7())
                    .bind(&p.identifier_system)
                    .bind(&p.identifier_value)
                    .bind(&p.identifier_type)
                    .bind(&p.name_en)
                    .bind(&p.name_ar)
                    .bind(&p.birth_date)
                    .bind(&p.gender)
                    .bind(&p.mobile)
                    .bind(&p.email)
                    .bind(at)
                    .fetch_one(&mut *conn)
                    .await?;
                    (id, Some(if created == at { "create" } else { "update" }))
                }
            };

            let inserted = sqlx::query(
                "INSERT INTO claims (id, claim_system, claim_number, patient_id, provider_license, \
                 payer_license, encounter_ref, claim_use, claim_type, sub_type, status, \
                 total_amount, currency, bundle, bundle_sha256, submission_id, submitted_at, \
                 created_at, updated_at, findings) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                 $17, $17, $17, $18)",
            )
            .bind(claim_id)
            .bind(&sub.claim_system)
            .bind(&sub.claim_number)
            .bind(patient_id)
            .bind(&sub.provider_license)
            .bind(&sub.payer_license)
            .bind(&sub.encounter)
            .bind(sub.claim_use.as_str())
            .bind(sub.claim_type.as_str())
            .bind(&sub.sub_type)
            .bind(ClaimStatus::Accepted.as_str())
            .bind(Amount(sub.total))
            .bind(&sub.currency)
            .bind(Json(&new.bundle))
            .bind(&new.content_sha256)
            .bind(&sub.bundle_id)
            .bind(at)
            .bind(Json(&new.findings))
            .execute(&mut *conn)
            .await;
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Ok(Written::Raced),
                Err(e) => return Err(e.into()),
            }

            let lines: Vec<(Uuid, &nphies::ClaimLine)> =
                sub.items.iter().map(|line| (claim_id, line)).collect();
            insert_items!(&mut *conn, &lines).await?;

            sqlx::query(
                "INSERT INTO claim_events (claim_id, from_status, to_status, actor, note, at) \
                 VALUES ($1, NULL, $2, $3, $4, $5)",
            )
            .bind(claim_id)
            .bind(ClaimStatus::Accepted.as_str())
            .bind(&new.actor.name)
            .bind(format!("received {}", sub.event.as_str()))
            .bind(at)
            .execute(&mut *conn)
            .await?;

            // Audit rows name the fields that changed, never their (PHI) values.
            let mut audits = vec![(
                "claim",
                claim_id.to_string(),
                "create",
                json!({
                    "status": ClaimStatus::Accepted.as_str(),
                    "submission_id": sub.bundle_id,
                    "fields": ["bundle", "items", "total_amount"],
                }),
            )];
            if let Some(action) = patient_action {
                audits.push((
                    "patient",
                    patient_id.to_string(),
                    action,
                    json!({"fields": patient_fields(p), "source": "claim-submission"}),
                ));
            }
            let mut audit = QueryBuilder::new(
                "INSERT INTO audit_logs (entity_type, entity_id, action, actor, ip, user_agent, \
                 changes, at) ",
            );
            audit.push_values(audits, |mut row, (entity, id, action, changes)| {
                row.push_bind(entity)
                    .push_bind(id)
                    .push_bind(action)
                    .push_bind(new.actor.name.clone())
                    .push_bind(new.actor.ip.clone())
                    .push_bind(new.actor.user_agent.clone())
                    .push_bind(Json(changes))
                    .push_bind(at);
            });
            audit.build().execute(&mut *conn).await?;

            Ok(Written::Created(Box::new(accepted(new, claim_id, patient_id, at))))
        }
    };
}

fn bundle_conflict(sub: &ClaimSubmission, stored: Option<Uuid>) -> StoreError {
    let claim = stored
        .map(|id| format!(" (claim {id})"))
        .unwrap_or_default();
    StoreError::Conflict(format!(
        "Bundle id {} was already submitted with different content{claim}",
        sub.bundle_id
    ))
}

fn number_conflict(sub: &ClaimSubmission, stored: Option<Uuid>) -> StoreError {
    let claim = stored
        .map(|id| format!("claim {id}"))
        .unwrap_or_else(|| "another claim".into());
    StoreError::Conflict(format!(
        "claim number {} of provider {} is already used by {claim}; a new claim needs a new \
         identifier",
        sub.claim_number, sub.provider_license
    ))
}

/// What to do with one claim of a batch.
enum Plan {
    Write,
    /// The same Bundle id and content as claim `j` of the batch: its answer is that claim.
    SameAs(usize),
    /// Settled without writing.
    Settled(Result<Written, StoreError>),
}

/// The patient fields several claims of a batch state, merged in order (a later claim's value
/// wins; an absent value keeps the earlier one).
fn merge_patient(into: &mut PatientRecord, from: &PatientRecord) {
    let take = |into: &mut Option<String>, from: &Option<String>| {
        if from.is_some() {
            into.clone_from(from);
        }
    };
    take(&mut into.identifier_type, &from.identifier_type);
    take(&mut into.name_en, &from.name_en);
    take(&mut into.name_ar, &from.name_ar);
    take(&mut into.birth_date, &from.birth_date);
    take(&mut into.gender, &from.gender);
    take(&mut into.mobile, &from.mobile);
    take(&mut into.email, &from.email);
}

/// Rows per multi-row INSERT of items: 12 parameters each stays under SQLite's 32,766.
const ITEM_ROWS_PER_STATEMENT: usize = 2000;

/// Writes a whole batch through `$conn` with one statement per table and evaluates to
/// `Result<Vec<Result<Written, StoreError>>, StoreError>`: an answer per claim, or the error
/// that means the batch must be rolled back and written claim by claim.
macro_rules! write_batch {
    ($conn:expr, $jobs:expr) => {
        async {
            let conn = $conn;
            let jobs: &[&NewClaim] = $jobs;
            let at = now();

            // Duplicates inside the batch, decided in order as if posted one after another.
            let mut plan: Vec<Plan> = Vec::with_capacity(jobs.len());
            let mut by_bundle: HashMap<&str, usize> = HashMap::new();
            let mut by_number: HashMap<(&str, &str), usize> = HashMap::new();
            for (i, job) in jobs.iter().enumerate() {
                let sub = &job.submission;
                if let Some(&j) = by_bundle.get(sub.bundle_id.as_str()) {
                    plan.push(if jobs[j].content_sha256 == job.content_sha256 {
                        Plan::SameAs(j)
                    } else {
                        Plan::Settled(Err(bundle_conflict(sub, None)))
                    });
                    continue;
                }
                let number = (sub.provider_license.as_str(), sub.claim_number.as_str());
                if by_number.contains_key(&number) {
                    plan.push(Plan::Settled(Err(number_conflict(sub, None))));
                    continue;
                }
                by_bundle.insert(&sub.bundle_id, i);
                by_number.insert(number, i);
                plan.push(Plan::Write);
            }

            // Claims stored before with these Bundle ids or claim numbers.
            let writing: Vec<usize> = (0..jobs.len())
                .filter(|&i| matches!(plan[i], Plan::Write))
                .collect();
            if !writing.is_empty() {
                let mut q = QueryBuilder::new(
                    "SELECT id, submission_id, bundle_sha256, provider_license, claim_number \
                     FROM claims WHERE submission_id IN (",
                );
                let mut ids = q.separated(", ");
                for &i in &writing {
                    ids.push_bind(jobs[i].submission.bundle_id.clone());
                }
                q.push(") OR (provider_license, claim_number) IN (");
                q.push_values(&writing, |mut row, &i| {
                    row.push_bind(jobs[i].submission.provider_license.clone())
                        .push_bind(jobs[i].submission.claim_number.clone());
                });
                q.push(")");
                let stored: Vec<(Uuid, String, String, String, String)> =
                    q.build_query_as().fetch_all(&mut *conn).await?;
                for (id, submission_id, sha, provider, number) in &stored {
                    if let Some(&i) = by_bundle.get(submission_id.as_str()) {
                        let sub = &jobs[i].submission;
                        plan[i] = Plan::Settled(if *sha == jobs[i].content_sha256 {
                            Ok(Written::Seen(*id))
                        } else {
                            Err(bundle_conflict(sub, Some(*id)))
                        });
                    }
                    if let Some(&i) = by_number.get(&(provider.as_str(), number.as_str())) {
                        if matches!(plan[i], Plan::Write) {
                            plan[i] = Plan::Settled(Err(number_conflict(&jobs[i].submission, Some(*id))));
                        }
                    }
                }
            }
            let writing: Vec<usize> = (0..jobs.len())
                .filter(|&i| matches!(plan[i], Plan::Write))
                .collect();

            // Patients: one row per identifier, written only when new or changed.
            let mut patients: Vec<((String, String), PatientRecord)> = Vec::new();
            let mut patient_of: Vec<usize> = vec![0; jobs.len()];
            for &i in &writing {
                let p = &jobs[i].submission.patient;
                let key = (p.identifier_system.clone(), p.identifier_value.clone());
                match patients.iter().position(|(k, _)| *k == key) {
                    Some(n) => {
                        merge_patient(&mut patients[n].1, p);
                        patient_of[i] = n;
                    }
                    None => {
                        patient_of[i] = patients.len();
                        patients.push((key, p.clone()));
                    }
                }
            }
            let mut patient_ids: Vec<Option<Uuid>> = vec![None; patients.len()];
            let mut patient_actions: Vec<Option<&'static str>> = vec![None; patients.len()];
            if !patients.is_empty() {
                let mut q = QueryBuilder::new(
                    "SELECT id, identifier_type, name_en, name_ar, birth_date, gender, mobile, \
                     email, identifier_system, identifier_value FROM patients \
                     WHERE (identifier_system, identifier_value) IN (",
                );
                q.push_values(&patients, |mut row, ((system, value), _)| {
                    row.push_bind(system.clone()).push_bind(value.clone());
                });
                q.push(")");
                type StoredPatient = (
                    Uuid,
                    Option<String>,
                    Option<String>,
                    Option<String>,
                    Option<String>,
                    Option<String>,
                    Option<String>,
                    Option<String>,
                    String,
                    String,
                );
                let stored: Vec<StoredPatient> = q.build_query_as().fetch_all(&mut *conn).await?;
                for row in stored {
                    let key = (row.8.clone(), row.9.clone());
                    if let Some(n) = patients.iter().position(|(k, _)| *k == key) {
                        let fields: PatientRow =
                            (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7);
                        if patient_unchanged(&fields, &patients[n].1) {
                            patient_ids[n] = Some(row.0);
                        }
                    }
                }
                // Sorted by identifier, so concurrent batches lock patient rows in one order
                // and cannot deadlock.
                let mut upserts: Vec<usize> =
                    (0..patients.len()).filter(|&n| patient_ids[n].is_none()).collect();
                upserts.sort_by(|&x, &y| patients[x].0.cmp(&patients[y].0));
                if !upserts.is_empty() {
                    let mut q = QueryBuilder::new(
                        "INSERT INTO patients (id, identifier_system, identifier_value, \
                         identifier_type, name_en, name_ar, birth_date, gender, mobile, email, \
                         created_at, updated_at) ",
                    );
                    q.push_values(&upserts, |mut row, &n| {
                        let p = &patients[n].1;
                        row.push_bind(Uuid::now_v7())
                            .push_bind(p.identifier_system.clone())
                            .push_bind(p.identifier_value.clone())
                            .push_bind(p.identifier_type.clone())
                            .push_bind(p.name_en.clone())
                            .push_bind(p.name_ar.clone())
                            .push_bind(p.birth_date.clone())
                            .push_bind(p.gender.clone())
                            .push_bind(p.mobile.clone())
                            .push_bind(p.email.clone())
                            .push_bind(at)
                            .push_bind(at);
                    });
                    q.push(
                        " ON CONFLICT (identifier_system, identifier_value) DO UPDATE SET \
                         identifier_type = COALESCE(excluded.identifier_type, patients.identifier_type), \
                         name_en = COALESCE(excluded.name_en, patients.name_en), \
                         name_ar = COALESCE(excluded.name_ar, patients.name_ar), \
                         birth_date = COALESCE(excluded.birth_date, patients.birth_date), \
                         gender = COALESCE(excluded.gender, patients.gender), \
                         mobile = COALESCE(excluded.mobile, patients.mobile), \
                         email = COALESCE(excluded.email, patients.email), \
                         updated_at = excluded.updated_at \
                         RETURNING id, created_at, identifier_system, identifier_value",
                    );
                    let rows: Vec<(Uuid, DateTime<Utc>, String, String)> =
                        q.build_query_as().fetch_all(&mut *conn).await?;
                    for (id, created, system, value) in rows {
                        if let Some(n) = patients.iter().position(|(k, _)| k.0 == system && k.1 == value) {
                            patient_ids[n] = Some(id);
                            patient_actions[n] = Some(if created == at { "create" } else { "update" });
                        }
                    }
                }
                if patient_ids.iter().any(Option::is_none) {
                    return Err(StoreError::Unavailable(
                        "a patient row was not returned; retrying claim by claim".into(),
                    ));
                }
            }

            let claim_ids: Vec<Uuid> = jobs.iter().map(|_| Uuid::now_v7()).collect();
            let patient_id = |i: usize| patient_ids[patient_of[i]].unwrap_or_default();
            if !writing.is_empty() {
                let mut q = QueryBuilder::new(
                    "INSERT INTO claims (id, claim_system, claim_number, patient_id, \
                     provider_license, payer_license, encounter_ref, claim_use, claim_type, \
                     sub_type, status, total_amount, currency, bundle, bundle_sha256, \
                     submission_id, submitted_at, created_at, updated_at, findings) ",
                );
                q.push_values(&writing, |mut row, &i| {
                    let job = jobs[i];
                    let sub = &job.submission;
                    row.push_bind(claim_ids[i])
                        .push_bind(sub.claim_system.clone())
                        .push_bind(sub.claim_number.clone())
                        .push_bind(patient_id(i))
                        .push_bind(sub.provider_license.clone())
                        .push_bind(sub.payer_license.clone())
                        .push_bind(sub.encounter.clone())
                        .push_bind(sub.claim_use.as_str())
                        .push_bind(sub.claim_type.as_str())
                        .push_bind(sub.sub_type.clone())
                        .push_bind(ClaimStatus::Accepted.as_str())
                        .push_bind(Amount(sub.total))
                        .push_bind(sub.currency.clone())
                        .push_bind(Json(job.bundle.clone()))
                        .push_bind(job.content_sha256.clone())
                        .push_bind(sub.bundle_id.clone())
                        .push_bind(at)
                        .push_bind(at)
                        .push_bind(at)
                        .push_bind(Json(job.findings.clone()));
                });
                q.build().execute(&mut *conn).await?;

                let mut lines: Vec<(Uuid, &nphies::ClaimLine)> = Vec::new();
                for &i in &writing {
                    lines.extend(jobs[i].submission.items.iter().map(|l| (claim_ids[i], l)));
                }
                insert_items!(&mut *conn, &lines).await?;

                let mut q = QueryBuilder::new(
                    "INSERT INTO claim_events (claim_id, from_status, to_status, actor, note, at) ",
                );
                q.push_values(&writing, |mut row, &i| {
                    let job = jobs[i];
                    row.push_bind(claim_ids[i])
                        .push_bind(None::<String>)
                        .push_bind(ClaimStatus::Accepted.as_str())
                        .push_bind(job.actor.name.clone())
                        .push_bind(format!("received {}", job.submission.event.as_str()))
                        .push_bind(at);
                });
                q.build().execute(&mut *conn).await?;

                // Audit rows name the fields that changed, never their (PHI) values.
                let mut audits: Vec<(&str, String, &str, serde_json::Value, &Actor)> = Vec::new();
                for &i in &writing {
                    audits.push((
                        "claim",
                        claim_ids[i].to_string(),
                        "create",
                        json!({
                            "status": ClaimStatus::Accepted.as_str(),
                            "submission_id": jobs[i].submission.bundle_id,
                            "fields": ["bundle", "items", "total_amount"],
                        }),
                        &jobs[i].actor,
                    ));
                }
                for (n, action) in patient_actions.iter().enumerate() {
                    let (Some(action), Some(id)) = (action, patient_ids[n]) else {
                        continue;
                    };
                    // Credited to the first claim of the batch that named the patient.
                    let Some(&i) = writing.iter().find(|&&i| patient_of[i] == n) else {
                        continue;
                    };
                    audits.push((
                        "patient",
                        id.to_string(),
                        action,
                        json!({"fields": patient_fields(&patients[n].1), "source": "claim-submission"}),
                        &jobs[i].actor,
                    ));
                }
                let mut q = QueryBuilder::new(
                    "INSERT INTO audit_logs (entity_type, entity_id, action, actor, ip, \
                     user_agent, changes, at) ",
                );
                q.push_values(audits, |mut row, (entity, id, action, changes, actor)| {
                    row.push_bind(entity)
                        .push_bind(id)
                        .push_bind(action)
                        .push_bind(actor.name.clone())
                        .push_bind(actor.ip.clone())
                        .push_bind(actor.user_agent.clone())
                        .push_bind(Json(changes))
                        .push_bind(at);
                });
                q.build().execute(&mut *conn).await?;
            }

            let mut results: Vec<Result<Written, StoreError>> = Vec::with_capacity(jobs.len());
            for (i, step) in plan.into_iter().enumerate() {
                let result = match step {
                    Plan::Write => {
                        Ok(Written::Created(Box::new(accepted(
                            jobs[i],
                            claim_ids[i],
                            patient_id(i),
                            at,
                        ))))
                    }
                    Plan::SameAs(j) => match &results[j] {
                        Ok(Written::Created(claim)) => Ok(Written::Seen(claim.id)),
                        Ok(Written::Seen(id)) => Ok(Written::Seen(*id)),
                        Ok(Written::Raced) => Ok(Written::Raced),
                        Err(StoreError::Conflict(message)) => Err(StoreError::Conflict(message.clone())),
                        Err(_) => Err(StoreError::Unavailable("the claim could not be stored; retry".into())),
                    },
                    Plan::Settled(result) => result,
                };
                results.push(result);
            }
            Ok::<Vec<Result<Written, StoreError>>, StoreError>(results)
        }
    };
}

/// The most claims one commit carries. Bounds the latency a request can add to its batch-mates.
const MAX_BATCH: usize = 128;

struct Job {
    claim: NewClaim,
    reply: oneshot::Sender<Result<Written, StoreError>>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

/// The connection pool the committer writes through.
#[derive(Debug, Clone)]
pub(crate) enum WriterPool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Hands claims to the committer task.
#[derive(Debug, Clone)]
pub(crate) struct Committer {
    jobs: mpsc::Sender<Job>,
}

impl Committer {
    /// Starts the committer tasks on the current tokio runtime: one for SQLite (it has one
    /// writer), `postgres_writers` for PostgreSQL, where batches in flight overlap (one is
    /// committing while the next is written). They stop when every `Committer` clone is dropped.
    pub(crate) fn start(writer: WriterPool, postgres_writers: usize) -> Committer {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        let rx = Arc::new(Mutex::new(rx));
        let tasks = match writer {
            WriterPool::Sqlite(_) => 1,
            WriterPool::Postgres(_) => postgres_writers.max(1),
        };
        for _ in 0..tasks {
            tokio::spawn(commit_loop(writer.clone(), rx.clone()));
        }
        Committer { jobs }
    }

    async fn submit(&self, claim: NewClaim) -> Result<Written, StoreError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || StoreError::Unavailable("the claim writer has stopped".into());
        self.jobs
            .send(Job { claim, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn commit_loop(writer: WriterPool, rx: Arc<Mutex<mpsc::Receiver<Job>>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        // Hold the receiver only while taking a batch, so another task can take the next one
        // while this one is written.
        if rx.lock().await.recv_many(&mut batch, MAX_BATCH).await == 0 {
            break;
        }
        metrics::histogram!("claim_commit_batch_size").record(batch.len() as f64);
        let claims: Vec<&NewClaim> = batch.iter().map(|job| &job.claim).collect();
        let mut results = match &writer {
            WriterPool::Sqlite(pool) => commit_sqlite(pool, &claims).await,
            WriterPool::Postgres(pool) => commit_postgres(pool, &claims).await,
        };
        for job in batch.drain(..).rev() {
            let result = results.pop().unwrap_or_else(|| {
                Err(StoreError::Unavailable(
                    "the claim was not written; retry".into(),
                ))
            });
            // A caller that went away (client disconnected) finds its claim stored on repost.
            let _ = job.reply.send(result);
        }
    }
}

/// Every claim failed with the same cause (nothing of the batch was committed).
fn all_failed(n: usize, err: &StoreError) -> Vec<Result<Written, StoreError>> {
    tracing::error!(error = %err, claims = n, "claim batch not committed");
    (0..n)
        .map(|_| {
            Err(StoreError::Unavailable(
                "the database did not commit the claim; retry".into(),
            ))
        })
        .collect()
}

/// Writes and commits the whole batch in one transaction opened with `$begin`; evaluates to the
/// answers, or to `None` (everything rolled back) when the batch must be written claim by claim.
macro_rules! whole_batch {
    ($pool:expr, $begin:expr, $claims:expr) => {{
        let attempt: Result<Vec<Result<Written, StoreError>>, StoreError> = async {
            let mut tx = $pool.begin_with($begin).await?;
            let results = write_batch!(&mut *tx, $claims).await?;
            tx.commit().await?;
            Ok(results)
        }
        .await;
        match attempt {
            Ok(results) => Some(results),
            Err(err) => {
                tracing::debug!(error = %err, "batch failed; writing claim by claim");
                None
            }
        }
    }};
}

async fn commit_sqlite(
    pool: &SqlitePool,
    claims: &[&NewClaim],
) -> Vec<Result<Written, StoreError>> {
    if let Some(results) = whole_batch!(pool, "BEGIN IMMEDIATE", claims) {
        return results;
    }
    // Claim by claim, each in a savepoint, still one commit.
    let mut results = Vec::with_capacity(claims.len());
    let slow: Result<(), StoreError> = async {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        for claim in claims {
            sqlx::query("SAVEPOINT claim").execute(&mut *tx).await?;
            let written = write_claim!(&mut *tx, claim).await;
            let undo = if matches!(written, Ok(Written::Created(_))) {
                "RELEASE claim"
            } else {
                "ROLLBACK TO claim; RELEASE claim"
            };
            sqlx::raw_sql(undo).execute(&mut *tx).await?;
            results.push(written);
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    match slow {
        Ok(()) => results,
        Err(err) => all_failed(claims.len(), &err),
    }
}

async fn commit_postgres(pool: &PgPool, claims: &[&NewClaim]) -> Vec<Result<Written, StoreError>> {
    if let Some(results) = whole_batch!(pool, "BEGIN", claims) {
        return results;
    }
    let mut results = Vec::with_capacity(claims.len());
    for claim in claims {
        results.push(write_one_postgres(pool, claim).await);
    }
    results
}

/// One claim in its own transaction. A lost unique-constraint race (another replica stored the
/// same claim meanwhile) is resolved by looking again: the retry sees the winner's row.
async fn write_one_postgres(pool: &PgPool, claim: &NewClaim) -> Result<Written, StoreError> {
    for _ in 0..3 {
        let mut tx = pool.begin().await?;
        match write_claim!(&mut *tx, claim).await {
            Ok(Written::Created(record)) => {
                tx.commit().await?;
                return Ok(Written::Created(record));
            }
            Ok(Written::Raced) => tx.rollback().await?,
            other => {
                tx.rollback().await?;
                return other;
            }
        }
    }
    Err(StoreError::Conflict(
        "the claim is being stored by another request; retry".into(),
    ))
}

impl Store {
    /// Stores a claim, its patient (inserted or updated by identifier), its items, the first
    /// status event and the audit rows, all or nothing, and returns once they are committed.
    /// A Bundle id seen before returns the stored claim when the content is the same, and is a
    /// conflict otherwise; so is a claim number the provider already used.
    pub async fn submit_claim(&self, new: NewClaim) -> Result<Submission, StoreError> {
        let committer = match self {
            Store::Sqlite(db) => &db.committer,
            Store::Postgres(db) => &db.committer,
        };
        let seen = match committer.submit(new).await? {
            Written::Created(claim) => return Ok(Submission::Created(*claim)),
            Written::Seen(id) => id,
            Written::Raced => {
                return Err(StoreError::Conflict(
                    "the claim was stored concurrently; retry".into(),
                ));
            }
        };
        let claim = self.claim(seen).await?.ok_or_else(|| {
            StoreError::Conflict("the earlier submission was removed meanwhile".into())
        })?;
        Ok(Submission::Replayed(claim))
    }
}
