//! The request extractors that authenticate: [`Auth`] for every user route, [`SuperAdmin`]
//! for the platform routes. Authentication yields the only [`TenantCtx`] a handler can get.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::store::users::{User, UserStore};
use tiktickets_domain::{DomainError, PlatformCtx, TenantCtx};

use crate::auth::tokens::{TokenKeys, token_subject};
use crate::error::{ApiError, ApiResult};
use crate::state::ApiState;

/// An authenticated user of a tenant.
#[derive(Debug, Clone)]
pub struct Auth {
    /// The user's tenant context (tenant and role as stored now, not as in the token).
    pub cx: TenantCtx,
    /// The user as stored.
    pub user: User,
}

impl Auth {
    /// Refuses non-admins with 403 `ERR_NO_PERMISSION`.
    pub fn require_admin(&self) -> ApiResult<()> {
        self.cx.require_admin().map_err(ApiError::from)
    }
}

/// The bearer token of a request, if any.
pub fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let header = req.headers().get("Authorization")?.to_str().ok()?;
    let (scheme, token) = header.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

/// Verifies a bearer token and loads its user: the signature, the expiry, the user's
/// existence and the token version must all check out, else 401.
pub async fn authenticate(state: &ApiState, token: &str) -> ApiResult<Auth> {
    authenticate_with(&state.keys, state.stores.users.as_ref(), token).await
}

/// [`authenticate`] with explicit keys and user store (for the other adapters' port).
pub async fn authenticate_with(
    keys: &TokenKeys,
    users: &dyn UserStore,
    token: &str,
) -> ApiResult<Auth> {
    let claims = keys.verify_access(token)?;
    let (tenant, user_id, token_profile) = token_subject(&claims)?;
    let probe = TenantCtx::from_verified(tenant, user_id, token_profile);
    let user = match users.get(&probe, user_id).await {
        Ok(user) => user,
        Err(DomainError::NotFound { .. }) => {
            return Err(ApiError::unauthorized(
                "ERR_SESSION_EXPIRED",
                "the user of this token no longer exists",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if user.token_version != claims.token_version {
        return Err(ApiError::unauthorized(
            "ERR_SESSION_EXPIRED",
            "this session has ended (logout or password change); log in again",
        ));
    }
    let cx = TenantCtx::from_verified(tenant, user_id, user.profile);
    Ok(Auth { cx, user })
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<ApiState>>().cloned();
        let token = bearer_token(req).map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("API state missing".into()))?;
            let token = token.ok_or_else(|| {
                ApiError::unauthorized(
                    "ERR_TOKEN_NOT_PROVIDED",
                    "Authorization: Bearer <token> is required",
                )
            })?;
            authenticate(&state, &token).await
        })
    }
}

/// An authenticated super-admin (profile `super`), with platform access.
#[derive(Debug, Clone)]
pub struct SuperAdmin {
    /// The super-admin's own tenant context.
    pub auth: Auth,
    /// Permission to work across tenants.
    pub platform: PlatformCtx,
}

impl FromRequest for SuperAdmin {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let auth = Auth::from_request(req, payload);
        Box::pin(async move {
            let auth = auth.await?;
            if auth.user.profile != UserProfile::Super {
                return Err(DomainError::forbidden(
                    "ERR_NO_PERMISSION",
                    "this action requires a super-admin",
                )
                .into());
            }
            let platform = PlatformCtx::for_super_admin(&auth.cx)?;
            Ok(SuperAdmin { auth, platform })
        })
    }
}
