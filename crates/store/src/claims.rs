//! Claims: accepting a submission in one transaction, reading it back, listing with filters.

use crate::amount::Amount;
use crate::{Store, StoreError, on_pool};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
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
    /// Validation findings the claim was accepted with (see `api::claims::submit`).
    pub findings: Json<Vec<ClaimFinding>>,
}

/// A validation finding that did not refuse the claim, kept with it so billers see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClaimFinding {
    pub rule: String,
    pub severity: String,
    pub expression: String,
    pub message: String,
}

pub(crate) const CLAIM_COLUMNS: &str = "id, claim_system, claim_number, patient_id, provider_license, \
    payer_license, encounter_ref, claim_use, claim_type, sub_type, status, total_amount, currency, \
    approved_amount, submission_id, submitted_at, adjudicated_at, created_at, updated_at, findings";

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

impl Store {
    /// A claim's summary.
    pub async fn claim(&self, id: Uuid) -> Result<Option<ClaimRecord>, StoreError> {
        let sql = format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE id = $1");
        on_pool!(self, |pool| {
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
        on_pool!(self, |pool| {
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
        on_pool!(self, |pool| {
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
        let mut claims: Vec<ClaimRecord> = on_pool!(self, |pool| {
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
