//! Accepting a claim: the one write path into `claims`.
//!
//! The rows of one claim (patient, claim, items, first status event, audit rows) are written
//! together by [`write_claim!`], the same code on both engines, inside a unit that commits or
//! rolls back whole:
//!
//! - PostgreSQL: one transaction per claim. Concurrent transactions share WAL flushes (the
//!   server's own group commit), and unique constraints settle races between duplicates.
//! - SQLite: one writer, and a commit costs an fsync. So a single committer task takes every
//!   claim waiting at that moment, writes each inside its own SAVEPOINT (a failing claim is
//!   rolled back alone), commits them with one fsync, and only then answers each request. A 201
//!   still means "on disk"; throughput no longer stops at one fsync per claim.

use crate::amount::Amount;
use crate::claims::{ClaimRecord, ClaimStatus};
use crate::{Actor, Store, StoreError, now};
use chrono::{DateTime, Utc};
use nphies::{ClaimSubmission, PatientRecord};
use rust_decimal::Decimal;
use serde_json::json;
use serde_json::value::RawValue;
use sqlx::types::Json;
use sqlx::{QueryBuilder, SqlitePool};
use tokio::sync::{mpsc, oneshot};
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
                 created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                 $17, $17, $17)",
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
            .execute(&mut *conn)
            .await;
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Ok(Written::Raced),
                Err(e) => return Err(e.into()),
            }

            if !sub.items.is_empty() {
                let mut items = QueryBuilder::new(
                    "INSERT INTO claim_items (claim_id, sequence, service_system, service_code, \
                     service_display, quantity, unit_price, factor, tax, patient_share, net, \
                     serviced) ",
                );
                items.push_values(&sub.items, |mut row, item| {
                    row.push_bind(claim_id)
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
                items.build().execute(&mut *conn).await?;
            }

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

            Ok(Written::Created(Box::new(ClaimRecord {
                id: claim_id,
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
            })))
        }
    };
}

/// The most claims one SQLite commit carries. Bounds the latency a request can add to its
/// batch-mates.
const MAX_BATCH: usize = 128;

struct Job {
    claim: NewClaim,
    reply: oneshot::Sender<Result<Written, StoreError>>,
}

/// Hands claims to the SQLite committer task.
#[derive(Debug, Clone)]
pub(crate) struct Committer {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl Committer {
    /// Starts the committer on the current tokio runtime. It stops when every `Committer`
    /// clone is dropped.
    pub(crate) fn start(writer: SqlitePool) -> Committer {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(commit_loop(writer, rx));
        Committer { jobs }
    }

    async fn submit(&self, claim: NewClaim) -> Result<Written, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { claim, reply })
            .await
            .map_err(|_| StoreError::Unavailable("the SQLite committer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the SQLite committer has stopped".into()))?
    }
}

async fn commit_loop(writer: SqlitePool, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        commit_batch(&writer, &mut batch).await;
        batch.clear();
    }
}

/// Writes every claim of the batch in one transaction, each in its own savepoint, commits once,
/// then answers. If the commit fails, no claim of the batch is acknowledged.
async fn commit_batch(writer: &SqlitePool, batch: &mut Vec<Job>) {
    let mut results: Vec<Result<Written, StoreError>> = Vec::with_capacity(batch.len());
    let outcome: Result<(), StoreError> = async {
        let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
        for job in batch.iter() {
            sqlx::query("SAVEPOINT claim").execute(&mut *tx).await?;
            let written = write_claim!(&mut *tx, &job.claim).await;
            let keep = matches!(written, Ok(Written::Created(_)));
            let undo = if keep {
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
    metrics::histogram!("sqlite_commit_batch_claims").record(batch.len() as f64);
    if let Err(err) = outcome {
        tracing::error!(error = %err, claims = batch.len(), "SQLite batch commit failed");
        results.clear();
    }
    for (i, job) in batch.drain(..).enumerate() {
        let result = if i < results.len() {
            std::mem::replace(&mut results[i], Ok(Written::Raced))
        } else {
            Err(StoreError::Unavailable(
                "the database did not commit the claim; retry".into(),
            ))
        };
        // A caller that went away (client disconnected) finds its claim stored on repost.
        let _ = job.reply.send(result);
    }
}

impl Store {
    /// Stores a claim, its patient (inserted or updated by identifier), its items, the first
    /// status event and the audit rows, all or nothing. A Bundle id seen before returns the
    /// stored claim when the content is the same, and is a conflict otherwise; so is a claim
    /// number the provider already used.
    pub async fn submit_claim(&self, new: NewClaim) -> Result<Submission, StoreError> {
        let seen = match self {
            Store::Sqlite(db) => match db.committer.submit(new).await? {
                Written::Created(claim) => return Ok(Submission::Created(*claim)),
                Written::Seen(id) => id,
                // One writer: no concurrent transaction can have won a race.
                Written::Raced => {
                    return Err(StoreError::Conflict(
                        "the claim was stored concurrently; retry".into(),
                    ));
                }
            },
            Store::Postgres(db) => {
                let mut found = None;
                // A lost unique-constraint race is resolved by looking again: the next attempt
                // sees the winner's committed row.
                for _ in 0..3 {
                    let mut tx = db.pool.begin().await?;
                    match write_claim!(&mut *tx, &new).await {
                        Ok(Written::Created(claim)) => {
                            tx.commit().await?;
                            return Ok(Submission::Created(*claim));
                        }
                        Ok(Written::Seen(id)) => {
                            tx.rollback().await?;
                            found = Some(id);
                            break;
                        }
                        Ok(Written::Raced) => tx.rollback().await?,
                        Err(e) => {
                            tx.rollback().await?;
                            return Err(e);
                        }
                    }
                }
                found.ok_or_else(|| {
                    StoreError::Conflict(
                        "the claim is being stored by another request; retry".into(),
                    )
                })?
            }
        };
        let claim = self.claim(seen).await?.ok_or_else(|| {
            StoreError::Conflict("the earlier submission was removed meanwhile".into())
        })?;
        Ok(Submission::Replayed(claim))
    }
}
