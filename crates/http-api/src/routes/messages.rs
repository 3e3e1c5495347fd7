//! Messages of a ticket: read, send (the outbox), cancel, forward (client-contract.md §4.2,
//! §4.4, §4.5, §4.6; behaviour.md §3.9).

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use tiktickets_domain::enums::SendType;
use tiktickets_domain::ids::{ContactId, MessageId, TicketId};
use tiktickets_domain::services::messages::{
    ERR_WAPP_SESSIONS_NOT_AVAILABLE, OutboundMedia, OutboundRequest,
};
use tiktickets_domain::store::page::PageRequest;
use tiktickets_domain::{DomainError, TenantCtx};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody, validated};
use crate::multipart::Form;
use crate::query::QueryParams;
use crate::state::ApiState;
use crate::views::{message_json, ticket_full};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_messages)
        .service(send_message)
        .service(delete_message)
        .service(edit_message)
        .service(forward_messages);
}

/// Messages per page unless `pageSize` asks otherwise.
const DEFAULT_PAGE_SIZE: u64 = 30;
/// Largest `pageSize`.
const MAX_PAGE_SIZE: u64 = 100;

/// A ticket's messages: `{messages (oldest first), count, hasMore, ticket}`; page 1 is the
/// newest slice, page N the next older one. Reading page 1 marks the ticket read.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(
        ("ticketId" = i32, Path, description = "Ticket id"),
        ("pageNumber" = Option<u64>, Query, description = "1-based page"),
        ("pageSize" = Option<u64>, Query, description = "1..=100 (default 30)"),
    ),
    responses(
        (status = 200, description = "`{messages, count, hasMore, ticket}`"),
        (status = 404, description = "ERR_NO_TICKET_FOUND", body = ErrorBody),
    )
)]
#[get("/messages/{ticketId}")]
async fn list_messages(
    state: web::Data<ApiState>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<i32>,
    query: QueryParams,
) -> ApiResult<HttpResponse> {
    let size = match query.parsed::<u64>("pageSize")? {
        None => DEFAULT_PAGE_SIZE,
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::bad_request(
                "ERR_INVALID_QUERY",
                format!("pageSize must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
    };
    let page = PageRequest::new(query.page_number()?, size)?;
    let (ticket, messages, marked_read) = state
        .services
        .ticket_messages(&auth.cx, TicketId::new(path.into_inner()), page)
        .await?;
    if marked_read {
        // The phone learns it in the background: a slow session must not slow the inbox.
        let (services, cx, ticket) = (state.services.clone(), auth.cx, ticket.clone());
        actix_web::rt::spawn(async move { services.mark_read_on_phone(&cx, &ticket).await });
    }
    let base = state.public_base(&req);
    let items = messages_json(&state, &auth.cx, &base, &messages.items).await?;
    Ok(HttpResponse::Ok().json(json!({
        "messages": items,
        "count": messages.count,
        "hasMore": messages.has_more,
        "ticket": ticket_full(&state, &auth.cx, &base, &ticket).await?,
    })))
}

async fn messages_json(
    state: &ApiState,
    cx: &TenantCtx,
    base: &str,
    messages: &[tiktickets_domain::store::messages::Message],
) -> ApiResult<Vec<Value>> {
    let ids: Vec<ContactId> = messages.iter().filter_map(|m| m.contact_id).collect();
    let contacts: HashMap<ContactId, _> = state
        .stores
        .contacts
        .get_many(cx, &ids)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut out = Vec::with_capacity(messages.len());
    for m in messages {
        let sender = m.contact_id.and_then(|c| contacts.get(&c));
        out.push(message_json(state, cx, base, m, sender).await?);
    }
    Ok(out)
}

/// A send request, from JSON or multipart.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendMessageBody {
    /// Text (or the caption of the first file).
    #[validate(length(max = 65536))]
    #[serde(default)]
    pub body: String,
    /// Always `true` from the client (ignored: agents' messages are ours).
    #[schema(value_type = Option<bool>)]
    pub from_me: Option<Value>,
    /// The replied message: the whole message object, or its id.
    #[schema(value_type = Option<Object>)]
    pub quoted_msg: Option<Value>,
    /// Send later: ISO 8601, or the UI's `yyyy-MM-dd HH:mm` (read as UTC).
    #[validate(length(max = 64))]
    pub schedule_date: Option<String>,
    /// Client correlation id (`idFront` or the UI's `id`).
    #[validate(length(max = 255))]
    pub id_front: Option<String>,
}

fn parse_schedule(raw: Option<&str>) -> ApiResult<Option<DateTime<Utc>>> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty() && *s != "null") else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    for format in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, format) {
            return Ok(Some(Utc.from_utc_datetime(&t)));
        }
    }
    Err(ApiError::unprocessable(
        "ERR_VALIDATION",
        format!("scheduleDate must be ISO 8601 or yyyy-MM-dd HH:mm, not {raw:?}"),
    ))
}

fn quoted_id(value: Option<&Value>) -> ApiResult<Option<MessageId>> {
    let id = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(obj)) => obj.get("id").and_then(Value::as_str).map(str::to_owned),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(obj)) => obj.get("id").and_then(Value::as_str).map(str::to_owned),
            _ => Some(s.clone()),
        },
        Some(_) => None,
    };
    let id = id.ok_or_else(|| {
        ApiError::unprocessable("ERR_VALIDATION", "quotedMsg must be a message or its id")
    })?;
    id.parse::<MessageId>().map(Some).map_err(ApiError::from)
}

/// Sends a message (text, or files with `medias`): stored `pending` with the ticket update in
/// one transaction, queued for sending, and pushed back as `chat:create`.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("ticketId" = i32, Path, description = "Ticket id")),
    request_body(content = SendMessageBody, description = "JSON, or multipart with the same fields and `medias` files"),
    responses(
        (status = 200, description = "The stored messages"),
        (status = 400, description = "Empty message, ticket without channel", body = ErrorBody),
        (status = 404, description = "ERR_NO_TICKET_FOUND", body = ErrorBody),
        (status = 413, description = "A file over the limit", body = ErrorBody),
    )
)]
#[post("/messages/{ticketId}")]
async fn send_message(
    state: web::Data<ApiState>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<i32>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let ticket = TicketId::new(path.into_inner());
    // The ticket is checked before any file is written.
    state.stores.tickets.get(&auth.cx, ticket).await?;
    let is_multipart = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    let (body, media) = if is_multipart {
        let form = Form::read(Multipart::new(req.headers(), payload), state.media.limit()).await?;
        let body = SendMessageBody {
            body: form.text("body").unwrap_or_default().trim().to_owned(),
            from_me: None,
            quoted_msg: form.text("quotedMsg").map(|s| Value::String(s.to_owned())),
            schedule_date: form.text("scheduleDate").map(str::to_owned),
            id_front: form.text("idFront").or(form.text("id")).map(str::to_owned),
        };
        let body = validated(body)?;
        let mut media = Vec::new();
        for file in form.files("medias") {
            let stored = state
                .media
                .save(
                    auth.cx.tenant(),
                    &file.file_name,
                    file.mime.as_deref(),
                    &file.bytes,
                )
                .await?;
            media.push(OutboundMedia {
                file_name: stored.file_name,
                original_name: stored.original_name,
                media_type: stored.media_type,
            });
        }
        (body, media)
    } else {
        let bytes = payload
            .to_bytes_limited(state.config.json_limit_bytes)
            .await
            .map_err(|_| ApiError::PayloadTooLarge {
                message: "the body is over the size limit".to_owned(),
            })?
            .map_err(|e| ApiError::bad_request("ERR_INVALID_BODY", e.to_string()))?;
        let body: SendMessageBody = serde_json::from_slice(&bytes).map_err(|e| {
            if e.is_data() {
                ApiError::bad_request("ERR_INVALID_BODY", format!("invalid field: {e}"))
            } else {
                ApiError::bad_request("ERR_INVALID_JSON", format!("malformed JSON: {e}"))
            }
        })?;
        (validated(body)?, Vec::new())
    };
    let request = OutboundRequest {
        body: body.body.trim().to_owned(),
        media,
        quoted: quoted_id(body.quoted_msg.as_ref())?,
        schedule_date: parse_schedule(body.schedule_date.as_deref())?,
        send_type: SendType::Chat,
        id_front: body.id_front,
    };
    let stored = state
        .services
        .send_message(&auth.cx, ticket, request)
        .await?;
    let base = state.public_base(&req);
    let items = messages_json(&state, &auth.cx, &base, &stored).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// `DELETE /messages/:messageId` body: the message object (its `id` identifies it).
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
pub struct DeleteMessageBody {
    /// Our message id.
    #[validate(length(min = 1, max = 255))]
    pub id: Option<String>,
}

/// Cancels a message that was not sent yet (a scheduled message). The path holds the
/// WhatsApp id, which unsent messages do not have, so the body's `id` decides when present.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("messageId" = String, Path, description = "WhatsApp id or our id")),
    request_body = DeleteMessageBody,
    responses(
        (status = 200, description = "Cancelled"),
        (status = 404, description = "ERR_NO_MESSAGE_FOUND", body = ErrorBody),
        (status = 409, description = "Already sent (needs a WhatsApp session)", body = ErrorBody),
    )
)]
#[delete("/messages/{messageId}")]
async fn delete_message(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<String>,
    body: Option<web::Json<DeleteMessageBody>>,
) -> ApiResult<HttpResponse> {
    let from_body = match body {
        Some(b) => validated(b.into_inner())?.id,
        None => None,
    };
    let raw = path.into_inner();
    let id = match from_body {
        Some(id) => id.parse::<MessageId>()?,
        None => {
            let as_ours = raw.parse::<MessageId>()?;
            match state.stores.messages.get(&auth.cx, &as_ours).await {
                Ok(m) => m.id,
                Err(DomainError::NotFound { .. }) => state
                    .stores
                    .messages
                    .find_by_provider_id(&auth.cx, &raw)
                    .await?
                    .map(|m| m.id)
                    .ok_or_else(|| DomainError::not_found("message", "ERR_NO_MESSAGE_FOUND"))?,
                Err(e) => return Err(e.into()),
            }
        }
    };
    state.services.delete_message(&auth.cx, &id).await?;
    Ok(HttpResponse::Ok().json(json!({"message": "Message deleted"})))
}

/// Editing a sent message needs a live WhatsApp session (a later issue).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("messageId" = String, Path, description = "WhatsApp id")),
    responses((status = 409, description = "ERR_WAPP_SESSIONS_NOT_AVAILABLE", body = ErrorBody))
)]
#[post("/messages/edit/{messageId}")]
async fn edit_message(_auth: Auth, _path: web::Path<String>) -> ApiResult<HttpResponse> {
    Err(DomainError::conflict(
        ERR_WAPP_SESSIONS_NOT_AVAILABLE,
        "editing a message needs a connected WhatsApp session, which this build does not run yet",
    )
    .into())
}

/// `POST /forward-messages` body.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct ForwardBody {
    /// Message objects (their `id` is used), 1 to 10.
    #[schema(value_type = Vec<Object>)]
    #[validate(length(min = 1, max = 10))]
    pub messages: Vec<Value>,
    /// The target contact object (its `id` is used).
    #[schema(value_type = Object)]
    pub contact: Value,
}

/// Forwards messages to a contact of the tenant.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    request_body = ForwardBody,
    responses(
        (status = 200, description = "The new messages"),
        (status = 404, description = "Unknown message or contact", body = ErrorBody),
    )
)]
#[post("/forward-messages")]
async fn forward_messages(
    state: web::Data<ApiState>,
    auth: Auth,
    req: HttpRequest,
    body: web::Json<ForwardBody>,
) -> ApiResult<HttpResponse> {
    let body = validated(body.into_inner())?;
    let ids = body
        .messages
        .iter()
        .map(|m| {
            m.get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    ApiError::unprocessable("ERR_VALIDATION", "messages[].id is required")
                })
                .and_then(|s| s.parse::<MessageId>().map_err(ApiError::from))
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let contact = match body.contact.get("id") {
        Some(Value::Number(n)) => n.as_i64().and_then(|v| i32::try_from(v).ok()),
        Some(Value::String(s)) => s.parse::<i32>().ok(),
        _ => None,
    }
    .filter(|v| *v > 0)
    .ok_or_else(|| ApiError::unprocessable("ERR_VALIDATION", "contact.id is required"))?;
    let sent = state
        .services
        .forward_messages(&auth.cx, &ids, ContactId::new(contact))
        .await?;
    let base = state.public_base(&req);
    Ok(HttpResponse::Ok().json(messages_json(&state, &auth.cx, &base, &sent).await?))
}
