//! Dashboard, panel and report data (client-contract.md §14 and §12 "contacts-report",
//! behaviour.md §3.16). Every figure is computed by `tiktickets_domain::statistics` from the
//! tickets created in the requested days; this module only reads the rows in batches and
//! applies who-sees-what: admins see the tenant, agents only the tickets assigned to them
//! (the reference counted "log rows of the caller", behaviour.md §3.16 row 95).

mod contacts_report;
mod dashboard;
mod panel;

use tiktickets_domain::TenantCtx;
use tiktickets_domain::ids::QueueId;
use tiktickets_domain::statistics::{self, DateRange, TicketFilter, UserRef};
use tiktickets_domain::store::PageRequest;
use tiktickets_domain::store::tickets::Ticket;
use tiktickets_domain::store::users::User;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::ApiResult;
use crate::query::QueryParams;
use crate::state::ApiState;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    dashboard::configure(cfg);
    panel::configure(cfg);
    contacts_report::configure(cfg);
}

/// The days of a report (`startDate`/`endDate` or the panel's `dateStart`/`dateEnd`,
/// `yyyy-MM-dd`, end inclusive; default the last 7 days, at most 366).
fn range_of(state: &ApiState, q: &QueryParams, start: &str, end: &str) -> ApiResult<DateRange> {
    let today = state.services.clock.now().date_naive();
    Ok(statistics::date_range(q.date(start)?, q.date(end)?, today)?)
}

/// The dashboard's ticket filter: `queuesIds[]`, `isGroup`, and agents' own tickets only.
fn ticket_filter(q: &QueryParams, auth: &Auth) -> ApiResult<TicketFilter> {
    Ok(TicketFilter {
        queue_ids: q.parsed_many::<QueueId>("queuesIds")?,
        is_group: q.flag("isGroup")?,
        assigned_to: (!auth.cx.is_admin()).then_some(auth.user.id),
    })
}

/// The tickets created in the range that pass the filter (one query).
async fn tickets_in(
    state: &ApiState,
    cx: &TenantCtx,
    range: DateRange,
    filter: &TicketFilter,
) -> ApiResult<Vec<Ticket>> {
    let rows = state
        .stores
        .tickets
        .created_between(cx, range.from, range.to)
        .await?;
    Ok(filter.apply(rows))
}

/// Every user of the tenant (page by page, without per-row queries).
async fn all_users(state: &ApiState, cx: &TenantCtx) -> ApiResult<Vec<User>> {
    let mut users = Vec::new();
    let mut page = 1;
    loop {
        let request = PageRequest::new(page, PageRequest::MAX_SIZE)?;
        let batch = state.stores.users.list(cx, None, request).await?;
        users.extend(batch.items);
        if !batch.has_more {
            return Ok(users);
        }
        page += 1;
    }
}

/// The users a per-user report lists: the tenant's users for admins, the caller for agents.
async fn report_users(state: &ApiState, auth: &Auth) -> ApiResult<Vec<UserRef>> {
    let users = if auth.cx.is_admin() {
        all_users(state, &auth.cx).await?
    } else {
        vec![auth.user.clone()]
    };
    Ok(users
        .into_iter()
        .map(|u| UserRef {
            id: u.id,
            name: u.name,
            email: u.email,
        })
        .collect())
}
