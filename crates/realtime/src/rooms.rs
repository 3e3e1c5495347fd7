//! Room names. Every room starts with `tenant:<id>`, so a room can never span two tenants,
//! and the hub checks the prefix against the socket's tenant before delivering.

use tiktickets_domain::ids::TenantId;

/// Every socket of a tenant (joined at connect).
pub fn tenant(t: TenantId) -> String {
    format!("tenant:{}", t.get())
}

/// Sockets that asked for notifications (`{t}:joinNotification`).
pub fn notification(t: TenantId) -> String {
    format!("tenant:{}:notification", t.get())
}

/// Sockets of an inbox tab (`joinTickets` with a status).
pub fn status(t: TenantId, status: &str) -> String {
    format!("tenant:{}:status:{status}", t.get())
}

/// Sockets that opened a ticket's chat (`joinChatBox`).
pub fn ticket(t: TenantId, ticket: i64) -> String {
    format!("tenant:{}:ticket:{ticket}", t.get())
}

/// True when `room` belongs to tenant `t`.
pub fn belongs_to(room: &str, t: i32) -> bool {
    let prefix = format!("tenant:{t}");
    room == prefix
        || room
            .strip_prefix(&prefix)
            .is_some_and(|rest| rest.starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_never_match_another_tenant() {
        let t1 = TenantId::from_verified(1);
        assert!(belongs_to(&tenant(t1), 1));
        assert!(belongs_to(&ticket(t1, 5), 1));
        assert!(!belongs_to(&tenant(t1), 11));
        assert!(!belongs_to("tenant:11", 1));
        assert!(!belongs_to("tenant:1x", 1));
    }
}
