//! Every error leaves the API as a FHIR OperationOutcome with the matching HTTP status.
//! The mapping from error to status lives here and nowhere else.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use nphies::{IssueCode, OperationOutcome, Problem, outcome_of};
use store::StoreError;

pub const FHIR_JSON: &str = "application/fhir+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    /// The body could not be read as a resource: wrong JSON types, with the path at fault.
    #[error("{}", .0.message)]
    Structure(Problem),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// A well-formed bundle that is not a message we accept.
    #[error("the bundle cannot be accepted")]
    Unprocessable(Vec<Problem>),
    /// A message that breaks NPHIES rules: every finding, errors and warnings.
    #[error("the message breaks NPHIES rules")]
    Invalid(OperationOutcome),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unavailable(String),
    /// Anything unexpected. The cause is logged; the client only learns that it happened.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(message) => ApiError::Conflict(message),
            StoreError::InvalidCursor => {
                ApiError::BadRequest("cursor is not one this server handed out".into())
            }
            StoreError::Unavailable(message) => ApiError::Unavailable(message),
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "database unavailable");
                ApiError::Unavailable("the database is not reachable; retry later".into())
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::Structure(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unprocessable(_) | ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn outcome(&self) -> OperationOutcome {
        match self {
            ApiError::BadRequest(m) => OperationOutcome::error(IssueCode::Invalid, m, None),
            ApiError::Structure(p) => outcome_of(std::slice::from_ref(p)),
            ApiError::UnsupportedMediaType(m) => {
                OperationOutcome::error(IssueCode::NotSupported, m, None)
            }
            ApiError::PayloadTooLarge { .. } => {
                OperationOutcome::error(IssueCode::TooLong, self.to_string(), None)
            }
            ApiError::Unprocessable(problems) => outcome_of(problems),
            ApiError::Invalid(outcome) => outcome.clone(),
            ApiError::NotFound(m) => OperationOutcome::error(IssueCode::NotFound, m, None),
            ApiError::Conflict(m) => OperationOutcome::error(IssueCode::Conflict, m, None),
            ApiError::Unavailable(m) => OperationOutcome::error(IssueCode::Transient, m, None),
            ApiError::Internal(_) => OperationOutcome::error(
                IssueCode::Exception,
                "the server failed to handle the request; it has been logged",
                None,
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = %cause, "request failed");
        }
        fhir_response(self.status(), &self.outcome())
    }
}

/// A FHIR JSON response.
pub fn fhir_response<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    response
}
