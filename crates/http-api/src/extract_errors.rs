//! Error handlers for actix's own extractors, so that malformed JSON, bad path segments and
//! oversized bodies answer with our error body instead of actix's plain text.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{HttpRequest, web};

use crate::error::ApiError;

/// The JSON extractor's configuration: size limit and error mapping.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req: &HttpRequest| json_error(err).into())
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::OverflowKnownLength { length, limit } => ApiError::PayloadTooLarge {
            message: format!("the body has {length} bytes; the limit is {limit}"),
        },
        JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge {
            message: format!("the body is over the limit of {limit} bytes"),
        },
        JsonPayloadError::ContentType => ApiError::bad_request(
            "ERR_INVALID_CONTENT_TYPE",
            "the body must be JSON (Content-Type: application/json)",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ApiError::bad_request("ERR_INVALID_BODY", format!("invalid field: {e}"))
        }
        JsonPayloadError::Deserialize(e) => {
            ApiError::bad_request("ERR_INVALID_JSON", format!("malformed JSON: {e}"))
        }
        other => ApiError::bad_request("ERR_INVALID_JSON", other.to_string()),
    }
}

/// The path extractor's configuration: a non-numeric id is a 400, not a 404 text page.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| {
        let message = match &err {
            PathError::Deserialize(e) => format!("invalid path parameter: {e}"),
            other => other.to_string(),
        };
        ApiError::bad_request("ERR_INVALID_PATH_PARAMETER", message).into()
    })
}

/// The query extractor's configuration (for handlers using `web::Query`).
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let message = match &err {
            QueryPayloadError::Deserialize(e) => format!("invalid query parameter: {e}"),
            other => other.to_string(),
        };
        ApiError::bad_request("ERR_INVALID_QUERY", message).into()
    })
}
