//! Users of every company as the super-admin manages them (`/usuariossuper`).

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, put, web};
use serde::Deserialize;
use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::ids::{TenantId, UserId};
use tiktickets_domain::store::PageRequest;
use tiktickets_domain::store::users::{NewUser, User, UserPatch};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::{tenant_filter, tenant_names, with_tenant};
use crate::auth::SuperAdmin;
use crate::error::{ApiResult, ErrorBody, validated};
use crate::query::QueryParams;
use crate::routes::users::dto::{IdRef, new_password_hash, typed_password_hash};
use crate::state::ApiState;
use crate::views::user_json;

/// Users per page of `GET /admin/users`.
const PAGE_SIZE: u64 = 40;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(update_user);
}

/// `POST /admin/userTenants` body.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateTenantUserRequest {
    /// The company (a number or a numeric string).
    #[schema(value_type = i32)]
    pub tenant_id: IdRef,
    /// Display name (2 to 255 characters).
    #[validate(length(min = 2, max = 255))]
    pub name: String,
    /// Login e-mail, unique across all companies.
    #[validate(length(min = 3, max = 255))]
    pub email: String,
    /// `user` (default), `admin` or `super`.
    #[schema(value_type = Option<String>, example = "admin")]
    pub profile: Option<UserProfile>,
    /// Password (6 to 1024 characters).
    #[validate(length(min = 1, max = 1024))]
    pub password: String,
}

/// `PUT /admin/users/{id}` body.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateAnyUserRequest {
    /// New name.
    #[validate(length(min = 2, max = 255))]
    pub name: Option<String>,
    /// New e-mail.
    #[validate(length(min = 3, max = 255))]
    pub email: Option<String>,
    /// New role: `user`, `admin` or `super`.
    #[schema(value_type = Option<String>, example = "admin")]
    pub profile: Option<UserProfile>,
    /// New password, only when typed (ends the user's sessions).
    #[validate(length(max = 1024))]
    pub password: Option<String>,
}

/// A user as the super-admin pages read it: the tenant user shape plus `tenant: {id, name}`.
async fn admin_user_json(
    state: &ApiState,
    names: &HashMap<TenantId, Value>,
    user: &User,
) -> ApiResult<Value> {
    let row = user_json(state, &TenantCtx::system(user.tenant_id), user).await?;
    Ok(with_tenant(row, names, user.tenant_id))
}

/// Users of every company (or of `tenantId`) whose name or e-mail contains `searchParam`.
#[utoipa::path(
    tag = "super-admin",
    security(("bearer" = [])),
    params(
        ("searchParam" = Option<String>, Query, description = "Text contained in the name or e-mail"),
        ("pageNumber" = Option<u64>, Query, description = "1-based page (40 users per page)"),
        ("tenantId" = Option<i32>, Query, description = "Only this company's users"),
    ),
    responses(
        (status = 200, description = "`{users: [{id, name, email, profile, tenantId, tenant: {id, name}, queues}], count, hasMore}`", body = Object),
        (status = 400, description = "Bad page number or tenantId", body = ErrorBody),
        (status = 403, description = "Not a super-admin", body = ErrorBody),
        (status = 404, description = "No such company", body = ErrorBody),
    )
)]
#[get("/admin/users")]
async fn list_users(
    state: web::Data<ApiState>,
    sa: SuperAdmin,
    query: QueryParams,
) -> ApiResult<HttpResponse> {
    let page = PageRequest::new(query.page_number()?, PAGE_SIZE)?;
    let search = query.text("searchParam")?;
    let tenant = tenant_filter(&state, &sa.platform, &query).await?;
    let names = tenant_names(&state, &sa.platform).await?;
    let found = state
        .stores
        .tenants
        .list_users(&sa.platform, search.as_deref(), tenant.map(|t| t.id), page)
        .await?;
    let mut users = Vec::with_capacity(found.items.len());
    for user in &found.items {
        users.push(admin_user_json(&state, &names, user).await?);
    }
    Ok(HttpResponse::Ok().json(json!({
        "users": users,
        "count": found.count,
        "hasMore": found.has_more,
    })))
}

/// Creates a user in any company (no quota for the super-admin).
#[utoipa::path(
    tag = "super-admin",
    security(("bearer" = [])),
    request_body = CreateTenantUserRequest,
    responses(
        (status = 200, description = "The created user, with `tenant: {id, name}`", body = Object),
        (status = 400, description = "Bad e-mail, password or tenantId", body = ErrorBody),
        (status = 403, description = "Not a super-admin", body = ErrorBody),
        (status = 404, description = "No such company", body = ErrorBody),
        (status = 409, description = "E-mail already in use", body = ErrorBody),
        (status = 422, description = "Field too short or too long", body = ErrorBody),
    )
)]
#[post("/admin/userTenants")]
async fn create_user(
    state: web::Data<ApiState>,
    sa: SuperAdmin,
    body: web::Json<CreateTenantUserRequest>,
) -> ApiResult<HttpResponse> {
    let body = validated(body.into_inner())?;
    let raw_tenant = body.tenant_id.positive("tenantId")?;
    let tenant = state.services.find_tenant(&sa.platform, raw_tenant).await?;
    let mut new = NewUser {
        name: body.name,
        email: body.email,
        password_hash: String::new(),
        profile: body.profile.unwrap_or(UserProfile::User),
        configs: None,
    };
    new.validate()?;
    new.password_hash = new_password_hash(&state.passwords, &body.password).await?;
    let user = state
        .services
        .create_user_in_tenant(&sa.platform, tenant.id, new)
        .await?;
    let names = tenant_names(&state, &sa.platform).await?;
    Ok(HttpResponse::Ok().json(admin_user_json(&state, &names, &user).await?))
}

/// Changes any user of any company: name, e-mail, role, password.
#[utoipa::path(
    tag = "super-admin",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "User id")),
    request_body = UpdateAnyUserRequest,
    responses(
        (status = 200, description = "The updated user, with `tenant: {id, name}`", body = Object),
        (status = 400, description = "Bad e-mail or password", body = ErrorBody),
        (status = 403, description = "Not a super-admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "E-mail already in use", body = ErrorBody),
    )
)]
#[put("/admin/users/{id}")]
async fn update_user(
    state: web::Data<ApiState>,
    sa: SuperAdmin,
    path: web::Path<i32>,
    body: web::Json<UpdateAnyUserRequest>,
) -> ApiResult<HttpResponse> {
    let body = validated(body.into_inner())?;
    let password_hash = typed_password_hash(&state.passwords, body.password.as_deref()).await?;
    let patch = UserPatch {
        name: body.name,
        email: body.email,
        profile: body.profile,
        password_hash,
        ..UserPatch::default()
    };
    let id = UserId::new(path.into_inner());
    let user = state
        .services
        .update_any_user(&sa.platform, id, patch)
        .await?;
    let names = tenant_names(&state, &sa.platform).await?;
    Ok(HttpResponse::Ok().json(admin_user_json(&state, &names, &user).await?))
}
