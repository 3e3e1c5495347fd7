//! The inbox's ticket routes (client-contract.md §4.1, §4.3, §4.6, §4.7; behaviour.md §3.8).

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use serde_json::{Value, json};
use tiktickets_domain::DomainError;
use tiktickets_domain::enums::{TicketChannel, TicketStatus};
use tiktickets_domain::ids::{ContactId, QueueId, TagId, TicketId, UserId, WhatsappId};
use tiktickets_domain::services::tickets::{ManualTicket, TicketChange, TicketListRequest};
use tiktickets_domain::store::page::PageRequest;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody, validated};
use crate::ids::{IdValue, present};
use crate::query::QueryParams;
use crate::routes::ticket_rows::{Related, Row};
use crate::state::ApiState;
use crate::views::{queue_ref, ticket_full, to_json};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_tickets)
        .service(create_ticket)
        .service(show_ticket)
        .service(update_ticket)
        .service(delete_ticket)
        .service(ticket_logs)
        .service(sync_ticket);
}

/// Rows per page of the inbox (the reference's 200); `limit` asks for fewer.
const PAGE_SIZE: u64 = 200;

fn ticket_id(raw: i32) -> TicketId {
    TicketId::new(raw)
}

fn list_request(q: &QueryParams) -> ApiResult<TicketListRequest> {
    let statuses = q
        .many("status")
        .into_iter()
        .map(|s| s.parse::<TicketStatus>().map_err(ApiError::from))
        .collect::<ApiResult<Vec<_>>>()?;
    let size = match q.parsed::<u64>("limit")? {
        None => PAGE_SIZE,
        Some(n) if (1..=PAGE_SIZE).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::bad_request(
                "ERR_INVALID_QUERY",
                format!("limit must be between 1 and {PAGE_SIZE}"),
            ));
        }
    };
    let page = PageRequest::new(q.page_number()?, size)?;
    Ok(TicketListRequest {
        statuses,
        show_all: q.flag("showAll")?.unwrap_or(false),
        queue_ids: q.parsed_many::<QueueId>("queuesIds")?,
        only_unread: q.flag("withUnreadMessages")?.unwrap_or(false),
        only_unassigned: q.flag("isNotAssignedUser")?.unwrap_or(false),
        tag_ids: {
            let mut tags = q.parsed_many::<TagId>("tagsIds")?;
            tags.extend(q.parsed_many::<TagId>("tags")?);
            tags
        },
        is_group: q.flag("isGroup")?,
        search: q.text("searchParam")?,
        page,
    })
}

/// The body of `GET /tickets`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ListBody<'a> {
    tickets: Vec<Row<'a>>,
    count: u64,
    has_more: bool,
}

/// The inbox list: `{tickets, count, hasMore}`; agents see only the tickets of
/// data-model.md §7.6 (admins too unless `showAll=true`).
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(
        ("status[]" = Option<Vec<String>>, Query, description = "open | pending | closed (repeat)"),
        ("pageNumber" = Option<u64>, Query, description = "1-based page (200 rows)"),
        ("limit" = Option<u64>, Query, description = "rows per page, 1..=200"),
        ("searchParam" = Option<String>, Query, description = "ticket id, contact name or number"),
        ("showAll" = Option<bool>, Query, description = "admins: every ticket"),
        ("queuesIds[]" = Option<Vec<i32>>, Query, description = "only these queues"),
        ("tagsIds[]" = Option<Vec<i32>>, Query, description = "only contacts with these tags"),
        ("withUnreadMessages" = Option<bool>, Query, description = "only unread"),
        ("isNotAssignedUser" = Option<bool>, Query, description = "only unassigned"),
        ("isGroup" = Option<bool>, Query, description = "groups only / individual only"),
    ),
    responses(
        (status = 200, description = "`{tickets, count, hasMore}`"),
        (status = 400, description = "Bad filter", body = ErrorBody),
    )
)]
#[get("/tickets")]
async fn list_tickets(
    state: web::Data<ApiState>,
    auth: Auth,
    query: QueryParams,
) -> ApiResult<HttpResponse> {
    let request = list_request(&query)?;
    let page = state.services.list_tickets(&auth.cx, request).await?;
    let related = Related::load(&state, &auth.cx, &page.items).await?;
    let tickets: Vec<_> = page.items.iter().map(|t| related.row(t)).collect();
    Ok(HttpResponse::Ok().json(ListBody {
        tickets,
        count: page.count,
        has_more: page.has_more,
    }))
}

/// A boolean as the client may send it: `true`/`false`, `1`/`0`, or their text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ToSchema)]
#[schema(value_type = bool)]
pub struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(Flag(false)),
            Value::Bool(b) => Ok(Flag(b)),
            Value::Number(n) => Ok(Flag(n.as_f64().is_some_and(|v| v != 0.0))),
            Value::String(s) => match s.as_str() {
                "true" | "1" => Ok(Flag(true)),
                "false" | "0" | "" => Ok(Flag(false)),
                _ => Err(serde::de::Error::custom("expected a boolean")),
            },
            _ => Err(serde::de::Error::custom("expected a boolean")),
        }
    }
}

/// `POST /tickets` body (`isActiveDemand` and other fields the client adds are ignored).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateTicketBody {
    /// Contact id (number or numeric text).
    pub contact_id: Option<IdValue>,
    /// `open` (default) or `pending`.
    #[schema(value_type = Option<String>)]
    pub status: Option<TicketStatus>,
    /// Assignee; with `open` and no user the caller is assigned.
    pub user_id: Option<IdValue>,
    /// `whatsapp` (default), `telegram`, `instagram`, `messenger`, `waba`.
    #[schema(value_type = Option<String>)]
    pub channel: Option<TicketChannel>,
    /// Channel row id; the default channel when absent.
    pub channel_id: Option<IdValue>,
    /// Same as `channelId`.
    pub whatsapp_id: Option<IdValue>,
    /// Queue id.
    pub queue_id: Option<IdValue>,
}

/// Creates a ticket for a contact (agent-initiated, rule T-11).
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    request_body = CreateTicketBody,
    responses(
        (status = 200, description = "The created ticket (full shape)"),
        (status = 404, description = "Unknown contact or channel", body = ErrorBody),
        (status = 409, description = "ERR_OTHER_OPEN_TICKET", body = ErrorBody),
    )
)]
#[post("/tickets")]
async fn create_ticket(
    state: web::Data<ApiState>,
    auth: Auth,
    req: HttpRequest,
    body: web::Json<CreateTicketBody>,
) -> ApiResult<HttpResponse> {
    let body = validated(body.into_inner())?;
    let contact = body
        .contact_id
        .as_ref()
        .map(|v| v.get("contactId"))
        .transpose()?
        .flatten()
        .ok_or_else(|| ApiError::unprocessable("ERR_VALIDATION", "contactId: required"))?;
    let channel_row = match &body.channel_id {
        Some(v) => v.get("channelId")?,
        None => body
            .whatsapp_id
            .as_ref()
            .map(|v| v.get("whatsappId"))
            .transpose()?
            .flatten(),
    };
    let opt = |v: &Option<IdValue>, field: &str| -> ApiResult<Option<i32>> {
        Ok(v.as_ref().map(|v| v.get(field)).transpose()?.flatten())
    };
    let ticket = state
        .services
        .create_ticket(
            &auth.cx,
            ManualTicket {
                contact_id: ContactId::new(contact),
                whatsapp_id: channel_row.map(WhatsappId::new),
                status: body.status.unwrap_or(TicketStatus::Open),
                user_id: opt(&body.user_id, "userId")?.map(UserId::new),
                queue_id: opt(&body.queue_id, "queueId")?.map(QueueId::new),
                channel: body.channel.unwrap_or(TicketChannel::Whatsapp),
            },
        )
        .await?;
    let base = state.public_base(&req);
    Ok(HttpResponse::Ok().json(ticket_full(&state, &auth.cx, &base, &ticket).await?))
}

/// One ticket with contact, agent, channel and scheduled messages; logs the access.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The ticket (full shape)"),
        (status = 404, description = "ERR_NO_TICKET_FOUND", body = ErrorBody),
    )
)]
#[get("/tickets/{id}")]
async fn show_ticket(
    state: web::Data<ApiState>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    let ticket = state
        .services
        .show_ticket(&auth.cx, ticket_id(id.into_inner()))
        .await?;
    let base = state.public_base(&req);
    Ok(HttpResponse::Ok().json(ticket_full(&state, &auth.cx, &base, &ticket).await?))
}

/// `PUT /tickets/:id` body: omitted fields are unchanged, `null` clears.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTicketBody {
    /// `open`, `pending`, `closed` (alias `close`).
    #[schema(value_type = Option<String>)]
    pub status: Option<TicketStatus>,
    /// Assignee (null unassigns).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>)]
    pub user_id: Option<Option<IdValue>>,
    /// Queue (null clears).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>)]
    pub queue_id: Option<Option<IdValue>>,
    /// A transfer (`true`, `1`).
    #[serde(default)]
    pub is_transference: Flag,
}

fn patch_id(v: &Option<Option<IdValue>>, field: &str) -> ApiResult<Option<Option<i32>>> {
    match v {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(id)) => Ok(Some(id.get(field)?)),
    }
}

/// Changes a ticket's status, assignee or queue (accept, return to queue, close, reopen,
/// transfer). Opening a ticket without an owner assigns the caller.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Ticket id")),
    request_body = UpdateTicketBody,
    responses(
        (status = 200, description = "The updated ticket (full shape)"),
        (status = 403, description = "Assigned to another agent", body = ErrorBody),
        (status = 404, description = "ERR_NO_TICKET_FOUND", body = ErrorBody),
        (status = 409, description = "ERR_OTHER_OPEN_TICKET on reopen", body = ErrorBody),
    )
)]
#[put("/tickets/{id}")]
async fn update_ticket(
    state: web::Data<ApiState>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<i32>,
    body: web::Json<UpdateTicketBody>,
) -> ApiResult<HttpResponse> {
    let body = validated(body.into_inner())?;
    let change = TicketChange {
        status: body.status,
        user_id: patch_id(&body.user_id, "userId")?.map(|v| v.map(UserId::new)),
        queue_id: patch_id(&body.queue_id, "queueId")?.map(|v| v.map(QueueId::new)),
        is_transference: body.is_transference.0,
    };
    let updated = state
        .services
        .update_ticket(&auth.cx, ticket_id(id.into_inner()), change)
        .await?;
    let base = state.public_base(&req);
    let mut value = ticket_full(&state, &auth.cx, &base, &updated.ticket).await?;
    if let Some(obj) = value.as_object_mut() {
        obj.insert("isTransference".into(), json!(updated.is_transference));
    }
    Ok(HttpResponse::Ok().json(value))
}

/// Tickets are closed, never deleted: the history stays (the reference pretended to delete).
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Ticket id")),
    responses(
        (status = 404, description = "ERR_NO_TICKET_FOUND", body = ErrorBody),
        (status = 409, description = "ERR_TICKET_DELETE_NOT_SUPPORTED", body = ErrorBody),
    )
)]
#[delete("/tickets/{id}")]
async fn delete_ticket(
    state: web::Data<ApiState>,
    auth: Auth,
    id: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    state
        .stores
        .tickets
        .get(&auth.cx, ticket_id(id.into_inner()))
        .await?;
    Err(DomainError::conflict(
        "ERR_TICKET_DELETE_NOT_SUPPORTED",
        "tickets are not deleted, so that the conversation history stays; close it instead",
    )
    .into())
}

/// The ticket's audit log, newest first, with user and queue names.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "Array of `{id, type, createdAt, user: {id, name}, queue, ticketId}`"),
        (status = 404, description = "ERR_NO_TICKET_FOUND", body = ErrorBody),
    )
)]
#[get("/tickets/{id}/logs")]
async fn ticket_logs(
    state: web::Data<ApiState>,
    auth: Auth,
    id: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    let id = ticket_id(id.into_inner());
    state.stores.tickets.get(&auth.cx, id).await?;
    let mut logs = state
        .stores
        .ticket_logs
        .list_for_ticket(&auth.cx, id)
        .await?;
    logs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let users: HashMap<UserId, String> = state
        .stores
        .users
        .list(&auth.cx, None, PageRequest::first(PageRequest::MAX_SIZE))
        .await?
        .items
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let queues: HashMap<QueueId, Value> = state
        .stores
        .queues
        .list(&auth.cx)
        .await?
        .iter()
        .map(|q| (q.id, queue_ref(q)))
        .collect();
    let rows: Vec<Value> = logs
        .iter()
        .map(|log| {
            let mut v = to_json(log).unwrap_or(Value::Null);
            if let Some(obj) = v.as_object_mut() {
                obj.insert(
                    "user".into(),
                    log.user_id
                        .and_then(|u| users.get(&u).map(|n| json!({"id": u.get(), "name": n})))
                        .unwrap_or(Value::Null),
                );
                obj.insert(
                    "queue".into(),
                    log.queue_id
                        .and_then(|q| queues.get(&q).cloned())
                        .unwrap_or(Value::Null),
                );
            }
            v
        })
        .collect();
    Ok(HttpResponse::Ok().json(rows))
}

/// Re-imports the chat history from WhatsApp: needs a live session (a later issue).
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Ticket id")),
    responses(
        (status = 404, description = "ERR_NO_TICKET_FOUND", body = ErrorBody),
        (status = 409, description = "ERR_WAPP_SESSIONS_NOT_AVAILABLE", body = ErrorBody),
    )
)]
#[post("/tickets/{id}/sync")]
async fn sync_ticket(
    state: web::Data<ApiState>,
    auth: Auth,
    id: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    state
        .stores
        .tickets
        .get(&auth.cx, ticket_id(id.into_inner()))
        .await?;
    Err(DomainError::conflict(
        tiktickets_domain::services::messages::ERR_WAPP_SESSIONS_NOT_AVAILABLE,
        "synchronising a chat needs a connected WhatsApp session, which this build does not run yet",
    )
    .into())
}
