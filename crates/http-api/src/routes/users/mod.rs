//! Users of the caller's company: client-contract.md §7, behaviour.md §3.2, data-model.md
//! §7.10. The rules (quota, who may change what) live in the domain's user use cases.

pub mod dto;

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde_json::{Value, json};
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::ids::UserId;
use tiktickets_domain::store::PageRequest;
use tiktickets_domain::store::users::{NewUser, UserPatch};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody, validated};
use crate::query::QueryParams;
use crate::state::ApiState;
use crate::views::{user_json, users_json};
use dto::{
    CreateUserRequest, UpdateUserRequest, new_password_hash, queue_ids, typed_password_hash,
};

/// Users per page of `GET /users` (behaviour.md §1.5).
const PAGE_SIZE: u64 = 40;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(show_user)
        .service(create_user)
        .service(update_user)
        .service(update_configs)
        .service(delete_user);
}

/// Users of the caller's company whose name or e-mail contains `searchParam`, by name.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(
        ("searchParam" = Option<String>, Query, description = "Text contained in the name or e-mail"),
        ("pageNumber" = Option<u64>, Query, description = "1-based page (40 users per page)"),
    ),
    responses(
        (status = 200, description = "`{users: [{id, name, email, profile, tenantId, status, queues: [{id, queue, isActive}]}], count, hasMore}`", body = Object),
        (status = 400, description = "Bad page number", body = ErrorBody),
    )
)]
#[get("/users")]
async fn list_users(
    state: web::Data<ApiState>,
    auth: Auth,
    query: QueryParams,
) -> ApiResult<HttpResponse> {
    let page = PageRequest::new(query.page_number()?, PAGE_SIZE)?;
    let search = query.text("searchParam")?;
    let found = state
        .stores
        .users
        .list(&auth.cx, search.as_deref(), page)
        .await?;
    let users = users_json(&state, &auth.cx, &found.items).await?;
    Ok(HttpResponse::Ok().json(json!({
        "users": users,
        "count": found.count,
        "hasMore": found.has_more,
    })))
}

/// One user of the caller's company.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "User id")),
    responses(
        (status = 200, description = "`{id, name, email, profile, tenantId, status, queues}`", body = Object),
        (status = 404, description = "No such user in the caller's company", body = ErrorBody),
    )
)]
#[get("/users/{id}")]
async fn show_user(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    let user = state
        .stores
        .users
        .get(&auth.cx, UserId::new(path.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(user_json(&state, &auth.cx, &user).await?))
}

/// Creates a user (admins), within the company's user quota.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 200, description = "The created user", body = Object),
        (status = 400, description = "Quota reached (`ERR_USER_LIMIT_USER_CREATION`), bad e-mail or password, passwords differ", body = ErrorBody),
        (status = 403, description = "Not an admin, or `super` asked by a non-super-admin", body = ErrorBody),
        (status = 409, description = "E-mail already in use", body = ErrorBody),
        (status = 422, description = "Field too short or too long", body = ErrorBody),
    )
)]
#[post("/users")]
async fn create_user(
    state: web::Data<ApiState>,
    auth: Auth,
    body: web::Json<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let body = validated(body.into_inner())?;
    if body
        .confirm_password
        .as_deref()
        .is_some_and(|c| c != body.password)
    {
        return Err(ApiError::bad_request(
            "ERR_PASSWORD_MISMATCH",
            "confirmPassword differs from password",
        ));
    }
    let mut new = NewUser {
        name: body.name,
        email: body.email,
        password_hash: String::new(),
        profile: body.profile.unwrap_or(UserProfile::User),
        configs: None,
    };
    // Cheap checks before the deliberately slow hash.
    new.validate()?;
    new.password_hash = new_password_hash(&state.passwords, &body.password).await?;
    let user = state.services.create_user(&auth.cx, new).await?;
    Ok(HttpResponse::Ok().json(user_json(&state, &auth.cx, &user).await?))
}

/// Changes a user: admins any user of the company (name, e-mail, role, password, queues);
/// anyone else only themself (name, e-mail, password). A new password ends the user's sessions.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "User id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The updated user", body = Object),
        (status = 400, description = "Bad e-mail, password or queue id", body = ErrorBody),
        (status = 403, description = "Not allowed to change this user, role or queues", body = ErrorBody),
        (status = 404, description = "No such user or queue in the caller's company", body = ErrorBody),
        (status = 409, description = "E-mail already in use", body = ErrorBody),
    )
)]
#[put("/users/{id}")]
async fn update_user(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
    body: web::Json<UpdateUserRequest>,
) -> ApiResult<HttpResponse> {
    let body = validated(body.into_inner())?;
    let queues = body.queues.as_deref().map(queue_ids).transpose()?;
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
        .update_user(&auth.cx, id, patch, queues)
        .await?;
    Ok(HttpResponse::Ok().json(user_json(&state, &auth.cx, &user).await?))
}

/// Shallow-merges UI preferences (`filtrosAtendimento`, `isDark`, ...) into a user's
/// `configs` (the user themself or an admin); the login response gives them back.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "User id")),
    request_body(content = Object, description = "Any JSON object"),
    responses(
        (status = 200, description = "The merged `configs` object", body = Object),
        (status = 400, description = "Not a JSON object, or too large", body = ErrorBody),
        (status = 403, description = "Another user's preferences, not an admin", body = ErrorBody),
        (status = 404, description = "No such user in the caller's company", body = ErrorBody),
    )
)]
#[put("/users/{id}/configs")]
async fn update_configs(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    let Value::Object(values) = body.into_inner() else {
        return Err(ApiError::bad_request(
            "ERR_INVALID_BODY",
            "the body must be a JSON object",
        ));
    };
    let id = UserId::new(path.into_inner());
    let merged = state
        .services
        .merge_user_configs(&auth.cx, id, values)
        .await?;
    Ok(HttpResponse::Ok().json(merged))
}

/// Deletes a user (admins; not oneself). Their open tickets go back to pending.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "User id")),
    responses(
        (status = 200, description = "`{message: \"User deleted\"}`", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such user in the caller's company", body = ErrorBody),
        (status = 409, description = "Own account, or the user still has records", body = ErrorBody),
    )
)]
#[delete("/users/{id}")]
async fn delete_user(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let id = UserId::new(path.into_inner());
    state.services.delete_user(&auth.cx, id).await?;
    Ok(HttpResponse::Ok().json(json!({"message": "User deleted"})))
}
