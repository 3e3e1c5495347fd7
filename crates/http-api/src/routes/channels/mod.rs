//! Channels ("whatsapp" rows) and their sessions (client-contract.md §8, behaviour.md §3.11
//! rows 53–60, data-model.md §7.10 L-2 and W-1).
//!
//! Reading is open to every user of the tenant; creating, editing and deleting are for admins
//! (the reference let any user edit). Secrets (session, tokens, keys) never leave the server.

mod dto;
mod sessions;

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde_json::{Value, json};
use tiktickets_domain::ids::WhatsappId;
use tiktickets_domain::store::channels::Channel;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody, validated};
use crate::state::ApiState;
use crate::views;

pub use dto::ChannelBody;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_channels)
        .service(show_channel)
        .service(create_channel)
        .service(update_channel)
        .service(delete_channel);
    sessions::configure(cfg);
}

/// A channel as the client reads it: the row (no secrets) with the reference's column name
/// `wabaBSP` (serde's camelCase says `wabaBsp`), plus the legacy `isDeleted` flag (deletes are
/// physical, so it is always false).
fn channel_json(channel: &Channel) -> ApiResult<Value> {
    let mut value = views::to_json(channel)?;
    if let Some(obj) = value.as_object_mut() {
        let bsp = obj.remove("wabaBsp").unwrap_or(Value::Null);
        obj.insert("wabaBSP".into(), bsp);
        obj.insert("isDeleted".into(), Value::Bool(false));
    }
    Ok(value)
}

/// Lists the tenant's channels.
#[utoipa::path(
    tag = "channels",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Array of channels: id, name, type, status, qrcode, number, isDefault, chatFlowId, farewellMessage, updatedAt, ..."),
    )
)]
#[get("/whatsapp")]
async fn list_channels(state: web::Data<ApiState>, auth: Auth) -> ApiResult<HttpResponse> {
    let channels = state.stores.channels.list(&auth.cx).await?;
    let rows = channels
        .iter()
        .map(channel_json)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(rows))
}

/// One channel of the tenant.
#[utoipa::path(
    tag = "channels",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Channel id")),
    responses(
        (status = 200, description = "The channel"),
        (status = 404, description = "No such channel in this tenant", body = ErrorBody),
    )
)]
#[get("/whatsapp/{id}")]
async fn show_channel(
    state: web::Data<ApiState>,
    auth: Auth,
    id: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    let channel = state
        .stores
        .channels
        .get(&auth.cx, WhatsappId::new(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(channel_json(&channel)?))
}

/// Creates a channel (admins; within the tenant's connection quota). The tenant's first
/// channel, or one sent with `isDefault: true`, becomes the default.
#[utoipa::path(
    tag = "channels",
    security(("bearer" = [])),
    request_body = ChannelBody,
    responses(
        (status = 200, description = "The new channel (status DISCONNECTED)"),
        (status = 400, description = "ERR_NO_PERMISSION_CONNECTIONS_LIMIT, a missing credential for the type, an unknown type", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "chatFlowId of no flow of this tenant", body = ErrorBody),
        (status = 409, description = "The name is taken in this tenant", body = ErrorBody),
        (status = 422, description = "Missing name, name not 3–50 characters, over-long field", body = ErrorBody),
    )
)]
#[post("/whatsapp")]
async fn create_channel(
    state: web::Data<ApiState>,
    auth: Auth,
    body: web::Json<ChannelBody>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let input = validated(body.into_inner())?.into_new()?;
    let channel = state.services.create_channel(&auth.cx, input).await?;
    Ok(HttpResponse::Ok().json(channel_json(&channel)?))
}

/// Edits a channel (admins). The client sends the whole card; only the editable fields that
/// are present change, and session fields (`status`, `qrcode`, `number`) are ignored.
#[utoipa::path(
    tag = "channels",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Channel id")),
    request_body = ChannelBody,
    responses(
        (status = 200, description = "The channel"),
        (status = 400, description = "A missing credential for the type, an unknown type", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such channel (or chat flow) in this tenant", body = ErrorBody),
        (status = 409, description = "The name is taken in this tenant", body = ErrorBody),
        (status = 422, description = "Name not 3–50 characters, over-long field", body = ErrorBody),
    )
)]
#[put("/whatsapp/{id}")]
async fn update_channel(
    state: web::Data<ApiState>,
    auth: Auth,
    id: web::Path<i32>,
    body: web::Json<ChannelBody>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let id = WhatsappId::new(id.into_inner());
    let body = validated(body.into_inner())?;
    let current = state.stores.channels.get(&auth.cx, id).await?;
    let input = body.overlay(&current)?;
    let channel = state.services.update_channel(&auth.cx, id, input).await?;
    Ok(HttpResponse::Ok().json(channel_json(&channel)?))
}

/// Deletes a channel (admins); its tickets stay, without a channel.
#[utoipa::path(
    tag = "channels",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Channel id")),
    responses(
        (status = 200, description = "`{message: \"Whatsapp deleted.\"}`"),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such channel in this tenant", body = ErrorBody),
    )
)]
#[delete("/whatsapp/{id}")]
async fn delete_channel(
    state: web::Data<ApiState>,
    auth: Auth,
    id: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    state
        .services
        .delete_channel(&auth.cx, WhatsappId::new(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(json!({"message": "Whatsapp deleted."})))
}
