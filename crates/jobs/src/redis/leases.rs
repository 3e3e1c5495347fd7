//! [`RedisLeases`]: the domain's `Leases` port on Redis, for instances sharing one server.
//!
//! A lease is the key `<prefix>:<name>` (prefix `tiktickets:leases` by default) holding the
//! holder's id, with a millisecond expiry. Taking it is `SET … PX` when the key is absent or
//! already holds the same holder (then it is extended); giving it up deletes it only if it
//! still holds the caller. Both are Lua compare-and-set scripts, so a holder whose lease
//! expired and was taken by another never extends or deletes the new holder's lease.

use std::time::Duration;

use async_trait::async_trait;
use deadpool_redis::Pool;
use deadpool_redis::redis::Script;
use tiktickets_domain::Result;
use tiktickets_domain::leases::Leases;

use crate::clock::ms;
use crate::error::JobsError;

/// The default namespace of lease keys.
pub const DEFAULT_LEASE_PREFIX: &str = "tiktickets:leases";

const ACQUIRE: &str = r"
-- KEYS: lease; ARGV: holder, ttl ms
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
";

const RELEASE: &str = r"
-- KEYS: lease; ARGV: holder
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Named, expiring locks in Redis.
#[derive(Debug, Clone)]
pub struct RedisLeases {
    pool: Pool,
    prefix: String,
    acquire: Script,
    release: Script,
}

impl RedisLeases {
    /// Leases under the default prefix, on `pool` (e.g. the job queue's).
    pub fn new(pool: Pool) -> Self {
        Self::with_prefix(pool, DEFAULT_LEASE_PREFIX)
    }

    /// Leases under `prefix`: the lease `name` is the key `<prefix>:<name>`.
    pub fn with_prefix(pool: Pool, prefix: &str) -> Self {
        RedisLeases {
            pool,
            prefix: prefix.trim_end_matches(':').to_owned(),
            acquire: Script::new(ACQUIRE),
            release: Script::new(RELEASE),
        }
    }

    fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.prefix)
    }
}

#[async_trait]
impl Leases for RedisLeases {
    async fn acquire(&self, name: &str, holder: &str, ttl: Duration) -> Result<bool> {
        let mut conn = self.pool.get().await.map_err(JobsError::from)?;
        let taken: i64 = self
            .acquire
            .key(self.key(name))
            .arg(holder)
            .arg(ms(ttl).max(1))
            .invoke_async(&mut conn)
            .await
            .map_err(JobsError::from)?;
        Ok(taken == 1)
    }

    async fn release(&self, name: &str, holder: &str) -> Result<()> {
        let mut conn = self.pool.get().await.map_err(JobsError::from)?;
        let _: i64 = self
            .release
            .key(self.key(name))
            .arg(holder)
            .invoke_async(&mut conn)
            .await
            .map_err(JobsError::from)?;
        Ok(())
    }
}
