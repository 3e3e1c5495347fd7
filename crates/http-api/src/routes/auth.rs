//! Login, token refresh and logout (client-contract.md §3, §2 "Refresh flow").

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{TenantStatus, UserStatus};
use tiktickets_domain::ids::TenantId;
use tiktickets_domain::password::PasswordCheck;
use tiktickets_domain::store::queues::Queue;
use tiktickets_domain::store::users::{User, UserPatch};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody, validated};
use crate::state::ApiState;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh_token).service(logout);
}

/// `POST /auth/login` body.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    /// Login e-mail.
    #[validate(length(min = 3, max = 255))]
    pub email: String,
    /// Password.
    #[validate(length(min = 1, max = 1024))]
    pub password: String,
}

/// A queue as the login response lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueRef {
    /// Id.
    pub id: i32,
    /// Name.
    pub queue: String,
    /// Active.
    #[serde(rename = "isActive")]
    pub is_active: bool,
}

impl From<&Queue> for QueueRef {
    fn from(q: &Queue) -> Self {
        Self {
            id: q.id.get(),
            queue: q.queue.clone(),
            is_active: q.is_active,
        }
    }
}

/// What the client stores after a login or a refresh.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    /// Access token (Bearer).
    pub token: String,
    /// The same access token, under the name the client's refresh flow reads.
    pub new_token: String,
    /// Refresh token for `POST /auth/refresh_token`.
    pub refresh_token: String,
    /// User name.
    pub username: String,
    /// E-mail.
    pub email: String,
    /// `admin`, `user` or `super`.
    pub profile: String,
    /// `online` or `offline`.
    pub status: String,
    /// User id (a number).
    pub user_id: i32,
    /// Tenant id (a number).
    pub tenant_id: i32,
    /// The user's queues.
    pub queues: Vec<QueueRef>,
    /// UI preferences (`filtrosAtendimento`, `isDark`).
    #[schema(value_type = Object)]
    pub configs: Value,
}

async fn session_response(state: &ApiState, user: &User) -> ApiResult<SessionResponse> {
    let cx = TenantCtx::from_verified(user.tenant_id, user.id, user.profile);
    let queues = state.stores.users.queues(&cx, user.id).await?;
    let token = state.keys.issue_access(user)?;
    Ok(SessionResponse {
        new_token: token.clone(),
        token,
        refresh_token: state.keys.issue_refresh(user)?,
        username: user.name.clone(),
        email: user.email.clone(),
        profile: user.profile.as_str().to_owned(),
        status: user.status.as_str().to_owned(),
        user_id: user.id.get(),
        tenant_id: user.tenant_id.get(),
        queues: queues.iter().map(QueueRef::from).collect(),
        configs: user.configs.clone().unwrap_or_else(|| json!({})),
    })
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized("ERR_INVALID_CREDENTIALS", "wrong e-mail or password")
}

/// Logs a user in.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = SessionResponse),
        (status = 401, description = "Wrong credentials or inactive tenant", body = ErrorBody),
        (status = 429, description = "Too many failed attempts", body = ErrorBody),
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<ApiState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = validated(body.into_inner())?;
    let ip = req.peer_addr().map(|a| a.ip());
    let email = body.email.trim().to_lowercase();
    if let Some(wait) = state.throttle.blocked_for(ip, &email) {
        return Err(ApiError::TooManyRequests {
            code: "ERR_TOO_MANY_LOGIN_ATTEMPTS",
            message: format!("too many failed logins; try again in {wait} s"),
            retry_after_secs: wait,
        });
    }
    let Some(record) = state.stores.tenants.find_login(&email).await? else {
        state.throttle.record_failure(ip, &email);
        return Err(invalid_credentials());
    };
    // Password hashing is CPU work: it runs on the password thread.
    let check = state
        .passwords
        .verify(&body.password, &record.password_hash)
        .await?;
    if check == PasswordCheck::Mismatch {
        state.throttle.record_failure(ip, &email);
        return Err(invalid_credentials());
    }
    if record.tenant_status != TenantStatus::Active {
        return Err(ApiError::unauthorized(
            "ERR_COMPANY_NOT_ACTIVE",
            "the company of this user is not active",
        ));
    }
    state.throttle.record_success(ip, &email);
    let user = record.user;
    let cx = TenantCtx::from_verified(user.tenant_id, user.id, user.profile);
    if check == PasswordCheck::ValidNeedsRehash {
        let hash = state.passwords.hash(&body.password).await?;
        state
            .stores
            .users
            .rehash_password(&cx, user.id, &hash)
            .await?;
    }
    let now = state.services.clock.now();
    let user = state
        .stores
        .users
        .update(
            &cx,
            user.id,
            UserPatch {
                status: Some(UserStatus::Online),
                is_online: Some(true),
                last_login: Some(now),
                last_online: Some(now),
                ..UserPatch::default()
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(session_response(&state, &user).await?))
}

/// `POST /auth/refresh_token` body.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    /// The refresh token of the last login or refresh.
    #[validate(length(min = 1, max = 4096))]
    pub refresh_token: String,
}

/// Exchanges a refresh token for a new access token and a new refresh token.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = SessionResponse),
        (status = 401, description = "Refresh token invalid, expired or revoked", body = ErrorBody),
    )
)]
#[post("/auth/refresh_token")]
async fn refresh_token(
    state: web::Data<ApiState>,
    body: web::Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let body = validated(body.into_inner())?;
    let claims = state.keys.verify_refresh(&body.refresh_token)?;
    let expired = || {
        ApiError::unauthorized(
            "ERR_SESSION_EXPIRED",
            "the refresh token is invalid or expired; log in again",
        )
    };
    // The token is signed by us, so its tenant id is verified.
    let tenant = TenantId::from_verified(claims.tenant_id);
    let user_id = tiktickets_domain::ids::UserId::new(claims.id);
    let probe = TenantCtx::system(tenant);
    let user = state
        .stores
        .users
        .get(&probe, user_id)
        .await
        .map_err(|_| expired())?;
    if user.token_version != claims.token_version {
        return Err(expired());
    }
    let tenant_row = state.stores.tenants.current(&probe).await?;
    if tenant_row.status != TenantStatus::Active {
        return Err(ApiError::unauthorized(
            "ERR_COMPANY_NOT_ACTIVE",
            "the company of this user is not active",
        ));
    }
    Ok(HttpResponse::Ok().json(session_response(&state, &user).await?))
}

/// `POST /auth/logout` body (the client sends its user id as text; the token decides).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogoutRequest {
    /// Ignored: the authenticated user is logged out.
    #[schema(value_type = Option<String>)]
    pub user_id: Option<Value>,
}

/// Logs the caller out: marks them offline and invalidates all their tokens.
#[utoipa::path(
    tag = "auth",
    request_body = LogoutRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Logged out"),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
#[post("/auth/logout")]
async fn logout(state: web::Data<ApiState>, auth: Auth) -> ApiResult<HttpResponse> {
    let now = state.services.clock.now();
    state
        .stores
        .users
        .update(
            &auth.cx,
            auth.user.id,
            UserPatch {
                status: Some(UserStatus::Offline),
                is_online: Some(false),
                last_logout: Some(now),
                ..UserPatch::default()
            },
        )
        .await?;
    state
        .stores
        .users
        .bump_token_version(&auth.cx, auth.user.id)
        .await?;
    Ok(HttpResponse::Ok().json(json!({"message": "USER_LOGOUT"})))
}
