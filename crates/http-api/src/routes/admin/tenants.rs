//! Companies (tenants) as the super-admin manages them (`/empresassuper`).

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use serde_json::Value;
use tiktickets_domain::enums::TenantStatus;
use tiktickets_domain::store::tenants::TenantPatch;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::auth::SuperAdmin;
use crate::error::{ApiResult, ErrorBody, validated};
use crate::routes::users::dto::IntLike;
use crate::state::ApiState;
use crate::views::to_json;

/// Largest user or channel quota accepted.
const MAX_QUOTA: i32 = 1_000_000;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_tenants)
        .service(create_tenant)
        .service(update_tenant)
        .service(delete_tenant);
}

/// `POST /admin/tenants` body.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateTenantRequest {
    /// Company name (3 to 100 characters).
    #[validate(length(min = 3, max = 100))]
    pub name: String,
    /// User quota (≥ 1), a number or a numeric string.
    #[schema(value_type = i32, minimum = 1)]
    pub max_users: IntLike,
    /// Channel quota (≥ 1), a number or a numeric string.
    #[schema(value_type = i32, minimum = 1)]
    pub max_connections: IntLike,
    /// `active` (default) or `inactive`.
    #[schema(value_type = Option<String>, example = "active")]
    pub status: Option<TenantStatus>,
}

/// `PUT /admin/tenantsUpdate/{id}` body: the same fields, each optional (`id` is ignored).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTenantRequest {
    /// New name (3 to 100 characters).
    #[validate(length(min = 3, max = 100))]
    pub name: Option<String>,
    /// New user quota (≥ 1).
    #[schema(value_type = Option<i32>, minimum = 1)]
    pub max_users: Option<IntLike>,
    /// New channel quota (≥ 1).
    #[schema(value_type = Option<i32>, minimum = 1)]
    pub max_connections: Option<IntLike>,
    /// New status.
    #[schema(value_type = Option<String>, example = "inactive")]
    pub status: Option<TenantStatus>,
}

impl UpdateTenantRequest {
    fn into_patch(self) -> ApiResult<TenantPatch> {
        Ok(TenantPatch {
            name: self.name.map(|n| n.trim().to_owned()),
            status: self.status,
            max_users: self
                .max_users
                .map(|v| v.within("maxUsers", 1, MAX_QUOTA))
                .transpose()?,
            max_connections: self
                .max_connections
                .map(|v| v.within("maxConnections", 1, MAX_QUOTA))
                .transpose()?,
            ..TenantPatch::default()
        })
    }
}

/// Every company, by id.
#[utoipa::path(
    tag = "super-admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Tenant rows `{id, name, status, maxUsers, maxConnections, ownerId, businessHours, messageBusinessHours, createdAt, updatedAt}`", body = [Object]),
        (status = 403, description = "Not a super-admin", body = ErrorBody),
    )
)]
#[get("/admin/tenants")]
async fn list_tenants(state: web::Data<ApiState>, sa: SuperAdmin) -> ApiResult<HttpResponse> {
    let tenants = state.stores.tenants.list(&sa.platform).await?;
    let rows = tenants
        .iter()
        .map(to_json)
        .collect::<ApiResult<Vec<Value>>>()?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Creates a company with the default business hours, away text and settings.
#[utoipa::path(
    tag = "super-admin",
    security(("bearer" = [])),
    request_body = CreateTenantRequest,
    responses(
        (status = 201, description = "The created tenant row", body = Object),
        (status = 400, description = "Malformed body or unknown status", body = ErrorBody),
        (status = 403, description = "Not a super-admin", body = ErrorBody),
        (status = 422, description = "Name or quota out of range", body = ErrorBody),
    )
)]
#[post("/admin/tenants")]
async fn create_tenant(
    state: web::Data<ApiState>,
    sa: SuperAdmin,
    body: web::Json<CreateTenantRequest>,
) -> ApiResult<HttpResponse> {
    let body = validated(body.into_inner())?;
    let max_users = body.max_users.within("maxUsers", 1, MAX_QUOTA)?;
    let max_connections = body
        .max_connections
        .within("maxConnections", 1, MAX_QUOTA)?;
    let tenant = state
        .services
        .create_tenant(
            &sa.platform,
            &body.name,
            body.status.unwrap_or(TenantStatus::Active),
            max_users,
            max_connections,
        )
        .await?;
    Ok(HttpResponse::Created().json(to_json(&tenant)?))
}

/// Changes a company's name, status or quotas.
#[utoipa::path(
    tag = "super-admin",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Tenant id")),
    request_body = UpdateTenantRequest,
    responses(
        (status = 200, description = "The updated tenant row", body = Object),
        (status = 403, description = "Not a super-admin", body = ErrorBody),
        (status = 404, description = "No such company", body = ErrorBody),
        (status = 409, description = "Deactivating one's own company", body = ErrorBody),
        (status = 422, description = "Name or quota out of range", body = ErrorBody),
    )
)]
#[put("/admin/tenantsUpdate/{id}")]
async fn update_tenant(
    state: web::Data<ApiState>,
    sa: SuperAdmin,
    path: web::Path<i32>,
    body: web::Json<UpdateTenantRequest>,
) -> ApiResult<HttpResponse> {
    let patch = validated(body.into_inner())?.into_patch()?;
    let tenant = state
        .services
        .find_tenant(&sa.platform, path.into_inner())
        .await?;
    let own = sa.auth.cx.tenant();
    let tenant = state
        .services
        .update_tenant(&sa.platform, own, tenant.id, patch)
        .await?;
    Ok(HttpResponse::Ok().json(to_json(&tenant)?))
}

/// Deletes a company and all its data (not the super-admin's own company).
#[utoipa::path(
    tag = "super-admin",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Tenant id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not a super-admin", body = ErrorBody),
        (status = 404, description = "No such company", body = ErrorBody),
        (status = 409, description = "One's own company", body = ErrorBody),
    )
)]
#[delete("/admin/tenants/{id}")]
async fn delete_tenant(
    state: web::Data<ApiState>,
    sa: SuperAdmin,
    path: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    let tenant = state
        .services
        .find_tenant(&sa.platform, path.into_inner())
        .await?;
    let own = sa.auth.cx.tenant();
    state
        .services
        .delete_tenant(&sa.platform, own, tenant.id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
