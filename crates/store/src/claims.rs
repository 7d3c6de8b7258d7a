//! Claims: accepting a submission in one transaction, reading it back, listing with filters.

use crate::amount::Amount;
use crate::{Actor, Store, StoreError, now, on_pool};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use nphies::ClaimSubmission;
use rust_decimal::Decimal;
use serde_json::json;
use serde_json::value::RawValue;
use sqlx::QueryBuilder;
use sqlx::types::Json;
use uuid::Uuid;

/// Where a claim is in its life. ClaimLinc sets `accepted` on receipt; the exchange moves it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimStatus {
    Accepted,
    Queued,
    Sent,
    Pended,
    InfoRequested,
    Approved,
    Partial,
    Rejected,
    Error,
    Cancelled,
    Dead,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 11] = [
        ClaimStatus::Accepted,
        ClaimStatus::Queued,
        ClaimStatus::Sent,
        ClaimStatus::Pended,
        ClaimStatus::InfoRequested,
        ClaimStatus::Approved,
        ClaimStatus::Partial,
        ClaimStatus::Rejected,
        ClaimStatus::Error,
        ClaimStatus::Cancelled,
        ClaimStatus::Dead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Accepted => "accepted",
            ClaimStatus::Queued => "queued",
            ClaimStatus::Sent => "sent",
            ClaimStatus::Pended => "pended",
            ClaimStatus::InfoRequested => "info-requested",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Partial => "partial",
            ClaimStatus::Rejected => "rejected",
            ClaimStatus::Error => "error",
            ClaimStatus::Cancelled => "cancelled",
            ClaimStatus::Dead => "dead",
        }
    }

    pub fn parse(text: &str) -> Option<ClaimStatus> {
        ClaimStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A claim to store: what the bundle says, the bundle itself, and who sent it.
pub struct NewClaim<'a> {
    pub submission: &'a ClaimSubmission,
    /// The bundle exactly as received.
    pub bundle: &'a RawValue,
    /// SHA-256 (hex) of the bundle's canonical JSON: equal for equal content.
    pub content_sha256: &'a str,
    pub actor: &'a Actor,
}

/// What became of a submission.
#[derive(Debug, Clone, PartialEq)]
pub enum Submission {
    /// Stored now.
    Created(ClaimRecord),
    /// The same Bundle id with the same content was stored before: this is that claim.
    Replayed(ClaimRecord),
}

/// A claim's stored summary.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ClaimRecord {
    pub id: Uuid,
    pub claim_system: Option<String>,
    pub claim_number: String,
    pub patient_id: Uuid,
    pub provider_license: String,
    pub payer_license: String,
    pub encounter_ref: Option<String>,
    pub claim_use: String,
    pub claim_type: String,
    pub sub_type: Option<String>,
    pub status: String,
    pub total_amount: Amount,
    pub currency: String,
    pub approved_amount: Option<Amount>,
    pub submission_id: String,
    pub submitted_at: DateTime<Utc>,
    pub adjudicated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const CLAIM_COLUMNS: &str = "id, claim_system, claim_number, patient_id, provider_license, \
    payer_license, encounter_ref, claim_use, claim_type, sub_type, status, total_amount, currency, \
    approved_amount, submission_id, submitted_at, adjudicated_at, created_at, updated_at";

/// A billed line as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ClaimItem {
    pub sequence: i32,
    pub service_system: Option<String>,
    pub service_code: Option<String>,
    pub service_display: Option<String>,
    pub quantity: Option<Amount>,
    pub unit_price: Option<Amount>,
    pub factor: Option<Amount>,
    pub tax: Option<Amount>,
    pub patient_share: Option<Amount>,
    pub net: Option<Amount>,
    pub serviced: Option<String>,
}

/// One entry of a claim's status history.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ClaimEvent {
    pub id: i64,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClaimDetail {
    pub claim: ClaimRecord,
    pub items: Vec<ClaimItem>,
    pub events: Vec<ClaimEvent>,
}

/// Position in the newest-first listing: the last claim of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub submitted_at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let text = format!(
            "{}|{}",
            self.submitted_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            self.id
        );
        URL_SAFE_NO_PAD.encode(text)
    }

    pub fn decode(text: &str) -> Result<Cursor, StoreError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| StoreError::InvalidCursor)?;
        let text = String::from_utf8(bytes).map_err(|_| StoreError::InvalidCursor)?;
        let (at, id) = text.split_once('|').ok_or(StoreError::InvalidCursor)?;
        Ok(Cursor {
            submitted_at: DateTime::parse_from_rfc3339(at)
                .map_err(|_| StoreError::InvalidCursor)?
                .with_timezone(&Utc),
            id: Uuid::parse_str(id).map_err(|_| StoreError::InvalidCursor)?,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub status: Option<ClaimStatus>,
    pub provider: Option<String>,
    pub payer: Option<String>,
    pub patient: Option<Uuid>,
    pub claim_use: Option<String>,
    pub claim_type: Option<String>,
    pub submitted_from: Option<DateTime<Utc>>,
    pub submitted_to: Option<DateTime<Utc>>,
    pub limit: u32,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClaimPage {
    pub claims: Vec<ClaimRecord>,
    /// Present when more claims follow.
    pub next: Option<Cursor>,
}

fn amount(value: Option<Decimal>) -> Option<Amount> {
    value.map(Amount)
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl Store {
    /// Stores a claim, its patient (inserted or updated by identifier), its items, the first
    /// status event and the audit rows, all in one transaction: either everything is stored or
    /// nothing is. A Bundle id seen before returns the stored claim when the content is the
    /// same, and is a conflict otherwise; so is a claim number the provider already used.
    pub async fn submit_claim(&self, new: &NewClaim<'_>) -> Result<Submission, StoreError> {
        // A unique-constraint race (two requests carrying the same claim at once) is resolved
        // by looking again: the second attempt finds the winner's row.
        for _ in 0..3 {
            if let Some(result) = self.try_submit(new).await? {
                return Ok(result);
            }
        }
        Err(StoreError::Conflict(
            "the claim is being stored by another request; retry".into(),
        ))
    }

    /// One attempt; `None` when a unique constraint fired because another request stored the
    /// same claim meanwhile.
    async fn try_submit(&self, new: &NewClaim<'_>) -> Result<Option<Submission>, StoreError> {
        let sub = new.submission;
        let at = now();
        let claim_id = Uuid::now_v7();
        let patient_id = on_pool!(self, writer, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;

            let seen: Option<(Uuid, String)> =
                sqlx::query_as("SELECT id, bundle_sha256 FROM claims WHERE submission_id = $1")
                    .bind(&sub.bundle_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((id, sha)) = seen {
                tx.rollback().await?;
                if sha != new.content_sha256 {
                    return Err(StoreError::Conflict(format!(
                        "Bundle id {} was already submitted with different content (claim {id})",
                        sub.bundle_id
                    )));
                }
                let claim = self.claim(id).await?.ok_or_else(|| {
                    StoreError::Conflict("the earlier submission was removed meanwhile".into())
                })?;
                return Ok(Some(Submission::Replayed(claim)));
            }
            let taken: Option<(Uuid, String)> = sqlx::query_as(
                "SELECT id, submission_id FROM claims \
                 WHERE provider_license = $1 AND claim_number = $2",
            )
            .bind(&sub.provider_license)
            .bind(&sub.claim_number)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((id, submission_id)) = taken {
                tx.rollback().await?;
                if submission_id == sub.bundle_id {
                    // The same Bundle committed between our two reads: look again.
                    return Ok(None);
                }
                return Err(StoreError::Conflict(format!(
                    "claim number {} of provider {} is already used by claim {id}; a new claim \
                     needs a new identifier",
                    sub.claim_number, sub.provider_license
                )));
            }

            let p = &sub.patient;
            let (patient_id, patient_created): (Uuid, DateTime<Utc>) = sqlx::query_as(
                "INSERT INTO patients (id, identifier_system, identifier_value, identifier_type, \
                 name_en, name_ar, birth_date, gender, mobile, email, created_at, updated_at) \
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
            .fetch_one(&mut *tx)
            .await?;

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
            .bind(Json(new.bundle))
            .bind(new.content_sha256)
            .bind(&sub.bundle_id)
            .bind(at)
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    tx.rollback().await?;
                    return Ok(None);
                }
                Err(e) => return Err(e.into()),
            }

            for item in &sub.items {
                sqlx::query(
                    "INSERT INTO claim_items (claim_id, sequence, service_system, service_code, \
                     service_display, quantity, unit_price, factor, tax, patient_share, net, \
                     serviced) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(claim_id)
                .bind(item.sequence)
                .bind(&item.service_system)
                .bind(&item.service_code)
                .bind(&item.service_display)
                .bind(amount(item.quantity))
                .bind(amount(item.unit_price))
                .bind(amount(item.factor))
                .bind(amount(item.tax))
                .bind(amount(item.patient_share))
                .bind(amount(item.net))
                .bind(&item.serviced)
                .execute(&mut *tx)
                .await?;
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
            .execute(&mut *tx)
            .await?;

            // Audit rows name the fields that changed, never their (PHI) values.
            let patient_action = if patient_created == at {
                "create"
            } else {
                "update"
            };
            let audits = [
                (
                    "patient",
                    patient_id.to_string(),
                    patient_action,
                    json!({"fields": patient_fields(p), "source": "claim-submission"}),
                ),
                (
                    "claim",
                    claim_id.to_string(),
                    "create",
                    json!({
                        "status": ClaimStatus::Accepted.as_str(),
                        "submission_id": sub.bundle_id,
                        "fields": ["bundle", "items", "total_amount"],
                    }),
                ),
            ];
            for (entity, id, action, changes) in audits {
                sqlx::query(
                    "INSERT INTO audit_logs (entity_type, entity_id, action, actor, ip, \
                     user_agent, changes, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(entity)
                .bind(id)
                .bind(action)
                .bind(&new.actor.name)
                .bind(&new.actor.ip)
                .bind(&new.actor.user_agent)
                .bind(Json(changes))
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }

            tx.commit().await?;
            patient_id
        });

        Ok(Some(Submission::Created(ClaimRecord {
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

    /// A claim's summary.
    pub async fn claim(&self, id: Uuid) -> Result<Option<ClaimRecord>, StoreError> {
        let sql = format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE id = $1");
        on_pool!(self, reader, |pool, _begin| {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// A claim with its items and status history.
    pub async fn claim_detail(&self, id: Uuid) -> Result<Option<ClaimDetail>, StoreError> {
        let Some(claim) = self.claim(id).await? else {
            return Ok(None);
        };
        on_pool!(self, reader, |pool, _begin| {
            let items: Vec<ClaimItem> = sqlx::query_as(
                "SELECT sequence, service_system, service_code, service_display, quantity, \
                 unit_price, factor, tax, patient_share, net, serviced \
                 FROM claim_items WHERE claim_id = $1 ORDER BY sequence",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let events: Vec<ClaimEvent> = sqlx::query_as(
                "SELECT id, from_status, to_status, actor, note, at \
                 FROM claim_events WHERE claim_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            Ok(Some(ClaimDetail {
                claim,
                items,
                events,
            }))
        })
    }

    /// The bundle a claim arrived in, as stored.
    pub async fn claim_bundle(&self, id: Uuid) -> Result<Option<Box<RawValue>>, StoreError> {
        on_pool!(self, reader, |pool, _begin| {
            let row: Option<(Json<Box<RawValue>>,)> =
                sqlx::query_as("SELECT bundle FROM claims WHERE id = $1")
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
            Ok(row.map(|(Json(bundle),)| bundle))
        })
    }

    /// Claims matching the filter, newest first, one page at a time (keyset pagination: stable
    /// while new claims arrive).
    pub async fn list_claims(&self, filter: &ClaimFilter) -> Result<ClaimPage, StoreError> {
        let limit = filter.limit.clamp(1, 1000);
        let mut claims: Vec<ClaimRecord> = on_pool!(self, reader, |pool, _begin| {
            let mut q =
                QueryBuilder::new(format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE 1 = 1"));
            if let Some(status) = filter.status {
                q.push(" AND status = ").push_bind(status.as_str());
            }
            if let Some(provider) = &filter.provider {
                q.push(" AND provider_license = ")
                    .push_bind(provider.clone());
            }
            if let Some(payer) = &filter.payer {
                q.push(" AND payer_license = ").push_bind(payer.clone());
            }
            if let Some(patient) = filter.patient {
                q.push(" AND patient_id = ").push_bind(patient);
            }
            if let Some(claim_use) = &filter.claim_use {
                q.push(" AND claim_use = ").push_bind(claim_use.clone());
            }
            if let Some(claim_type) = &filter.claim_type {
                q.push(" AND claim_type = ").push_bind(claim_type.clone());
            }
            if let Some(from) = filter.submitted_from {
                q.push(" AND submitted_at >= ").push_bind(from);
            }
            if let Some(to) = filter.submitted_to {
                q.push(" AND submitted_at < ").push_bind(to);
            }
            if let Some(cursor) = filter.cursor {
                q.push(" AND (submitted_at < ")
                    .push_bind(cursor.submitted_at)
                    .push(" OR (submitted_at = ")
                    .push_bind(cursor.submitted_at)
                    .push(" AND id < ")
                    .push_bind(cursor.id)
                    .push("))");
            }
            q.push(" ORDER BY submitted_at DESC, id DESC LIMIT ")
                .push_bind(i64::from(limit) + 1);
            q.build_query_as().fetch_all(pool).await?
        });
        let next = if claims.len() > limit as usize {
            claims.truncate(limit as usize);
            claims.last().map(|c| Cursor {
                submitted_at: c.submitted_at,
                id: c.id,
            })
        } else {
            None
        };
        Ok(ClaimPage { claims, next })
    }
}

/// Names of the patient fields a submission supplied (for the audit row).
fn patient_fields(p: &nphies::PatientRecord) -> Vec<&'static str> {
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
