//! Auto-close of inactive tickets (data-model.md §7.12, rule T-13), per tenant: each tenant's
//! own `daysToClose` decides for its own tickets only (the reference read one tenant's setting
//! and closed every tenant's tickets with it). Closing goes through the normal system
//! transition: `closedAt`, the `FECH` protocol when an attendance has one, an `autoClose` log,
//! no farewell, and `ticket:update` published.

use chrono::{DateTime, Duration, Utc};

use crate::ctx::{PlatformCtx, TenantCtx};
use crate::enums::TicketStatus;
use crate::error::Result;
use crate::ids::TenantId;
use crate::services::Services;
use crate::store::tickets::{Ticket, TicketPatch};

/// The setting that holds a tenant's inactivity period, in days.
pub const DAYS_TO_CLOSE_KEY: &str = "daysToClose";

/// The period when the setting is absent or not a whole number (as in the reference).
pub const DAYS_TO_CLOSE_DEFAULT: i64 = 7;

/// Longest period honoured (about 100 years); larger values are treated as this.
const DAYS_TO_CLOSE_MAX: i64 = 36_500;

/// Tickets read per batch.
const BATCH: u64 = 200;

/// The inactivity period a `daysToClose` value means: `None` (absent), blank or not a whole
/// number is the default of 7 days; zero or a negative number disables auto-close (`None`).
pub fn days_to_close(value: Option<&str>) -> Option<i64> {
    let days = value
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(DAYS_TO_CLOSE_DEFAULT);
    (days > 0).then_some(days.min(DAYS_TO_CLOSE_MAX))
}

/// True when `ticket` is still open or pending and was last updated before `cutoff`.
fn still_inactive(ticket: &Ticket, cutoff: DateTime<Utc>) -> bool {
    matches!(ticket.status, TicketStatus::Open | TicketStatus::Pending)
        && ticket.updated_at < cutoff
}

impl Services {
    /// Closes, for every tenant separately, the `open` and `pending` tickets whose last update
    /// is older than that tenant's `daysToClose` (see [`days_to_close`]) at `now`. Every write
    /// runs under the tenant's own system context. Returns, per tenant whose period is enabled,
    /// how many tickets were closed.
    pub async fn auto_close(
        &self,
        p: &PlatformCtx,
        now: DateTime<Utc>,
    ) -> Result<Vec<(TenantId, usize)>> {
        let mut closed = Vec::new();
        for tenant in self.stores.tenants.list(p).await? {
            let cx = TenantCtx::system(tenant.id);
            let setting = self.stores.settings.get(&cx, DAYS_TO_CLOSE_KEY).await?;
            let Some(days) = days_to_close(setting.as_ref().map(|s| s.value.as_str())) else {
                continue;
            };
            let n = self
                .auto_close_tenant(&cx, now - Duration::days(days))
                .await?;
            closed.push((tenant.id, n));
        }
        Ok(closed)
    }

    /// Closes `cx`'s open and pending tickets last updated before `cutoff`, batch by batch;
    /// returns how many were closed.
    async fn auto_close_tenant(&self, cx: &TenantCtx, cutoff: DateTime<Utc>) -> Result<usize> {
        let mut total = 0;
        loop {
            let batch = self
                .stores
                .tickets
                .inactive_since(cx, cutoff, BATCH)
                .await?;
            let full = batch.len() as u64 == BATCH;
            let mut closed_now = 0;
            for ticket in batch {
                if self.close_inactive(cx, &ticket, cutoff).await? {
                    closed_now += 1;
                }
            }
            total += closed_now;
            // A batch that closed nothing would come back unchanged: stop there.
            if !full || closed_now == 0 {
                return Ok(total);
            }
        }
    }

    /// Closes one inactive ticket through the system transition, unless it changed since it
    /// was listed (a message arrived, an agent acted). True when it was closed.
    async fn close_inactive(
        &self,
        cx: &TenantCtx,
        listed: &Ticket,
        cutoff: DateTime<Utc>,
    ) -> Result<bool> {
        let ticket = self.stores.tickets.get(cx, listed.id).await?;
        if !still_inactive(&ticket, cutoff) {
            return Ok(false);
        }
        let mut patch = TicketPatch::default();
        let plan = self
            .apply_transition(cx, &ticket, TicketStatus::Closed, &mut patch)
            .await?;
        let updated = self.stores.tickets.update(cx, ticket.id, patch).await?;
        self.publish_ticket_change(cx, &updated, plan.notify_new_ticket)
            .await;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_to_close_defaults_to_seven() {
        assert_eq!(days_to_close(None), Some(7));
        assert_eq!(days_to_close(Some("")), Some(7));
        assert_eq!(days_to_close(Some("abc")), Some(7));
        assert_eq!(days_to_close(Some("2.5")), Some(7));
    }

    #[test]
    fn days_to_close_reads_whole_days() {
        assert_eq!(days_to_close(Some("1")), Some(1));
        assert_eq!(days_to_close(Some(" 30 ")), Some(30));
        assert_eq!(days_to_close(Some("999999999")), Some(DAYS_TO_CLOSE_MAX));
    }

    #[test]
    fn zero_or_negative_disables() {
        assert_eq!(days_to_close(Some("0")), None);
        assert_eq!(days_to_close(Some("-3")), None);
    }
}
