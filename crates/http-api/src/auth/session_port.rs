//! The HTTP layer's implementation of the domain's access ports, for the other adapters:
//! the realtime gateway verifies socket tokens and signs media links through these.

use std::sync::Arc;

use async_trait::async_trait;
use tiktickets_domain::DomainError;
use tiktickets_domain::access::{MediaLinks, TokenVerifier, VerifiedSession};
use tiktickets_domain::ids::TenantId;
use tiktickets_domain::store::Stores;

use crate::auth::extractor::authenticate_with;
use crate::auth::tokens::TokenKeys;
use crate::error::ApiError;

/// Token checks and media links backed by the API's keys and the user store.
pub struct ApiAccess {
    keys: Arc<TokenKeys>,
    stores: Stores,
}

impl ApiAccess {
    /// The keys the API signs with, and the stores it reads users from.
    pub fn new(keys: Arc<TokenKeys>, stores: Stores) -> Self {
        Self { keys, stores }
    }
}

#[async_trait]
impl TokenVerifier for ApiAccess {
    async fn verify(&self, token: &str) -> tiktickets_domain::Result<VerifiedSession> {
        match authenticate_with(&self.keys, self.stores.users.as_ref(), token).await {
            Ok(auth) => Ok(VerifiedSession {
                cx: auth.cx,
                name: auth.user.name,
            }),
            Err(ApiError::Domain(e)) => Err(e),
            Err(e) => Err(DomainError::forbidden(e.code(), e.to_string())),
        }
    }
}

impl MediaLinks for ApiAccess {
    fn media_path(&self, tenant: TenantId, file_name: &str) -> Option<String> {
        crate::state::media_path(&self.keys, tenant, file_name)
    }
}
