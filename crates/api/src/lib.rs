//! The ClaimLinc HTTP API.
//!
//! [`router`] is the whole route table; [`Server`] binds it to an address and serves it until a
//! shutdown signal, letting in-flight requests finish. Every error leaves as an OperationOutcome
//! (see [`error`]). Every request gets an id (`x-request-id`, taken from the client when given),
//! a JSON log line and Prometheus counters.

mod claims;
pub mod error;
mod fhir_body;
mod ops;

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use error::ApiError;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use store::{Actor, Store};
use tokio::net::TcpListener;
use tracing::Instrument;
use uuid::Uuid;

/// NPHIES refuses messages over 10 MB (rule BV-00076); so do we.
pub const DEFAULT_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub limits: Limits,
    metrics: PrometheusHandle,
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process-wide Prometheus recorder, installed on first use. `metrics` has one global
/// recorder, so servers in one process (as in tests) share it.
fn prometheus() -> Result<PrometheusHandle, ApiError> {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("http_request_duration_seconds".into()),
            LATENCY_BUCKETS,
        )
        .map_err(|e| ApiError::Internal(format!("metrics: {e}")))?
        .build_recorder();
    let handle = recorder.handle();
    if HANDLE.set(handle.clone()).is_ok() {
        metrics::set_global_recorder(recorder)
            .map_err(|e| ApiError::Internal(format!("metrics: {e}")))?;
        Ok(handle)
    } else {
        // Another thread won the race; use its recorder.
        HANDLE
            .get()
            .cloned()
            .ok_or_else(|| ApiError::Internal("metrics recorder missing".into()))
    }
}

impl AppState {
    pub fn new(store: Store, limits: Limits) -> Result<AppState, ApiError> {
        Ok(AppState {
            store,
            limits,
            metrics: prometheus()?,
        })
    }
}

/// The route table: every endpoint the server answers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/claims", get(claims::list).post(claims::submit))
        .route("/claims/{id}", get(claims::show))
        .route("/claims/{id}/bundle", get(claims::bundle))
        .route("/patients/{id}", get(claims::patient))
        .route("/$validate", post(claims::validate))
        .route("/Bundle/$validate", post(claims::validate))
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready))
        .route("/metadata", get(ops::metadata))
        .route("/metrics", get(ops::metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(
            state.limits.max_body_bytes,
        ))
        .layer(middleware::from_fn(observe))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(on_panic))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such endpoint; GET /metadata lists what this server supports".into())
}

async fn method_not_allowed(method: Method) -> Response {
    let outcome = nphies::OperationOutcome::error(
        nphies::IssueCode::NotSupported,
        format!("{method} is not supported on this endpoint"),
        None,
    );
    error::fhir_response(StatusCode::METHOD_NOT_ALLOWED, &outcome)
}

fn on_panic(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    // The panic payload is not logged: it could carry request data.
    tracing::error!("a request handler panicked");
    ApiError::Internal("handler panicked".into()).into_response()
}

/// Request id, JSON access log and HTTP metrics for every request.
async fn observe(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| Uuid::new_v4().to_string());
    // The route template, never the raw path: ids in paths would explode metric cardinality.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().clone();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let span =
        tracing::info_span!("request", request_id = %request_id, method = %method, route = %route);
    let mut response = next.run(req).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    let labels = [
        ("method", method.to_string()),
        ("route", route),
        ("status", status.to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(
            status,
            latency_ms = elapsed.as_micros() as f64 / 1000.0,
            "request completed"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    response
}

#[derive(Debug, Clone)]
struct RequestId(String);

/// Who is calling and from where, for the audit trail.
pub struct RequestContext {
    pub request_id: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl RequestContext {
    /// The actor recorded in the audit trail. Until access control exists every caller is
    /// anonymous; the address and user agent are still recorded.
    pub fn actor(&self) -> Actor {
        Actor {
            name: "anonymous".into(),
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestContext {
            request_id: parts
                .extensions
                .get::<RequestId>()
                .map(|r| r.0.clone())
                .unwrap_or_default(),
            ip: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(256).collect()),
        })
    }
}

/// A bound, not yet serving, HTTP server.
pub struct Server {
    listener: TcpListener,
    app: Router,
    store: Store,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port; see [`Server::local_addr`]).
    pub async fn bind(addr: SocketAddr, state: AppState) -> std::io::Result<Server> {
        let listener = TcpListener::bind(addr).await?;
        let store = state.store.clone();
        Ok(Server {
            listener,
            app: router(state),
            store,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then stops accepting connections and waits up to
    /// `grace` for in-flight requests to finish (each one commits or rolls back whole) before
    /// closing the database pools.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
        grace: Duration,
    ) -> std::io::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let serve = axum::serve(
            self.listener,
            self.app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
            tracing::info!("shutting down: no new connections, finishing requests in flight");
        });
        let mut stopped = stop_rx.clone();
        let result = tokio::select! {
            result = serve => result,
            () = async move {
                let _ = stopped.wait_for(|s| *s).await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!(grace_secs = grace.as_secs(), "requests still running after the grace period; stopping");
                Ok(())
            }
        };
        self.store.close().await;
        result
    }
}
