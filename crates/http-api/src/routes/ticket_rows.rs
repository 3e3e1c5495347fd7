//! The rows of `GET /tickets` (client-contract.md §4.1): each ticket with the flat fallbacks
//! the client reads (`name`, `profilePicUrl`, `username`, `queue`), its contact with tags, its
//! agent and channel. Related rows come from one batch read per table, run concurrently and
//! skipped when no ticket refers to that table. The rows borrow from those reads and are
//! serialised once, straight to the response body (building `serde_json::Value` trees first
//! cost ~10 ms per 200-row page).

use std::collections::HashMap;

use serde::Serialize;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::ids::{ContactId, QueueId, UserId, WhatsappId};
use tiktickets_domain::store::contacts::Contact;
use tiktickets_domain::store::page::PageRequest;
use tiktickets_domain::store::tags::Tag;
use tiktickets_domain::store::tickets::Ticket;

use crate::error::ApiResult;
use crate::state::ApiState;

/// The related rows of one page of tickets.
pub struct Related {
    contacts: HashMap<ContactId, Contact>,
    tags: HashMap<ContactId, Vec<TagRef>>,
    users: HashMap<UserId, String>,
    queues: HashMap<QueueId, String>,
    channels: HashMap<WhatsappId, String>,
}

#[derive(Serialize)]
struct TagRef {
    id: i32,
    tag: String,
    color: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContactRef<'a> {
    id: i32,
    name: &'a str,
    number: Option<&'a str>,
    profile_pic_url: Option<&'a str>,
    is_group: bool,
    tags: &'a [TagRef],
}

#[derive(Serialize)]
struct IdName<'a> {
    id: i32,
    name: &'a str,
}

/// One row of the list.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row<'a> {
    #[serde(flatten)]
    ticket: &'a Ticket,
    name: Option<&'a str>,
    profile_pic_url: Option<&'a str>,
    contact: Option<ContactRef<'a>>,
    tags: &'a [TagRef],
    username: Option<&'a str>,
    user: Option<IdName<'a>>,
    queue: Option<&'a str>,
    whatsapp: Option<IdName<'a>>,
}

impl Related {
    /// Reads the contacts, tags, agents, queues and channels `tickets` refer to.
    pub async fn load(state: &ApiState, cx: &TenantCtx, tickets: &[Ticket]) -> ApiResult<Self> {
        let contact_ids: Vec<ContactId> = tickets.iter().filter_map(|t| t.contact_id).collect();
        let stores = &state.stores;
        let (contacts, tag_rows, users, queues, channels) = tokio::try_join!(
            stores.contacts.get_many(cx, &contact_ids),
            stores.contacts.tags_of_many(cx, &contact_ids),
            async {
                if tickets.iter().all(|t| t.user_id.is_none()) {
                    return Ok(Vec::new());
                }
                let page = PageRequest::first(PageRequest::MAX_SIZE);
                Ok(stores.users.list(cx, None, page).await?.items)
            },
            async {
                if tickets.iter().all(|t| t.queue_id.is_none()) {
                    return Ok(Vec::new());
                }
                stores.queues.list(cx).await
            },
            async {
                if tickets.iter().all(|t| t.whatsapp_id.is_none()) {
                    return Ok(Vec::new());
                }
                stores.channels.list(cx).await
            },
        )?;
        let mut tags: HashMap<ContactId, Vec<TagRef>> = HashMap::new();
        for (contact, tag) in tag_rows {
            tags.entry(contact).or_default().push(tag_ref(tag));
        }
        Ok(Self {
            contacts: contacts.into_iter().map(|c| (c.id, c)).collect(),
            tags,
            users: users.into_iter().map(|u| (u.id, u.name)).collect(),
            queues: queues.into_iter().map(|q| (q.id, q.queue)).collect(),
            channels: channels.into_iter().map(|c| (c.id, c.name)).collect(),
        })
    }

    /// The row of `t`.
    pub fn row<'a>(&'a self, t: &'a Ticket) -> Row<'a> {
        let contact = t.contact_id.and_then(|id| self.contacts.get(&id));
        let tags = t
            .contact_id
            .and_then(|id| self.tags.get(&id))
            .map_or(&[][..], Vec::as_slice);
        let username = t
            .user_id
            .and_then(|u| self.users.get(&u).map(String::as_str));
        Row {
            ticket: t,
            name: contact.map(|c| c.name.as_str()),
            profile_pic_url: contact.and_then(|c| c.profile_pic_url.as_deref()),
            contact: contact.map(|c| ContactRef {
                id: c.id.get(),
                name: &c.name,
                number: c.number.as_deref(),
                profile_pic_url: c.profile_pic_url.as_deref(),
                is_group: c.is_group,
                tags,
            }),
            tags,
            username,
            user: t
                .user_id
                .zip(username)
                .map(|(u, name)| IdName { id: u.get(), name }),
            queue: t
                .queue_id
                .and_then(|q| self.queues.get(&q).map(String::as_str)),
            whatsapp: t.whatsapp_id.and_then(|w| {
                self.channels
                    .get(&w)
                    .map(|name| IdName { id: w.get(), name })
            }),
        }
    }
}

fn tag_ref(tag: Tag) -> TagRef {
    TagRef {
        id: tag.id.get(),
        tag: tag.tag,
        color: tag.color,
    }
}
