//! Department queues ("filas"): client-contract.md §6, behaviour.md §3.5.

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use serde_json::{Value, json};
use tiktickets_domain::ids::QueueId;
use tiktickets_domain::store::queues::{Queue, QueueInput};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody, validated};
use crate::state::ApiState;
use crate::views::to_json;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_queues)
        .service(create_queue)
        .service(update_queue)
        .service(delete_queue);
}

/// Body of `POST /queue` and `PUT /queue/{id}`: `{queue, isActive, id}`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueueRequest {
    /// Display name (1 to 255 characters, trimmed).
    #[validate(length(min = 1, max = 255))]
    pub queue: String,
    /// Active flag: `true` when absent on create, unchanged when absent on update.
    pub is_active: Option<bool>,
    /// Sent by the client (`null` on create, the row's id on update); ignored, the path decides.
    #[schema(value_type = Option<i32>)]
    pub id: Option<Value>,
}

impl QueueRequest {
    fn into_input(self, current_active: bool) -> QueueInput {
        QueueInput {
            queue: self.queue.trim().to_owned(),
            is_active: self.is_active.unwrap_or(current_active),
        }
    }
}

/// Sorts queues by name, case-insensitively (the store lists them by id).
fn by_name(mut queues: Vec<Queue>) -> Vec<Queue> {
    queues.sort_by(|a, b| {
        a.queue
            .to_lowercase()
            .cmp(&b.queue.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    queues
}

/// Queues of the caller's tenant, ordered by name.
#[utoipa::path(
    tag = "queues",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Queue rows `{id, queue, isActive, userId, tenantId, createdAt, updatedAt}`", body = [Object]),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
#[get("/queue")]
async fn list_queues(state: web::Data<ApiState>, auth: Auth) -> ApiResult<HttpResponse> {
    let queues = by_name(state.stores.queues.list(&auth.cx).await?);
    let rows = queues.iter().map(to_json).collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Creates a queue (admins).
#[utoipa::path(
    tag = "queues",
    security(("bearer" = [])),
    request_body = QueueRequest,
    responses(
        (status = 200, description = "The created queue row", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "Invalid name", body = ErrorBody),
    )
)]
#[post("/queue")]
async fn create_queue(
    state: web::Data<ApiState>,
    auth: Auth,
    body: web::Json<QueueRequest>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let input = validated(body.into_inner())?.into_input(true);
    let queue = state.stores.queues.create(&auth.cx, input).await?;
    Ok(HttpResponse::Ok().json(to_json(&queue)?))
}

/// Renames or (de)activates a queue (admins).
#[utoipa::path(
    tag = "queues",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Queue id")),
    request_body = QueueRequest,
    responses(
        (status = 200, description = "The updated queue row", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such queue in the caller's tenant", body = ErrorBody),
        (status = 422, description = "Invalid name", body = ErrorBody),
    )
)]
#[put("/queue/{id}")]
async fn update_queue(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
    body: web::Json<QueueRequest>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let body = validated(body.into_inner())?;
    let id = QueueId::new(path.into_inner());
    let current = state.stores.queues.get(&auth.cx, id).await?;
    let input = body.into_input(current.is_active);
    let queue = state.stores.queues.update(&auth.cx, id, input).await?;
    Ok(HttpResponse::Ok().json(to_json(&queue)?))
}

/// Deletes a queue (admins); refused with 409 `ERR_QUEUE_TICKET_EXISTS` while tickets use it.
#[utoipa::path(
    tag = "queues",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Queue id")),
    responses(
        (status = 200, description = "`{message: \"Queue deleted\"}`", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such queue in the caller's tenant", body = ErrorBody),
        (status = 409, description = "Tickets use the queue", body = ErrorBody),
    )
)]
#[delete("/queue/{id}")]
async fn delete_queue(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let id = QueueId::new(path.into_inner());
    state.stores.queues.delete(&auth.cx, id).await?;
    Ok(HttpResponse::Ok().json(json!({"message": "Queue deleted"})))
}
