//! Presence shared by every instance, in Redis.
//!
//! One hash per tenant, `tiktickets:presence:<tenantId>` (see [`DEFAULT_PREFIX`]): field =
//! `<user id>@<instance id>`, value = JSON `{"name", "status", "at"}` with `at` the write time
//! in Unix milliseconds and `set` the time the status was chosen. Each instance writes and
//! removes only its own fields, so a user whose last socket on one instance closes stays
//! present while another instance still has one; the status set last wins.
//! An entry older than the TTL reads as gone (and is pruned), so the users of an instance that
//! died without saying goodbye vanish by themselves. While an instance lives, a background
//! task re-stamps the entries of the users it set (every third of the TTL), keeping the status
//! another instance may have written since; the hash itself expires one TTL after its last
//! write.
//!
//! Redis errors are logged and read as "nobody present"; they never fail the socket.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use async_trait::async_trait;
use deadpool_redis::Pool;
use deadpool_redis::redis::{self, Script};
use tiktickets_domain::ids::{TenantId, UserId};

use super::{Presence, PresenceEntry, PresenceStatus, sort_entries};
use crate::backplane::redis::pool;

mod codec;

use codec::{Decoded, decode, encode, now_ms, set_time};

/// Namespace of the presence hashes in production: `tiktickets:presence:<tenantId>`.
pub const DEFAULT_PREFIX: &str = "tiktickets:presence";

/// Shortest interval between two keep-alive rounds, whatever the TTL.
const MIN_REFRESH: Duration = Duration::from_millis(50);

/// Re-stamps this instance's users: keeps a fresh entry's name and status (another instance
/// may have set them since) and writes this instance's entry where there is none or only a
/// stale one. KEYS[1]: the hash; ARGV: now (ms), oldest fresh `at` (ms), key lifetime (ms),
/// then (user, entry) pairs.
const KEEP_ALIVE: &str = r"
local now = tonumber(ARGV[1])
local cutoff = tonumber(ARGV[2])
for i = 4, #ARGV, 2 do
  local value = ARGV[i + 1]
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if current then
    local ok, entry = pcall(cjson.decode, current)
    if ok and type(entry) == 'table' and tonumber(entry.at) and tonumber(entry.at) >= cutoff then
      entry.at = now
      value = cjson.encode(entry)
    end
  end
  redis.call('HSET', KEYS[1], ARGV[i], value)
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 0
";

/// Deletes a field only if it still holds the value read (a stale entry nobody rewrote).
const PRUNE: &str = r"
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
";

/// Failure to configure Redis presence.
#[derive(Debug, thiserror::Error)]
pub enum PresenceError {
    /// The Redis URL or pool settings are invalid.
    #[error("presence store unavailable: {0}")]
    Unavailable(String),
}

/// Presence shared through Redis.
pub struct RedisPresence {
    inner: Arc<Inner>,
}

/// Name and status of each user this instance set, by tenant.
type LocalUsers = HashMap<TenantId, HashMap<UserId, (String, PresenceStatus)>>;

struct Inner {
    pool: Pool,
    prefix: String,
    /// This instance's part of every field it writes.
    instance: String,
    ttl: Duration,
    /// The users this instance set and has not removed, re-stamped by the keep-alive.
    local: Mutex<LocalUsers>,
    /// Orders this instance's writes, so a keep-alive round cannot resurrect a removed user.
    writes: tokio::sync::Mutex<()>,
    keep_alive_started: AtomicBool,
    keep_alive: Script,
    prune: Script,
}

impl RedisPresence {
    /// Presence on the Redis server at `url`; entries older than `ttl` read as gone.
    /// Nothing connects yet; a malformed URL is an error.
    pub fn new(url: &str, ttl: Duration) -> Result<Self, PresenceError> {
        Self::with_prefix(url, ttl, DEFAULT_PREFIX)
    }

    /// Presence whose hashes are `<prefix>:<tenantId>`.
    pub fn with_prefix(url: &str, ttl: Duration, prefix: &str) -> Result<Self, PresenceError> {
        Ok(Self {
            inner: Arc::new(Inner {
                pool: pool(url).map_err(PresenceError::Unavailable)?,
                prefix: prefix.trim_end_matches(':').to_owned(),
                instance: uuid::Uuid::new_v4().simple().to_string(),
                ttl: ttl.max(Duration::from_millis(1)),
                local: Mutex::default(),
                writes: tokio::sync::Mutex::new(()),
                keep_alive_started: AtomicBool::new(false),
                keep_alive: Script::new(KEEP_ALIVE),
                prune: Script::new(PRUNE),
            }),
        })
    }

    /// The hash of a tenant.
    pub fn key(&self, tenant: TenantId) -> String {
        self.inner.key(tenant)
    }

    /// Starts the keep-alive task once, inside the current Tokio runtime. It ends when this
    /// presence is dropped.
    fn start_keep_alive(&self) {
        if self.inner.keep_alive_started.swap(true, Ordering::SeqCst) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.inner.keep_alive_started.store(false, Ordering::SeqCst);
            tracing::warn!("presence keep-alive needs a Tokio runtime; not started");
            return;
        };
        let every = (self.inner.ttl / 3).max(MIN_REFRESH);
        runtime.spawn(keep_alive(Arc::downgrade(&self.inner), every));
    }
}

async fn keep_alive(inner: Weak<Inner>, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        let Some(inner) = inner.upgrade() else { return };
        inner.refresh().await;
    }
}

impl Inner {
    fn key(&self, tenant: TenantId) -> String {
        format!("{}:{}", self.prefix, tenant.get())
    }

    /// The hash field of a user written by this instance.
    fn field(&self, user: UserId) -> String {
        format!("{}@{}", user.get(), self.instance)
    }

    fn ttl_ms(&self) -> i64 {
        i64::try_from(self.ttl.as_millis()).unwrap_or(i64::MAX)
    }

    /// One keep-alive round over every tenant this instance has users in.
    async fn refresh(&self) {
        let _writes = self.writes.lock().await;
        let local = match self.local.lock() {
            Ok(local) => local.clone(),
            Err(_) => return,
        };
        if local.is_empty() {
            return;
        }
        let mut conn = match self.pool.get().await {
            Ok(conn) => conn,
            Err(e) => return tracing::warn!(error = %e, "presence keep-alive: Redis unavailable"),
        };
        let now = now_ms();
        for (tenant, users) in local {
            let mut call = self.keep_alive.key(self.key(tenant));
            call.arg(now)
                .arg(now.saturating_sub(self.ttl_ms()))
                .arg(self.ttl_ms());
            for (user, (name, status)) in users {
                call.arg(self.field(user)).arg(encode(&name, status, now));
            }
            if let Err(e) = call.invoke_async::<i64>(&mut conn).await {
                tracing::warn!(error = %e, tenant = tenant.get(), "presence keep-alive failed");
            }
        }
    }

    async fn write(&self, tenant: TenantId, user: UserId, value: String) -> Result<(), StoreError> {
        let mut conn = self.pool.get().await?;
        let key = self.key(tenant);
        redis::pipe()
            .atomic()
            .cmd("HSET")
            .arg(&key)
            .arg(self.field(user))
            .arg(value)
            .ignore()
            .cmd("PEXPIRE")
            .arg(&key)
            .arg(self.ttl_ms())
            .ignore()
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }

    async fn delete(&self, tenant: TenantId, user: UserId) -> Result<(), StoreError> {
        let mut conn = self.pool.get().await?;
        redis::cmd("HDEL")
            .arg(self.key(tenant))
            .arg(self.field(user))
            .query_async::<i64>(&mut conn)
            .await?;
        Ok(())
    }

    async fn read(&self, tenant: TenantId) -> Result<Vec<PresenceEntry>, StoreError> {
        let mut conn = self.pool.get().await?;
        let key = self.key(tenant);
        let fields: HashMap<String, String> = redis::cmd("HGETALL")
            .arg(&key)
            .query_async(&mut conn)
            .await?;
        let now = now_ms();
        let mut list = Vec::with_capacity(fields.len());
        for (field, value) in fields {
            match decode(&field, &value, now, self.ttl_ms()) {
                Decoded::Present(entry) => list.push((entry, set_time(&value))),
                Decoded::Gone => {
                    // Best effort: a failed prune is retried by the next read.
                    let pruned = self
                        .prune
                        .key(&key)
                        .arg(&field)
                        .arg(&value)
                        .invoke_async::<i64>(&mut conn)
                        .await;
                    if let Err(e) = pruned {
                        tracing::debug!(error = %e, "stale presence entry not pruned");
                    }
                }
            }
        }
        Ok(merge_instances(list))
    }
}

/// One entry per user: the status set last by any instance.
fn merge_instances(entries: Vec<(PresenceEntry, i64)>) -> Vec<PresenceEntry> {
    let mut by_user: HashMap<UserId, (PresenceEntry, i64)> = HashMap::new();
    for (entry, set_at) in entries {
        match by_user.get_mut(&entry.user) {
            Some(existing) if set_at > existing.1 => *existing = (entry, set_at),
            Some(_) => {}
            None => {
                by_user.insert(entry.user, (entry, set_at));
            }
        }
    }
    let mut list: Vec<PresenceEntry> = by_user.into_values().map(|(e, _)| e).collect();
    sort_entries(&mut list);
    list
}

/// Why one presence operation failed (logged, never returned to callers).
#[derive(Debug, thiserror::Error)]
enum StoreError {
    /// No connection from the pool.
    #[error("no Redis connection: {0}")]
    Pool(#[from] deadpool_redis::PoolError),
    /// The command failed.
    #[error(transparent)]
    Redis(#[from] redis::RedisError),
}

#[async_trait]
impl Presence for RedisPresence {
    async fn set(&self, tenant: TenantId, user: UserId, name: &str, status: PresenceStatus) {
        self.start_keep_alive();
        let inner = &self.inner;
        let _writes = inner.writes.lock().await;
        if let Ok(mut local) = inner.local.lock() {
            local
                .entry(tenant)
                .or_default()
                .insert(user, (name.to_owned(), status));
        }
        let value = encode(name, status, now_ms());
        if let Err(e) = inner.write(tenant, user, value).await {
            tracing::warn!(error = %e, tenant = tenant.get(), user = user.get(), "presence not stored");
        }
    }

    async fn remove(&self, tenant: TenantId, user: UserId) {
        let inner = &self.inner;
        let _writes = inner.writes.lock().await;
        if let Ok(mut local) = inner.local.lock()
            && let Some(users) = local.get_mut(&tenant)
        {
            users.remove(&user);
            if users.is_empty() {
                local.remove(&tenant);
            }
        }
        if let Err(e) = inner.delete(tenant, user).await {
            tracing::warn!(error = %e, tenant = tenant.get(), user = user.get(), "presence not removed");
        }
    }

    async fn list(&self, tenant: TenantId) -> Vec<PresenceEntry> {
        match self.inner.read(tenant).await {
            Ok(list) => list,
            Err(e) => {
                tracing::warn!(error = %e, tenant = tenant.get(), "presence unreadable; reported empty");
                Vec::new()
            }
        }
    }
}
