//! Access, refresh and media tokens (HS256). Access and refresh tokens carry the user's
//! `tokenVersion`: logout and a password change bump it, which invalidates both.

use std::time::Duration;

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::ids::{TenantId, UserId};
use tiktickets_domain::store::users::User;

use crate::error::{ApiError, ApiResult};

/// Claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// User id.
    pub id: i32,
    /// Tenant id.
    #[serde(rename = "tenantId")]
    pub tenant_id: i32,
    /// Role when issued (the stored role is what counts).
    pub profile: String,
    /// User name (the reference's misspelt `usarname` is not kept).
    pub username: String,
    /// The user's token version when issued.
    #[serde(rename = "tokenVersion")]
    pub token_version: i32,
    /// Issued at (epoch seconds).
    pub iat: i64,
    /// Expiry (epoch seconds).
    pub exp: i64,
    /// Always `access`.
    pub typ: String,
}

/// Claims of a refresh token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshClaims {
    /// User id.
    pub id: i32,
    /// Tenant id.
    #[serde(rename = "tenantId")]
    pub tenant_id: i32,
    /// The user's token version when issued.
    #[serde(rename = "tokenVersion")]
    pub token_version: i32,
    /// Unique id, so that two refreshes in the same second still rotate.
    pub jti: String,
    /// Issued at (epoch seconds).
    pub iat: i64,
    /// Expiry (epoch seconds).
    pub exp: i64,
    /// Always `refresh`.
    pub typ: String,
}

/// Claims of a media link: which tenant's file it opens.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct MediaClaims {
    t: i32,
    f: String,
    typ: String,
}

/// Signing keys and lifetimes.
pub struct TokenKeys {
    access_enc: EncodingKey,
    access_dec: DecodingKey,
    refresh_enc: EncodingKey,
    refresh_dec: DecodingKey,
    access_ttl: Duration,
    refresh_ttl: Duration,
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2)
}

fn validation(require_exp: bool) -> Validation {
    let mut v = Validation::new(Algorithm::HS256);
    v.leeway = 0;
    v.validate_exp = require_exp;
    if !require_exp {
        v.required_spec_claims.clear();
    }
    v
}

impl TokenKeys {
    /// Keys from the two secrets.
    pub fn new(
        access_secret: &str,
        refresh_secret: &str,
        access_ttl: Duration,
        refresh_ttl: Duration,
    ) -> Self {
        Self {
            access_enc: EncodingKey::from_secret(access_secret.as_bytes()),
            access_dec: DecodingKey::from_secret(access_secret.as_bytes()),
            refresh_enc: EncodingKey::from_secret(refresh_secret.as_bytes()),
            refresh_dec: DecodingKey::from_secret(refresh_secret.as_bytes()),
            access_ttl,
            refresh_ttl,
        }
    }

    /// A new access token for a user.
    pub fn issue_access(&self, user: &User) -> ApiResult<String> {
        let now = Utc::now().timestamp();
        let claims = AccessClaims {
            id: user.id.get(),
            tenant_id: user.tenant_id.get(),
            profile: user.profile.as_str().to_owned(),
            username: user.name.clone(),
            token_version: user.token_version,
            iat: now,
            exp: now + secs(self.access_ttl),
            typ: "access".to_owned(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.access_enc)
            .map_err(|e| ApiError::Internal(format!("signing an access token: {e}")))
    }

    /// A new refresh token for a user.
    pub fn issue_refresh(&self, user: &User) -> ApiResult<String> {
        let now = Utc::now().timestamp();
        let claims = RefreshClaims {
            id: user.id.get(),
            tenant_id: user.tenant_id.get(),
            token_version: user.token_version,
            jti: uuid::Uuid::new_v4().simple().to_string(),
            iat: now,
            exp: now + secs(self.refresh_ttl),
            typ: "refresh".to_owned(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.refresh_enc)
            .map_err(|e| ApiError::Internal(format!("signing a refresh token: {e}")))
    }

    /// Verifies an access token's signature, expiry and kind.
    pub fn verify_access(&self, token: &str) -> ApiResult<AccessClaims> {
        let data = decode::<AccessClaims>(token, &self.access_dec, &validation(true))
            .map_err(token_error)?;
        if data.claims.typ != "access" {
            return Err(invalid_token());
        }
        Ok(data.claims)
    }

    /// Verifies a refresh token's signature, expiry and kind.
    pub fn verify_refresh(&self, token: &str) -> ApiResult<RefreshClaims> {
        let data =
            decode::<RefreshClaims>(token, &self.refresh_dec, &validation(true)).map_err(|e| {
                match token_error(e) {
                    ApiError::Unauthorized { .. } => ApiError::unauthorized(
                        "ERR_SESSION_EXPIRED",
                        "the refresh token is invalid or expired; log in again",
                    ),
                    other => other,
                }
            })?;
        if data.claims.typ != "refresh" {
            return Err(ApiError::unauthorized(
                "ERR_SESSION_EXPIRED",
                "the refresh token is invalid or expired; log in again",
            ));
        }
        Ok(data.claims)
    }

    /// A token that opens one media file of one tenant (put in media URLs, which the client
    /// loads without an Authorization header).
    pub fn sign_media(&self, tenant: TenantId, file: &str) -> ApiResult<String> {
        let claims = MediaClaims {
            t: tenant.get(),
            f: file.to_owned(),
            typ: "media".to_owned(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.access_enc)
            .map_err(|e| ApiError::Internal(format!("signing a media link: {e}")))
    }

    /// True when `token` opens `file` of `tenant`.
    pub fn verify_media(&self, token: &str, tenant: TenantId, file: &str) -> bool {
        decode::<MediaClaims>(token, &self.access_dec, &validation(false)).is_ok_and(|d| {
            d.claims.typ == "media" && d.claims.t == tenant.get() && d.claims.f == file
        })
    }
}

fn invalid_token() -> ApiError {
    ApiError::unauthorized("ERR_INVALID_TOKEN", "the token is invalid")
}

fn token_error(e: jsonwebtoken::errors::Error) -> ApiError {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::ExpiredSignature => {
            ApiError::unauthorized("ERR_SESSION_EXPIRED", "the token has expired; log in again")
        }
        _ => invalid_token(),
    }
}

/// The ids a verified access token names. The tenant id comes from a signed token, which is
/// what `TenantId::from_verified` requires.
pub fn token_subject(claims: &AccessClaims) -> ApiResult<(TenantId, UserId, UserProfile)> {
    let profile: UserProfile = claims.profile.parse().map_err(|_| invalid_token())?;
    Ok((
        TenantId::from_verified(claims.tenant_id),
        UserId::new(claims.id),
        profile,
    ))
}
