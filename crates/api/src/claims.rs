//! `/claims` and `/patients`: accepting NPHIES claim bundles and showing what was stored.

use crate::error::{ApiError, fhir_response};
use crate::fhir_body::FhirBody;
use crate::{AppState, RequestContext};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use nphies::{ClaimSubmission, ClaimType, ClaimUse, IssueCode, canonical_json, parse_bundle};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::amount::Amount;
use store::{
    ClaimDetail, ClaimFilter, ClaimFinding, ClaimRecord, ClaimStatus, Cursor, NewClaim, Submission,
};
use uuid::Uuid;

/// Money as FHIR writes it: `{"value": 121.9, "currency": "SAR"}`, the value exact.
#[derive(Debug, Serialize)]
pub struct MoneyView {
    #[serde(with = "nphies::decimal")]
    pub value: Decimal,
    pub currency: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimView {
    pub id: Uuid,
    pub claim_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_system: Option<String>,
    pub status: String,
    #[serde(rename = "use")]
    pub claim_use: String,
    #[serde(rename = "type")]
    pub claim_type: String,
    pub sub_type: Option<String>,
    pub total: MoneyView,
    pub approved: Option<MoneyView>,
    pub provider_license: String,
    pub payer_license: String,
    pub patient_id: Uuid,
    pub encounter: Option<String>,
    pub submission_id: String,
    pub submitted_at: DateTime<Utc>,
    pub adjudicated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Validation findings the claim was accepted with (see `api::claims::submit`).
    pub findings: Vec<ClaimFinding>,
}

impl From<ClaimRecord> for ClaimView {
    fn from(c: ClaimRecord) -> Self {
        ClaimView {
            id: c.id,
            claim_number: c.claim_number,
            claim_system: c.claim_system,
            status: c.status,
            claim_use: c.claim_use,
            claim_type: c.claim_type,
            sub_type: c.sub_type,
            approved: c.approved_amount.map(|a| MoneyView {
                value: a.0,
                currency: c.currency.clone(),
            }),
            total: MoneyView {
                value: c.total_amount.0,
                currency: c.currency,
            },
            provider_license: c.provider_license,
            payer_license: c.payer_license,
            patient_id: c.patient_id,
            encounter: c.encounter_ref,
            submission_id: c.submission_id,
            submitted_at: c.submitted_at,
            adjudicated_at: c.adjudicated_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
            findings: c.findings.0,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    pub system: Option<String>,
    pub code: Option<String>,
    pub display: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemView {
    pub sequence: i32,
    pub service: ServiceView,
    #[serde(with = "nphies::decimal::option")]
    pub quantity: Option<Decimal>,
    #[serde(with = "nphies::decimal::option")]
    pub factor: Option<Decimal>,
    pub unit_price: Option<MoneyView>,
    pub tax: Option<MoneyView>,
    pub patient_share: Option<MoneyView>,
    pub net: Option<MoneyView>,
    pub serviced: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChangeView {
    pub from: Option<String>,
    pub to: String,
    pub actor: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimDetailView {
    #[serde(flatten)]
    pub claim: ClaimView,
    pub items: Vec<ItemView>,
    pub history: Vec<StatusChangeView>,
}

fn decimal(amount: Option<Amount>) -> Option<Decimal> {
    amount.map(|a| a.0)
}

impl From<ClaimDetail> for ClaimDetailView {
    fn from(d: ClaimDetail) -> Self {
        // Item amounts are in the claim's currency (NPHIES: SAR throughout).
        let currency = d.claim.currency.clone();
        let money = |amount: Option<Amount>| {
            amount.map(|a| MoneyView {
                value: a.0,
                currency: currency.clone(),
            })
        };
        let items = d
            .items
            .into_iter()
            .map(|i| ItemView {
                sequence: i.sequence,
                service: ServiceView {
                    system: i.service_system,
                    code: i.service_code,
                    display: i.service_display,
                },
                quantity: decimal(i.quantity),
                factor: decimal(i.factor),
                unit_price: money(i.unit_price),
                tax: money(i.tax),
                patient_share: money(i.patient_share),
                net: money(i.net),
                serviced: i.serviced,
            })
            .collect();
        ClaimDetailView {
            claim: d.claim.into(),
            items,
            history: d
                .events
                .into_iter()
                .map(|e| StatusChangeView {
                    from: e.from_status,
                    to: e.to_status,
                    actor: e.actor,
                    note: e.note,
                    at: e.at,
                })
                .collect(),
        }
    }
}

/// `POST /claims`: accept a `claim-request` or `priorauth-request` message bundle.
pub async fn submit(
    State(state): State<AppState>,
    ctx: RequestContext,
    body: FhirBody,
) -> Result<Response, ApiError> {
    if !body.value.is_object() {
        return Err(ApiError::Structure(nphies::Problem {
            code: IssueCode::Structure,
            expression: "Bundle".into(),
            message: "the body must be a JSON object (a FHIR Bundle)".into(),
        }));
    }
    // The NPHIES rules first. Errors against the message's integrity (structure, references,
    // business rules: amounts, sequences, dates, identifiers) refuse it, listing every finding.
    // Profile-conformance findings (cardinality, data types, bindings) are kept with the claim
    // and shown: NPHIES's own published samples predate some current profile requirements.
    let report = validation::validate(&body.value, chrono::Utc::now());
    if report.findings.iter().any(refuses) {
        // Every finding, each saying whether it is one that refused the claim.
        let mut outcome = report.to_outcome();
        for (issue, finding) in outcome.issue.iter_mut().zip(&report.findings) {
            issue.details = Some(nphies::IssueDetails {
                text: if refuses(finding) {
                    "refuses the claim".into()
                } else {
                    "does not refuse a claim; kept with it as a finding when it is accepted".into()
                },
            });
        }
        return Err(ApiError::Invalid(outcome));
    }
    let findings = report
        .findings
        .iter()
        .map(|f| ClaimFinding {
            rule: f.rule.id.to_owned(),
            severity: format!("{:?}", f.severity()).to_lowercase(),
            expression: f.expression.clone(),
            message: f.message.clone(),
        })
        .collect();
    let sha = format!(
        "{:x}",
        Sha256::digest(canonical_json(&body.value).as_bytes())
    );
    // A body of the wrong shape cannot be read (400); a readable resource that is not a
    // message bundle is understood but refused (422).
    let bundle = parse_bundle(body.value).map_err(|p| match p.code {
        IssueCode::Structure => ApiError::Structure(p),
        _ => ApiError::Unprocessable(vec![p]),
    })?;
    let submission = ClaimSubmission::from_bundle(&bundle).map_err(ApiError::Unprocessable)?;
    let (claim_use, claim_type) = (submission.claim_use, submission.claim_type);
    let result = state
        .store
        .submit_claim(NewClaim {
            submission,
            bundle: body.raw,
            content_sha256: sha,
            actor: ctx.actor(),
            findings,
        })
        .await?;
    let (status, claim) = match result {
        Submission::Created(claim) => {
            metrics::counter!(
                "claims_received_total",
                "use" => claim_use.as_str(),
                "type" => claim_type.as_str()
            )
            .increment(1);
            // Identifiers of the claim and the parties only: never the patient.
            tracing::info!(
                event = "claim_received",
                claim_id = %claim.id,
                claim_use = claim_use.as_str(),
                claim_type = claim_type.as_str(),
                provider = %claim.provider_license,
                payer = %claim.payer_license,
                amount = %claim.total_amount.0,
                currency = %claim.currency,
                "claim received"
            );
            (StatusCode::CREATED, claim)
        }
        Submission::Replayed(claim) => (StatusCode::OK, claim),
    };
    let location = format!("/claims/{}", claim.id);
    let mut response = fhir_response(status, &ClaimView::from(claim));
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Whether a finding refuses a claim at `POST /claims`.
fn refuses(finding: &validation::Finding) -> bool {
    use validation::RuleGroup::{Business, Reference, Structure};
    matches!(
        finding.severity(),
        nphies::Severity::Error | nphies::Severity::Fatal
    ) && matches!(finding.rule.group, Structure | Reference | Business)
}

/// `POST /$validate` (and `/Bundle/$validate`): every finding for any message bundle, as an
/// OperationOutcome. Nothing is stored. 200 whether or not the message is valid: the outcome
/// says which.
pub async fn validate(body: FhirBody) -> Response {
    let report = validation::validate(&body.value, chrono::Utc::now());
    fhir_response(StatusCode::OK, &report.to_outcome())
}

/// Path ids that are not UUIDs name nothing we store: 404, like any unknown id.
fn parse_id(id: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::NotFound(format!("no {what} with id {id}")))
}

/// `GET /claims/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id, "claim")?;
    let detail = state
        .store
        .claim_detail(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no claim with id {id}")))?;
    Ok(fhir_response(
        StatusCode::OK,
        &ClaimDetailView::from(detail),
    ))
}

/// `GET /claims/{id}/bundle`: the message bundle as it was received.
pub async fn bundle(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id, "claim")?;
    let raw = state
        .store
        .claim_bundle(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no claim with id {id}")))?;
    let mut response = String::from(raw.get()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::error::FHIR_JSON),
    );
    Ok(response)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    status: Option<String>,
    provider: Option<String>,
    payer: Option<String>,
    patient: Option<String>,
    #[serde(rename = "use")]
    claim_use: Option<String>,
    #[serde(rename = "type")]
    claim_type: Option<String>,
    submitted_from: Option<String>,
    submitted_to: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 500;

/// A time bound: an RFC 3339 instant, or a date meaning its midnight UTC.
fn parse_time(name: &str, text: &str) -> Result<DateTime<Utc>, ApiError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "{name} must be a date (2024-01-31) or an RFC 3339 time (2024-01-31T08:00:00Z)"
            ))
        })
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl ListParams {
    fn into_filter(self) -> Result<ClaimFilter, ApiError> {
        let status = match non_empty(self.status) {
            Some(s) => Some(ClaimStatus::parse(&s).ok_or_else(|| {
                let known: Vec<&str> = ClaimStatus::ALL.iter().map(|s| s.as_str()).collect();
                ApiError::BadRequest(format!("status must be one of: {}", known.join(", ")))
            })?),
            None => None,
        };
        let claim_use = match non_empty(self.claim_use) {
            Some(u) => Some(
                ClaimUse::parse(&u)
                    .ok_or_else(|| {
                        ApiError::BadRequest(
                            "use must be claim, preauthorization or predetermination".into(),
                        )
                    })?
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
        let claim_type = match non_empty(self.claim_type) {
            Some(t) => Some(
                ClaimType::parse(&t)
                    .ok_or_else(|| {
                        ApiError::BadRequest(
                            "type must be institutional, professional, pharmacy, oral or vision"
                                .into(),
                        )
                    })?
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
        let patient = match non_empty(self.patient) {
            Some(p) => Some(Uuid::parse_str(&p).map_err(|_| {
                ApiError::BadRequest("patient must be a patient id (a UUID)".into())
            })?),
            None => None,
        };
        let limit = match non_empty(self.limit) {
            Some(l) => match l.parse::<u32>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                _ => {
                    return Err(ApiError::BadRequest(format!(
                        "limit must be a whole number from 1 to {MAX_PAGE}"
                    )));
                }
            },
            None => DEFAULT_PAGE,
        };
        let submitted_from = non_empty(self.submitted_from)
            .map(|t| parse_time("submitted_from", &t))
            .transpose()?;
        let submitted_to = non_empty(self.submitted_to)
            .map(|t| parse_time("submitted_to", &t))
            .transpose()?;
        let cursor = non_empty(self.cursor)
            .map(|c| Cursor::decode(&c))
            .transpose()?;
        Ok(ClaimFilter {
            status,
            provider: non_empty(self.provider),
            payer: non_empty(self.payer),
            patient,
            claim_use,
            claim_type,
            submitted_from,
            submitted_to,
            limit,
            cursor,
        })
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimListView {
    pub claims: Vec<ClaimView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `GET /claims`: newest first, filtered, one page at a time.
pub async fn list(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| {
        // serde's text names the offending parameter; drop axum's prefix.
        let text = e.body_text();
        let detail = text.rsplit_once(": ").map_or(text.as_str(), |(_, d)| d);
        ApiError::BadRequest(format!(
            "bad query parameter ({detail}); known: status, provider, payer, patient, use, type, \
             submitted_from, submitted_to, limit, cursor"
        ))
    })?;
    let page = state.store.list_claims(&params.into_filter()?).await?;
    Ok(fhir_response(
        StatusCode::OK,
        &ClaimListView {
            claims: page.claims.into_iter().map(ClaimView::from).collect(),
            next_cursor: page.next.map(|c| c.encode()),
        },
    ))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientView {
    pub id: Uuid,
    pub identifier: IdentifierView,
    pub name_en: Option<String>,
    pub name_ar: Option<String>,
    pub birth_date: Option<String>,
    pub gender: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentifierView {
    pub system: String,
    pub value: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `GET /patients/{id}`.
pub async fn patient(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id, "patient")?;
    let p = state
        .store
        .patient(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no patient with id {id}")))?;
    Ok(Json(PatientView {
        id: p.id,
        identifier: IdentifierView {
            system: p.identifier_system,
            value: p.identifier_value,
            kind: p.identifier_type,
        },
        name_en: p.name_en,
        name_ar: p.name_ar,
        birth_date: p.birth_date,
        gender: p.gender,
        mobile: p.mobile,
        email: p.email,
        created_at: p.created_at,
        updated_at: p.updated_at,
    })
    .into_response())
}
