//! Attendance protocols of a ticket (client-contract.md §4.4; behaviour.md §3.17 with the
//! tenant checks the reference lacked, data-model.md §8 X-5).

use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use tiktickets_domain::DomainError;
use tiktickets_domain::enums::ProtocolStatus;
use tiktickets_domain::ids::TicketId;
use tiktickets_domain::protocol::legacy_protocol_number;
use tiktickets_domain::store::protocols::{NewProtocol, Protocol};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody, validated};
use crate::state::ApiState;
use crate::views::to_json;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(ticket_protocols)
        .service(create_protocol)
        .service(close_protocol);
}

fn protocol_json(p: &Protocol) -> ApiResult<Value> {
    let mut v = to_json(p)?;
    if let Some(obj) = v.as_object_mut() {
        obj.insert("number".into(), json!(p.protocol_number));
        obj.insert("user".into(), json!({"id": p.user_id, "name": p.user_name}));
    }
    Ok(v)
}

/// The protocol rows of a ticket, newest first (`ABER` opens an attendance, `FECH` closes it).
#[utoipa::path(
    tag = "protocols",
    security(("bearer" = [])),
    params(("ticketId" = i32, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "Array of `{id, protocolNumber, number, status, userName, user, createdAt}`"),
        (status = 404, description = "ERR_NO_TICKET_FOUND", body = ErrorBody),
    )
)]
#[get("/protocols/ticket/{ticketId}")]
async fn ticket_protocols(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    let ticket = TicketId::new(path.into_inner());
    state.stores.tickets.get(&auth.cx, ticket).await?;
    let mut rows = state
        .stores
        .protocols
        .list_for_ticket(&auth.cx, ticket)
        .await?;
    rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let body = rows
        .iter()
        .map(protocol_json)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(body))
}

/// `POST /protocols` body: the ticket; the tenant comes from the token, never the body.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateProtocolBody {
    /// Ticket id.
    #[validate(range(min = 1))]
    pub ticket_id: i32,
}

/// Opens a manual protocol `PROT<epoch ms>` on a ticket (the reference's legacy route).
#[utoipa::path(
    tag = "protocols",
    security(("bearer" = [])),
    request_body = CreateProtocolBody,
    responses(
        (status = 200, description = "The protocol row"),
        (status = 404, description = "ERR_NO_TICKET_FOUND", body = ErrorBody),
    )
)]
#[post("/protocols")]
async fn create_protocol(
    state: web::Data<ApiState>,
    auth: Auth,
    body: web::Json<CreateProtocolBody>,
) -> ApiResult<HttpResponse> {
    let body = validated(body.into_inner())?;
    let ticket = TicketId::new(body.ticket_id);
    state.stores.tickets.get(&auth.cx, ticket).await?;
    let row = state
        .stores
        .protocols
        .append(
            &auth.cx,
            NewProtocol {
                protocol_number: legacy_protocol_number(Utc::now().timestamp_millis()),
                status: ProtocolStatus::Aber,
                ticket_id: ticket,
                user_id: Some(auth.user.id),
                user_name: Some(auth.user.name.clone()),
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(protocol_json(&row)?))
}

/// The ticket id inside a protocol number `(<n>)-<ticketId>`.
fn ticket_of_number(number: &str) -> Option<TicketId> {
    let (_, id) = number.rsplit_once(")-")?;
    id.parse::<i32>().ok().filter(|v| *v > 0).map(TicketId::new)
}

/// Closes an open protocol by number (adds its `FECH` row).
#[utoipa::path(
    tag = "protocols",
    security(("bearer" = [])),
    params(("protocolNumber" = String, Path, description = "`(<n>)-<ticketId>`")),
    responses(
        (status = 200, description = "The closing row"),
        (status = 404, description = "Unknown or already closed", body = ErrorBody),
    )
)]
#[put("/protocols/{protocolNumber}/close")]
async fn close_protocol(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let number = path.into_inner();
    let not_found = || ApiError::from(DomainError::not_found("protocol", "ERR_NO_PROTOCOL_FOUND"));
    let ticket = ticket_of_number(&number).ok_or_else(not_found)?;
    state
        .stores
        .tickets
        .get(&auth.cx, ticket)
        .await
        .map_err(|_| not_found())?;
    let latest = state
        .stores
        .protocols
        .latest_for_ticket(&auth.cx, ticket)
        .await?
        .filter(|p| p.protocol_number == number && p.status == ProtocolStatus::Aber)
        .ok_or_else(not_found)?;
    let row = state
        .stores
        .protocols
        .append(
            &auth.cx,
            NewProtocol {
                protocol_number: latest.protocol_number,
                status: ProtocolStatus::Fech,
                ticket_id: ticket,
                user_id: Some(auth.user.id),
                user_name: Some(auth.user.name.clone()),
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(protocol_json(&row)?))
}
