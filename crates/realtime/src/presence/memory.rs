//! Presence of one instance, in a map: enough when a single API instance serves everyone.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use tiktickets_domain::ids::{TenantId, UserId};

use super::{Presence, PresenceEntry, PresenceStatus};

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
