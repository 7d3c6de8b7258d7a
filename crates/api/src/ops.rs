//! Operational endpoints: liveness, readiness, the CapabilityStatement and Prometheus metrics.

use crate::AppState;
use crate::error::{ApiError, fhir_response};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// `GET /health`: the process is up. Says nothing about the database, on purpose: a liveness
/// probe that fails when the database does would restart healthy replicas.
pub async fn health() -> Response {
    axum::Json(json!({"status": "ok"})).into_response()
}

/// `GET /ready`: the database answers.
pub async fn ready(State(state): State<AppState>) -> Result<Response, ApiError> {
    state.store.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        ApiError::Unavailable("the database is not reachable".into())
    })?;
    Ok(
        axum::Json(json!({"status": "ready", "database": state.store.engine().as_str()}))
            .into_response(),
    )
}

/// `GET /metadata`: a CapabilityStatement describing what this server supports.
pub async fn metadata() -> Response {
    let claim_search = [
        (
            "status",
            "token",
            "Claim status in ClaimLinc (accepted, queued, sent, ...)",
        ),
        ("provider", "token", "Provider license"),
        ("payer", "token", "Payer license"),
        ("patient", "token", "Patient id"),
        (
            "use",
            "token",
            "claim | preauthorization | predetermination",
        ),
        (
            "type",
            "token",
            "institutional | professional | pharmacy | oral | vision",
        ),
        ("submitted_from", "date", "Received at or after"),
        ("submitted_to", "date", "Received before"),
        ("limit", "number", "Page size (1-500, default 50)"),
        ("cursor", "string", "Opaque position returned as nextCursor"),
    ]
    .map(|(name, kind, doc)| json!({"name": name, "type": kind, "documentation": doc}));
    let body = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-03",
        "publisher": "ClaimLinc",
        "kind": "instance",
        "software": {"name": "ClaimLinc", "version": env!("CARGO_PKG_VERSION")},
        "implementation": {"description": "ClaimLinc claims engine for NPHIES"},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "application/json"],
        "rest": [{
            "mode": "server",
            "documentation": "Accepts NPHIES message bundles (claim-request, priorauth-request) at POST /claims.",
            "resource": [
                {
                    "type": "Claim",
                    "interaction": [{"code": "create"}, {"code": "read"}, {"code": "search-type"}],
                    "searchParam": claim_search
                },
                {"type": "Patient", "interaction": [{"code": "read"}]},
                {
                    "type": "Bundle",
                    "documentation": "GET /claims/{id}/bundle returns the message bundle a claim arrived in."
                }
            ]
        }]
    });
    fhir_response(StatusCode::OK, &body)
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    for pool in state.store.pool_stats() {
        let active = pool
            .size
            .saturating_sub(u32::try_from(pool.idle).unwrap_or(u32::MAX));
        metrics::gauge!("db_pool_connections", "pool" => pool.pool, "state" => "active")
            .set(f64::from(active));
        metrics::gauge!("db_pool_connections", "pool" => pool.pool, "state" => "idle")
            .set(pool.idle as f64);
        metrics::gauge!("db_pool_max_connections", "pool" => pool.pool).set(f64::from(pool.max));
    }
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
