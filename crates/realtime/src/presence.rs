//! Who is online, idle or offline per tenant (`{t}:setUserActive`, `{t}:setUserIdle`,
//! disconnects). In memory for one instance, in Redis when instances share it.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use tiktickets_domain::ids::{TenantId, UserId};

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

/// Presence storage.
#[async_trait]
pub trait Presence: Send + Sync {
    /// Sets a user's status.
    async fn set(&self, tenant: TenantId, user: UserId, name: &str, status: PresenceStatus);
    /// Forgets a user (offline).
    async fn remove(&self, tenant: TenantId, user: UserId);
    /// Everyone online or idle in a tenant, by name.
    async fn list(&self, tenant: TenantId) -> Vec<PresenceEntry>;
}

/// Presence of one instance.
#[derive(Default)]
pub struct InMemoryPresence {
    map: Mutex<HashMap<TenantId, HashMap<UserId, PresenceEntry>>>,
}

#[async_trait]
impl Presence for InMemoryPresence {
    async fn set(&self, tenant: TenantId, user: UserId, name: &str, status: PresenceStatus) {
        if let Ok(mut map) = self.map.lock() {
            map.entry(tenant).or_default().insert(
                user,
                PresenceEntry {
                    user,
                    name: name.to_owned(),
                    status,
                },
            );
        }
    }

    async fn remove(&self, tenant: TenantId, user: UserId) {
        if let Ok(mut map) = self.map.lock()
            && let Some(users) = map.get_mut(&tenant)
        {
            users.remove(&user);
        }
    }

    async fn list(&self, tenant: TenantId) -> Vec<PresenceEntry> {
        let mut list: Vec<PresenceEntry> = self
            .map
            .lock()
            .ok()
            .and_then(|m| m.get(&tenant).map(|u| u.values().cloned().collect()))
            .unwrap_or_default();
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.user.cmp(&b.user)));
        list
    }
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
