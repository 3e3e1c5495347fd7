//! Reading a fast reply's form (multipart or JSON), and its media files on disk.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use serde::Deserialize;
use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::ids::FastReplyId;
use tiktickets_domain::store::fast_replies::FastReply;
use utoipa::ToSchema;
use validator::Validate;

use crate::error::{ApiError, ApiResult, validated};
use crate::multipart::{Form, UploadedFile};
use crate::state::ApiState;
use crate::views::to_json;

/// Most media one reply may hold (the store's rule, checked before files are written).
pub(super) const MAX_MEDIAS: usize = 20;

/// The JSON body of `POST /fastreply` and `PUT /fastreply/{id}` (the client sends multipart
/// with the same fields; see [`FastReplyFormDoc`]).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FastReplyJson {
    /// Shortcut (1 to 255 characters, unique in the tenant).
    pub key: String,
    /// Text ('' allowed, at most 10 000 characters); absent on an edit keeps it.
    pub message: Option<String>,
    /// URLs of stored media to keep; absent on an edit keeps them all.
    pub medias: Option<Vec<String>>,
    /// Ignored.
    #[schema(value_type = Option<i32>)]
    pub id: Option<Value>,
}

/// The multipart form the client sends (for the API document).
#[derive(Debug, ToSchema)]
pub struct FastReplyFormDoc {
    /// Shortcut.
    pub key: String,
    /// Text.
    pub message: String,
    /// One part per medium: a file part for a new file, a text part with the URL of a stored
    /// medium to keep it.
    pub medias: Vec<String>,
}

/// Validated text fields.
#[derive(Debug, Validate)]
pub(super) struct Fields {
    /// Shortcut, trimmed.
    #[validate(length(min = 1, max = 255))]
    pub(super) key: String,
    /// `None` when not sent: '' on a create, unchanged on an edit.
    #[validate(length(max = 10_000))]
    pub(super) message: Option<String>,
}

/// A create or edit request, whatever its content type.
pub(super) struct ReplyRequest {
    pub(super) fields: Fields,
    /// Media the client keeps (URLs), `None` when it did not say (JSON without `medias`).
    pub(super) kept_urls: Option<Vec<String>>,
    /// New files.
    pub(super) files: Vec<UploadedFile>,
}

/// Reads a multipart form or a JSON body.
pub(super) async fn read_request(
    state: &ApiState,
    req: &HttpRequest,
    payload: web::Payload,
) -> ApiResult<ReplyRequest> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let (key, message, kept_urls, files) = if content_type.starts_with("multipart/form-data") {
        let form = Form::read(Multipart::new(req.headers(), payload), state.media.limit()).await?;
        let kept: Vec<String> = form
            .texts("medias")
            .into_iter()
            .map(str::to_owned)
            .collect();
        let files = form.files("medias").cloned().collect();
        let key = form.text("key").unwrap_or_default().to_owned();
        let message = form.text("message").map(str::to_owned);
        (key, message, Some(kept), files)
    } else if content_type.starts_with("application/json") {
        let bytes = payload
            .to_bytes_limited(state.config.json_limit_bytes)
            .await
            .map_err(|_| ApiError::PayloadTooLarge {
                message: "the body is over the size limit".to_owned(),
            })?
            .map_err(|e| ApiError::bad_request("ERR_INVALID_JSON", e.to_string()))?;
        let body: FastReplyJson = serde_json::from_slice(&bytes).map_err(|e| {
            let code = if e.is_data() {
                "ERR_INVALID_BODY"
            } else {
                "ERR_INVALID_JSON"
            };
            ApiError::bad_request(code, format!("invalid body: {e}"))
        })?;
        (body.key, body.message, body.medias, Vec::new())
    } else {
        return Err(ApiError::bad_request(
            "ERR_INVALID_CONTENT_TYPE",
            "send multipart/form-data or application/json",
        ));
    };
    let fields = validated(Fields {
        key: key.trim().to_owned(),
        message,
    })?;
    Ok(ReplyRequest {
        fields,
        kept_urls,
        files,
    })
}

/// The file name of a media URL or stored name: the last path segment before `?` or `#`.
pub(super) fn file_name_of(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().unwrap_or(path)
}

/// A reply as the client reads it, with absolute media URLs.
pub(super) fn reply_json(state: &ApiState, base: &str, reply: &FastReply) -> ApiResult<Value> {
    let urls: Vec<String> = reply
        .medias
        .iter()
        .flatten()
        .filter_map(|name| state.media_url(base, reply.tenant_id, name))
        .collect();
    let mut value = to_json(reply)?;
    if let Some(obj) = value.as_object_mut() {
        obj.insert("medias".to_owned(), json!(urls));
    }
    Ok(value)
}

/// 409 `ERR_FAST_REPLY_EXISTS` when another reply of the tenant has this key (the table has
/// no unique index, so the check is here).
pub(super) async fn ensure_key_free(
    state: &ApiState,
    cx: &TenantCtx,
    key: &str,
    except: Option<FastReplyId>,
) -> ApiResult<()> {
    let taken = state
        .stores
        .fast_replies
        .list(cx)
        .await?
        .iter()
        .any(|r| r.key.trim() == key && Some(r.id) != except);
    if taken {
        return Err(ApiError::Domain(tiktickets_domain::DomainError::conflict(
            "ERR_FAST_REPLY_EXISTS",
            format!("a fast reply with the key {key:?} already exists"),
        )));
    }
    Ok(())
}

pub(super) fn check_media_count(count: usize) -> ApiResult<()> {
    if count > MAX_MEDIAS {
        return Err(ApiError::bad_request(
            "ERR_TOO_MANY_MEDIAS",
            format!("at most {MAX_MEDIAS} medias per fast reply"),
        ));
    }
    Ok(())
}

/// Writes the new files; on a failure the ones already written are removed.
pub(super) async fn save_files(
    state: &ApiState,
    cx: &TenantCtx,
    files: &[UploadedFile],
) -> ApiResult<Vec<String>> {
    let mut names = Vec::with_capacity(files.len());
    for f in files {
        match state
            .media
            .save(cx.tenant(), &f.file_name, f.mime.as_deref(), &f.bytes)
            .await
        {
            Ok(stored) => names.push(stored.file_name),
            Err(e) => {
                remove_files(state, cx, &names).await;
                return Err(e);
            }
        }
    }
    Ok(names)
}

pub(super) async fn remove_files(state: &ApiState, cx: &TenantCtx, names: &[String]) {
    for name in names {
        state.media.remove(cx.tenant(), file_name_of(name)).await;
    }
}

/// Stored media list: `None` when empty.
pub(super) fn medias_column(names: Vec<String>) -> Option<Vec<String>> {
    (!names.is_empty()).then_some(names)
}
