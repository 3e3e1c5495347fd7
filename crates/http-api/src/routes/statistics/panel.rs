//! `GET /dash-tickets-queues`: the tickets of the attendance panel (client-contract.md §14
//! "Panel", behaviour.md §3.16 row 92), with their contact, agent, channel and queue read in
//! batches (one query each, not one per ticket).

use std::collections::{HashMap, HashSet};

use actix_web::{HttpResponse, get, web};
use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::TicketStatus;
use tiktickets_domain::ids::{ContactId, QueueId, UserId, WhatsappId};
use tiktickets_domain::statistics::TicketFilter;
use tiktickets_domain::store::contacts::Contact;
use tiktickets_domain::store::queues::Queue;
use tiktickets_domain::store::tickets::Ticket;
use tiktickets_domain::store::users::User;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{all_users, range_of, tickets_in};
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::query::QueryParams;
use crate::state::ApiState;
use crate::views;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(dash_tickets_queues);
}

/// Who may see which ticket of the panel: everything for an admin asking `showAll`; otherwise
/// the tickets of the caller's queues and those assigned to the caller (all tickets when the
/// tenant has no queues).
struct PanelScope {
    all: bool,
    my_queues: HashSet<QueueId>,
    me: UserId,
}

impl PanelScope {
    async fn of(
        state: &ApiState,
        auth: &Auth,
        show_all: bool,
        tenant_has_queues: bool,
    ) -> ApiResult<Self> {
        let all = (show_all && auth.cx.is_admin()) || !tenant_has_queues;
        let my_queues = if all {
            HashSet::new()
        } else {
            state
                .stores
                .users
                .queues(&auth.cx, auth.user.id)
                .await?
                .into_iter()
                .map(|q| q.id)
                .collect()
        };
        Ok(Self {
            all,
            my_queues,
            me: auth.user.id,
        })
    }

    fn allows(&self, t: &Ticket) -> bool {
        self.all
            || t.user_id == Some(self.me)
            || t.queue_id.is_some_and(|q| self.my_queues.contains(&q))
    }
}

/// The rows the panel's tickets refer to, each read once.
struct Related {
    contacts: HashMap<ContactId, Contact>,
    users: HashMap<UserId, User>,
    channels: HashMap<WhatsappId, String>,
    queues: HashMap<QueueId, String>,
}

impl Related {
    async fn load(
        state: &ApiState,
        cx: &TenantCtx,
        tickets: &[Ticket],
        queues: Vec<Queue>,
    ) -> ApiResult<Self> {
        let contact_ids: Vec<ContactId> = tickets
            .iter()
            .filter_map(|t| t.contact_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let contacts = state.stores.contacts.get_many(cx, &contact_ids).await?;
        let users = all_users(state, cx).await?;
        let channels = state.stores.channels.list(cx).await?;
        Ok(Self {
            contacts: contacts.into_iter().map(|c| (c.id, c)).collect(),
            users: users.into_iter().map(|u| (u.id, u)).collect(),
            channels: channels.into_iter().map(|c| (c.id, c.name)).collect(),
            queues: queues.into_iter().map(|q| (q.id, q.queue)).collect(),
        })
    }

    /// The ticket row with `contact`, `user`, `whatsapp` and the flat fallbacks the ticket
    /// cards read (`name`, `profilePicUrl`, `username`, `queue`; client-contract.md §4.1).
    fn ticket_json(&self, t: &Ticket) -> ApiResult<Value> {
        let contact = t.contact_id.and_then(|id| self.contacts.get(&id));
        let user = t.user_id.and_then(|id| self.users.get(&id));
        let channel = t
            .whatsapp_id
            .and_then(|id| self.channels.get(&id).map(|name| (id, name)));
        let mut row = views::to_json(t)?;
        if let Some(obj) = row.as_object_mut() {
            let contact_ref = contact.map(|c| {
                json!({"id": c.id.get(), "name": c.name, "number": c.number, "profilePicUrl": c.profile_pic_url})
            });
            let user_ref = user
                .map(|u| json!({"id": u.id.get(), "name": u.name, "profile": u.profile.as_str()}));
            let channel_ref = channel.map(|(id, name)| json!({"id": id.get(), "name": name}));
            obj.insert("contact".into(), json!(contact_ref));
            obj.insert("user".into(), json!(user_ref));
            obj.insert("whatsapp".into(), json!(channel_ref));
            obj.insert("name".into(), json!(contact.map(|c| &c.name)));
            obj.insert(
                "profilePicUrl".into(),
                json!(contact.and_then(|c| c.profile_pic_url.as_ref())),
            );
            obj.insert("username".into(), json!(user.map(|u| &u.name)));
            obj.insert(
                "queue".into(),
                json!(t.queue_id.and_then(|id| self.queues.get(&id))),
            );
        }
        Ok(row)
    }
}

/// The panel's tickets.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(
        ("dateStart" = Option<String>, Query, description = "First creation day, yyyy-MM-dd (default: 6 days before dateEnd)"),
        ("dateEnd" = Option<String>, Query, description = "Last creation day, yyyy-MM-dd, inclusive (default: today, UTC)"),
        ("queuesIds[]" = Option<Vec<i32>>, Query, description = "Only tickets of these queues"),
        ("status[]" = Option<Vec<String>>, Query, description = "Only these statuses (pending, open, closed)"),
        ("showAll" = Option<bool>, Query, description = "Admins: every ticket of the tenant, not only their queues'"),
    ),
    responses(
        (status = 200, description = "Array of tickets (ticket row + contact {id, name, number, profilePicUrl}, user {id, name, profile} or null, whatsapp {id, name} or null, queue name), newest update first"),
        (status = 400, description = "Bad date, range or filter", body = ErrorBody),
    )
)]
#[get("/dash-tickets-queues")]
async fn dash_tickets_queues(
    state: web::Data<ApiState>,
    auth: Auth,
    q: QueryParams,
) -> ApiResult<HttpResponse> {
    let range = range_of(&state, &q, "dateStart", "dateEnd")?;
    let statuses = q.parsed_many::<TicketStatus>("status")?;
    let filter = TicketFilter {
        queue_ids: q.parsed_many::<QueueId>("queuesIds")?,
        ..TicketFilter::default()
    };
    let show_all = q.flag("showAll")?.unwrap_or(false);
    let queues = state.stores.queues.list(&auth.cx).await?;
    let scope = PanelScope::of(&state, &auth, show_all, !queues.is_empty()).await?;
    let mut tickets: Vec<Ticket> = tickets_in(&state, &auth.cx, range, &filter)
        .await?
        .into_iter()
        .filter(|t| statuses.is_empty() || statuses.contains(&t.status))
        .filter(|t| scope.allows(t))
        .collect();
    tickets.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
    let related = Related::load(&state, &auth.cx, &tickets, queues).await?;
    let rows = tickets
        .iter()
        .map(|t| related.ticket_json(t))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(rows))
}
