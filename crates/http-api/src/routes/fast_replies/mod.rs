//! Fast replies ("mensagens rápidas") with their media: client-contract.md §10,
//! behaviour.md §3.10.
//!
//! Media are stored as generated file names and shown as absolute signed URLs. On an edit the
//! client sends the media it keeps as those URLs; only names among the reply's current media
//! are honoured, so a client can never point a reply at someone else's file.

mod request;

use std::collections::HashSet;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use serde_json::{Value, json};
use tiktickets_domain::ids::FastReplyId;
use tiktickets_domain::store::fast_replies::FastReplyInput;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody, validated};
use crate::state::ApiState;
pub use request::{FastReplyFormDoc, FastReplyJson};
use request::{
    check_media_count, ensure_key_free, file_name_of, medias_column, read_request, remove_files,
    reply_json, save_files,
};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_fast_replies)
        .service(delete_images)
        .service(create_fast_reply)
        .service(update_fast_reply)
        .service(delete_fast_reply);
}

/// Fast replies of the caller's tenant, ordered by key.
#[utoipa::path(
    tag = "fast replies",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`{id, key, message, medias: [URL], userId, tenantId, createdAt, updatedAt}` rows", body = [Object]),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
#[get("/fastreply")]
async fn list_fast_replies(
    state: web::Data<ApiState>,
    auth: Auth,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let base = state.public_base(&req);
    let replies = state.stores.fast_replies.list(&auth.cx).await?;
    let rows = replies
        .iter()
        .map(|r| reply_json(&state, &base, r))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Creates a fast reply (admins) from a multipart form (`key`, `message`, `medias` files) or
/// JSON `{key, message}`.
#[utoipa::path(
    tag = "fast replies",
    security(("bearer" = [])),
    request_body(content(
        (FastReplyFormDoc = "multipart/form-data"),
        (FastReplyJson = "application/json"),
    )),
    responses(
        (status = 200, description = "The created reply", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "The key is taken (`ERR_FAST_REPLY_EXISTS`)", body = ErrorBody),
        (status = 422, description = "Bad key or message", body = ErrorBody),
    )
)]
#[post("/fastreply")]
async fn create_fast_reply(
    state: web::Data<ApiState>,
    auth: Auth,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let request = read_request(&state, &req, payload).await?;
    ensure_key_free(&state, &auth.cx, &request.fields.key, None).await?;
    // Nothing stored yet, so URLs in a create are ignored: only new files count.
    check_media_count(request.files.len())?;
    let names = save_files(&state, &auth.cx, &request.files).await?;
    let input = FastReplyInput {
        key: request.fields.key,
        message: request.fields.message.unwrap_or_default(),
        medias: medias_column(names.clone()),
    };
    let reply = match state.stores.fast_replies.create(&auth.cx, input).await {
        Ok(reply) => reply,
        Err(e) => {
            remove_files(&state, &auth.cx, &names).await;
            return Err(e.into());
        }
    };
    let base = state.public_base(&req);
    Ok(HttpResponse::Ok().json(reply_json(&state, &base, &reply)?))
}

/// Edits a fast reply (admins): kept media are the sent URLs that name one of its current
/// media, plus new files; media no longer used are deleted.
#[utoipa::path(
    tag = "fast replies",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Fast reply id")),
    request_body(content(
        (FastReplyFormDoc = "multipart/form-data"),
        (FastReplyJson = "application/json"),
    )),
    responses(
        (status = 200, description = "The updated reply", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such reply in the caller's tenant", body = ErrorBody),
        (status = 409, description = "The key is taken", body = ErrorBody),
        (status = 422, description = "Bad key or message", body = ErrorBody),
    )
)]
#[put("/fastreply/{id}")]
async fn update_fast_reply(
    state: web::Data<ApiState>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<i32>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let id = FastReplyId::new(path.into_inner());
    let current = state.stores.fast_replies.get(&auth.cx, id).await?;
    let request = read_request(&state, &req, payload).await?;
    ensure_key_free(&state, &auth.cx, &request.fields.key, Some(id)).await?;
    let current_medias = current.medias.unwrap_or_default();
    let kept: Vec<String> = match &request.kept_urls {
        None => current_medias.clone(),
        Some(urls) => {
            let wanted: HashSet<&str> = urls.iter().map(|u| file_name_of(u)).collect();
            current_medias
                .iter()
                .filter(|m| wanted.contains(file_name_of(m)))
                .cloned()
                .collect()
        }
    };
    check_media_count(kept.len() + request.files.len())?;
    let new_names = save_files(&state, &auth.cx, &request.files).await?;
    let input = FastReplyInput {
        key: request.fields.key,
        message: request.fields.message.unwrap_or(current.message),
        medias: medias_column(
            kept.iter()
                .cloned()
                .chain(new_names.iter().cloned())
                .collect(),
        ),
    };
    let reply = match state.stores.fast_replies.update(&auth.cx, id, input).await {
        Ok(reply) => reply,
        Err(e) => {
            remove_files(&state, &auth.cx, &new_names).await;
            return Err(e.into());
        }
    };
    let dropped: Vec<String> = current_medias
        .into_iter()
        .filter(|m| !kept.contains(m))
        .collect();
    remove_files(&state, &auth.cx, &dropped).await;
    let base = state.public_base(&req);
    Ok(HttpResponse::Ok().json(reply_json(&state, &base, &reply)?))
}

/// Deletes a fast reply and its media files (admins).
#[utoipa::path(
    tag = "fast replies",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Fast reply id")),
    responses(
        (status = 200, description = "`{message: \"Fast Reply deleted\"}`", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such reply in the caller's tenant", body = ErrorBody),
    )
)]
#[delete("/fastreply/{id}")]
async fn delete_fast_reply(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let id = FastReplyId::new(path.into_inner());
    let reply = state.stores.fast_replies.get(&auth.cx, id).await?;
    state.stores.fast_replies.delete(&auth.cx, id).await?;
    remove_files(&state, &auth.cx, &reply.medias.unwrap_or_default()).await;
    Ok(HttpResponse::Ok().json(json!({"message": "Fast Reply deleted"})))
}

/// Body of `POST /fastreply/delete-images`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteImagesRequest {
    /// The reply (a number, or a number as text).
    #[schema(value_type = i32)]
    pub fast_reply_id: Value,
    /// URL of the medium to remove; absent removes them all.
    #[validate(length(max = 4096))]
    pub media_url: Option<String>,
}

/// A positive id sent as a JSON number or as numeric text.
fn id_value(field: &str, value: &Value) -> ApiResult<i32> {
    let parsed = match value {
        Value::Number(n) => n.as_i64().and_then(|v| i32::try_from(v).ok()),
        Value::String(s) => s.trim().parse::<i32>().ok(),
        _ => None,
    };
    parsed.filter(|v| *v > 0).ok_or_else(|| {
        ApiError::bad_request("ERR_INVALID_BODY", format!("{field} must be a positive id"))
    })
}

/// Removes one medium of a reply (or all when `mediaUrl` is absent) and deletes the files
/// (admins). Answers the updated reply.
#[utoipa::path(
    tag = "fast replies",
    security(("bearer" = [])),
    request_body = DeleteImagesRequest,
    responses(
        (status = 200, description = "The updated reply", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such reply, or the reply has no such medium", body = ErrorBody),
    )
)]
#[post("/fastreply/delete-images")]
async fn delete_images(
    state: web::Data<ApiState>,
    auth: Auth,
    req: HttpRequest,
    body: web::Json<DeleteImagesRequest>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let body = validated(body.into_inner())?;
    let id = FastReplyId::new(id_value("fastReplyId", &body.fast_reply_id)?);
    let reply = state.stores.fast_replies.get(&auth.cx, id).await?;
    let medias = reply.medias.clone().unwrap_or_default();
    let (removed, kept): (Vec<String>, Vec<String>) = match body.media_url.as_deref() {
        None => (medias, Vec::new()),
        Some(url) => {
            let name = file_name_of(url);
            let split: (Vec<String>, Vec<String>) =
                medias.into_iter().partition(|m| file_name_of(m) == name);
            if split.0.is_empty() {
                return Err(ApiError::Domain(tiktickets_domain::DomainError::not_found(
                    "medium",
                    "ERR_NO_MEDIA_FOUND",
                )));
            }
            split
        }
    };
    let input = FastReplyInput {
        key: reply.key,
        message: reply.message,
        medias: medias_column(kept),
    };
    let updated = state
        .stores
        .fast_replies
        .update(&auth.cx, id, input)
        .await?;
    remove_files(&state, &auth.cx, &removed).await;
    let base = state.public_base(&req);
    Ok(HttpResponse::Ok().json(reply_json(&state, &base, &updated)?))
}
