//! The request body of FHIR endpoints: checked for media type and size, parsed as JSON.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use futures_util::StreamExt;
use serde_json::Value;
use serde_json::value::RawValue;

/// How much of an oversize body we read and drop before answering 413.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// A JSON body sent as `application/fhir+json` or `application/json`.
pub struct FhirBody {
    /// The bytes as received: stored verbatim, so a bundle reads back exactly as sent.
    pub raw: Box<RawValue>,
    pub value: Value,
}

fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/fhir+json" || essence == "application/json"
}

impl FromRequest<AppState> for FhirBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let limit = state.limits.max_body_bytes;
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !is_json_media_type(content_type) {
            return Err(ApiError::UnsupportedMediaType(if content_type.is_empty() {
                "send the bundle with Content-Type: application/fhir+json (or application/json)"
                    .into()
            } else {
                "only application/fhir+json and application/json bodies are accepted".into()
            }));
        }
        let announced = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        // A body announced far beyond what we would drain is refused before reading a byte.
        if announced.is_some_and(|n| n > (limit + DRAIN_LIMIT) as u64) {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        let mut stream = req.into_body().into_data_stream();
        let mut bytes = Vec::with_capacity(announced.map_or(64 * 1024, |n| n as usize).min(limit));
        let mut received = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| {
                ApiError::BadRequest("the request body could not be read to the end".into())
            })?;
            received += chunk.len();
            if received > limit {
                // Read (and drop) the rest, up to a bound, so the client is not cut off while
                // still sending and actually receives the 413 rather than a broken connection.
                while received <= limit + DRAIN_LIMIT {
                    match stream.next().await {
                        Some(Ok(chunk)) => received += chunk.len(),
                        _ => break,
                    }
                }
                return Err(ApiError::PayloadTooLarge { limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| ApiError::BadRequest("the body is not UTF-8 text".into()))?;
        let raw: Box<RawValue> = serde_json::from_str(text).map_err(|e| {
            ApiError::BadRequest(format!(
                "the body is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        // Cannot fail: `raw` was just read as JSON. Kept fallible for the no-panic rule.
        let value: Value = serde_json::from_str(raw.get())
            .map_err(|_| ApiError::BadRequest("the body is not valid JSON".into()))?;
        Ok(FhirBody { raw, value })
    }
}

#[cfg(test)]
mod tests {
    use super::is_json_media_type;

    #[test]
    fn media_types() {
        assert!(is_json_media_type("application/fhir+json"));
        assert!(is_json_media_type("application/fhir+json; charset=utf-8"));
        assert!(is_json_media_type("Application/JSON"));
        assert!(!is_json_media_type("text/plain"));
        assert!(!is_json_media_type("application/fhir+xml"));
        assert!(!is_json_media_type(""));
    }
}
