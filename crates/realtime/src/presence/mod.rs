//! Who is online, idle or offline per tenant (`{t}:setUserActive`, `{t}:setUserIdle`,
//! disconnects). In memory for one instance ([`InMemoryPresence`]), in Redis when instances
//! share it ([`RedisPresence`]).

pub mod memory;
pub mod redis;

use async_trait::async_trait;
use tiktickets_domain::ids::{TenantId, UserId};

pub use memory::InMemoryPresence;
pub use redis::{PresenceError, RedisPresence};

/// A user's presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceStatus {
    /// Working.
    Online,
    /// Connected, not working.
    Idle,
}

impl PresenceStatus {
    /// Stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PresenceStatus::Online => "online",
            PresenceStatus::Idle => "idle",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "online" => Some(PresenceStatus::Online),
            "idle" => Some(PresenceStatus::Idle),
            _ => None,
        }
    }
}

/// One user's entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceEntry {
    /// User.
    pub user: UserId,
    /// Name shown in the bubbles.
    pub name: String,
    /// Status.
    pub status: PresenceStatus,
}

/// Presence storage. Implementations never fail the caller: a storage problem is logged and
/// reads as "nobody present".
#[async_trait]
pub trait Presence: Send + Sync {
    /// Sets a user's status.
    async fn set(&self, tenant: TenantId, user: UserId, name: &str, status: PresenceStatus);
    /// Forgets a user (offline).
    async fn remove(&self, tenant: TenantId, user: UserId);
    /// Everyone online or idle in a tenant, by name.
    async fn list(&self, tenant: TenantId) -> Vec<PresenceEntry>;
}

/// Orders a presence list the way every implementation returns it: by name, then by user.
pub(crate) fn sort_entries(list: &mut [PresenceEntry]) {
    list.sort_by(|a, b| a.name.cmp(&b.name).then(a.user.cmp(&b.user)));
}

/// The `{t}:chat:updateOnlineBubbles` payload: `{sortedUserList, sortedIdleList}`.
pub fn bubbles(entries: &[PresenceEntry]) -> serde_json::Value {
    let pick = |status: PresenceStatus| -> Vec<serde_json::Value> {
        entries
            .iter()
            .filter(|e| e.status == status)
            .map(|e| serde_json::json!({"id": e.user.get(), "name": e.name, "status": status.as_str()}))
            .collect()
    };
    serde_json::json!({
        "sortedUserList": pick(PresenceStatus::Online),
        "sortedIdleList": pick(PresenceStatus::Idle),
    })
}
