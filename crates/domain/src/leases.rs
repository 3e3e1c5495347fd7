//! Leases: periodic tasks run on one instance at a time. Redis implements it when instances
//! share Redis; the database does for the embedded setup.

use std::time::Duration;

use async_trait::async_trait;

use crate::error::Result;

/// Named, expiring locks.
#[async_trait]
pub trait Leases: Send + Sync {
    /// Takes the lease `name` for `holder` until `ttl` from now, if it is free, expired or
    /// already held by `holder` (then it is extended). True when `holder` holds it now.
    async fn acquire(&self, name: &str, holder: &str, ttl: Duration) -> Result<bool>;
    /// Gives the lease up if `holder` holds it.
    async fn release(&self, name: &str, holder: &str) -> Result<()>;
}
