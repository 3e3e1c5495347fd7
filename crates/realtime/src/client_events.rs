//! The events the web client emits (client-contract.md §16.2): room joins (both the
//! reference's `{t}:` and the client's `tenant:{t}:` spellings, idempotent) and presence.
//! A name that carries another tenant's id is ignored.

use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::ids::TenantId;

use crate::backplane::Envelope;
use crate::gateway::Gateway;
use crate::presence::{PresenceStatus, bubbles};
use crate::rooms;

/// The action of an event name, when it is addressed to the socket's own tenant.
fn action_of(name: &str, tenant: TenantId) -> Option<&str> {
    let name = name.strip_prefix("tenant:").unwrap_or(name);
    let (t, action) = name.split_once(':')?;
    (t.parse::<i32>().ok()? == tenant.get()).then_some(action)
}

fn arg_text(args: &[Value]) -> Option<String> {
    match args.first()? {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
    .filter(|s| !s.is_empty() && s.len() <= 64)
}

/// Handles one client event; the value answers an ack, if the client asked for one.
pub async fn handle(
    gateway: &Gateway,
    sid: &str,
    cx: &TenantCtx,
    name: &str,
    args: &[Value],
) -> Value {
    let tenant = cx.tenant();
    let hub = &gateway.inner.hub;
    let Some(action) = action_of(name, tenant) else {
        return json!({"ok": false});
    };
    let joined = match action {
        "joinNotification" => hub.join(sid, &rooms::notification(tenant)),
        "joinTickets" => match arg_text(args) {
            Some(status) if matches!(status.as_str(), "open" | "pending" | "closed" | "groups") => {
                hub.join(sid, &rooms::status(tenant, &status))
            }
            _ => false,
        },
        "joinChatBox" => match arg_text(args).and_then(|id| id.parse::<i64>().ok()) {
            Some(ticket) if ticket > 0 => hub.join(sid, &rooms::ticket(tenant, ticket)),
            _ => false,
        },
        "setUserActive" => {
            set_presence(gateway, cx, Some(PresenceStatus::Online)).await;
            true
        }
        "setUserIdle" => {
            set_presence(gateway, cx, Some(PresenceStatus::Idle)).await;
            true
        }
        _ => false,
    };
    json!({"ok": joined})
}

/// Marks a user offline when their last socket on this instance closes.
pub async fn disconnected(gateway: &Gateway, cx: &TenantCtx) {
    if let Some(user) = cx.user_id()
        && !gateway.inner.hub.user_connected(cx.tenant(), user)
    {
        set_presence(gateway, cx, None).await;
    }
}

async fn set_presence(gateway: &Gateway, cx: &TenantCtx, status: Option<PresenceStatus>) {
    let Some(user) = cx.user_id() else { return };
    let tenant = cx.tenant();
    let presence = &gateway.inner.presence;
    match status {
        Some(status) => {
            let name = gateway
                .inner
                .hub
                .users_of(tenant)
                .into_iter()
                .find(|(u, _)| *u == user)
                .map(|(_, n)| n)
                .unwrap_or_default();
            presence.set(tenant, user, &name, status).await;
        }
        None => presence.remove(tenant, user).await,
    }
    let list = presence.list(tenant).await;
    gateway.broadcast(Envelope {
        tenant: tenant.get(),
        room: rooms::tenant(tenant),
        event: format!("{}:chat:updateOnlineBubbles", tenant.get()),
        payload: bubbles(&list),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sockets_own_tenant_is_accepted() {
        let t = TenantId::from_verified(3);
        assert_eq!(action_of("3:joinNotification", t), Some("joinNotification"));
        assert_eq!(action_of("tenant:3:joinChatBox", t), Some("joinChatBox"));
        assert_eq!(action_of("4:joinNotification", t), None);
        assert_eq!(action_of("tenant:33:joinTickets", t), None);
        assert_eq!(action_of("joinNotification", t), None);
    }
}
