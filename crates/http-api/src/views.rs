//! JSON shapes shared by several route modules (client-contract.md §4.1, §5, §7): domain rows
//! serialised with the reference's camelCase names, plus the related rows the client reads.

use std::collections::HashMap;

use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::ids::UserId;
use tiktickets_domain::store::contacts::Contact;
use tiktickets_domain::store::queues::Queue;
use tiktickets_domain::store::users::User;

use crate::error::{ApiError, ApiResult};
use crate::state::ApiState;

/// Serialises a value that is known to serialise (domain rows).
pub fn to_json<T: serde::Serialize>(value: &T) -> ApiResult<Value> {
    serde_json::to_value(value).map_err(|e| ApiError::Internal(format!("serialising: {e}")))
}

/// `{id, queue, isActive}`.
pub fn queue_ref(q: &Queue) -> Value {
    json!({"id": q.id.get(), "queue": q.queue, "isActive": q.is_active})
}

/// A user as lists and forms read it: `{id, name, email, profile, tenantId, status, queues}`.
/// Never the password hash or the token version.
pub async fn user_json(state: &ApiState, cx: &TenantCtx, user: &User) -> ApiResult<Value> {
    let queues = state.stores.users.queues(cx, user.id).await?;
    Ok(user_value(user, queues.iter().map(queue_ref).collect()))
}

/// [`user_json`] for a page of users, their queues read in one batch (not one read per user).
pub async fn users_json(state: &ApiState, cx: &TenantCtx, users: &[User]) -> ApiResult<Vec<Value>> {
    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    let mut queues: HashMap<UserId, Vec<Value>> = HashMap::new();
    for (user, queue) in state.stores.users.queues_of_many(cx, &ids).await? {
        queues.entry(user).or_default().push(queue_ref(&queue));
    }
    Ok(users
        .iter()
        .map(|u| user_value(u, queues.remove(&u.id).unwrap_or_default()))
        .collect())
}

fn user_value(user: &User, queues: Vec<Value>) -> Value {
    json!({
        "id": user.id.get(),
        "name": user.name,
        "email": user.email,
        "profile": user.profile.as_str(),
        "tenantId": user.tenant_id.get(),
        "status": user.status.as_str(),
        "isOnline": user.is_online.unwrap_or(false),
        "lastLogin": user.last_login,
        "createdAt": user.created_at,
        "updatedAt": user.updated_at,
        "queues": queues,
    })
}

/// A contact with its tags, wallets and custom fields (the single-contact shape of
/// behaviour.md §3.7, read by the inbox side panel and the contact form).
pub async fn contact_full(state: &ApiState, cx: &TenantCtx, contact: &Contact) -> ApiResult<Value> {
    let tags = state.stores.contacts.tags(cx, contact.id).await?;
    let wallet_ids = state.stores.contacts.wallets(cx, contact.id).await?;
    let fields = state.stores.contacts.custom_fields(cx, contact.id).await?;
    let mut wallets = Vec::with_capacity(wallet_ids.len());
    for id in wallet_ids {
        let name = match state.stores.users.get(cx, id).await {
            Ok(u) => u.name,
            Err(_) => String::new(),
        };
        wallets.push(json!({"id": id.get(), "name": name}));
    }
    let mut value = to_json(contact)?;
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "tags".into(),
            tags.iter()
                .map(|t| json!({"id": t.id.get(), "tag": t.tag, "color": t.color, "isActive": t.is_active}))
                .collect(),
        );
        obj.insert("wallets".into(), Value::Array(wallets));
        obj.insert(
            "extraInfo".into(),
            fields
                .iter()
                .map(|f| json!({"id": f.id.get(), "name": f.name, "value": f.value, "contactId": f.contact_id.get()}))
                .collect(),
        );
    }
    Ok(value)
}

/// A message as the chat reads it (client-contract.md §4.2): the row, `mediaUrl` as an
/// absolute link, `mediaName`, the sender `contact` and the `quotedMsg`.
pub async fn message_json(
    state: &ApiState,
    cx: &TenantCtx,
    base: &str,
    message: &tiktickets_domain::store::messages::Message,
    sender: Option<&Contact>,
) -> ApiResult<Value> {
    let mut value = to_json(message)?;
    let quoted = match &message.quoted_msg_id {
        Some(id) => match state.stores.messages.get(cx, id).await {
            Ok(q) => {
                let contact_name = match q.contact_id {
                    Some(c) if !q.from_me => state
                        .stores
                        .contacts
                        .get(cx, c)
                        .await
                        .map(|c| c.name)
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                json!({
                    "id": q.id,
                    "body": q.body,
                    "fromMe": q.from_me,
                    "mediaType": q.media_type,
                    "mediaUrl": q.media_url.as_deref().and_then(|f| state.media_url(base, cx.tenant(), f)),
                    "contact": {"name": contact_name},
                })
            }
            Err(_) => Value::Null,
        },
        None => Value::Null,
    };
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "mediaUrl".into(),
            message
                .media_url
                .as_deref()
                .and_then(|f| state.media_url(base, cx.tenant(), f))
                .map(Value::String)
                .unwrap_or(Value::Null),
        );
        obj.insert("mediaName".into(), json!(message.media_url));
        obj.insert(
            "contact".into(),
            sender
                .map(|c| json!({"id": c.id.get(), "name": c.name, "profilePicUrl": c.profile_pic_url}))
                .unwrap_or(Value::Null),
        );
        obj.insert("quotedMsg".into(), quoted);
    }
    Ok(value)
}

/// A ticket with its contact, agent, channel and queue (the full shape of behaviour.md §3.8,
/// read by `GET /tickets/:id`, `PUT`, `POST` and the chat header).
pub async fn ticket_full(
    state: &ApiState,
    cx: &TenantCtx,
    base: &str,
    ticket: &tiktickets_domain::store::tickets::Ticket,
) -> ApiResult<Value> {
    let mut value = to_json(ticket)?;
    let contact = match ticket.contact_id {
        Some(id) => {
            let c = state.stores.contacts.get(cx, id).await?;
            Some(contact_full(state, cx, &c).await?)
        }
        None => None,
    };
    let user =
        match ticket.user_id {
            Some(id) => {
                state.stores.users.get(cx, id).await.ok().map(
                    |u| json!({"id": u.id.get(), "name": u.name, "profile": u.profile.as_str()}),
                )
            }
            None => None,
        };
    let whatsapp = match ticket.whatsapp_id {
        Some(id) => state.stores.channels.get(cx, id).await.ok().map(|w| {
            json!({"id": w.id.get(), "name": w.name, "profilePicUrl": w.profile_pic_url, "type": w.r#type})
        }),
        None => None,
    };
    let queue = match ticket.queue_id {
        Some(id) => state.stores.queues.get(cx, id).await.ok(),
        None => None,
    };
    let scheduled = state
        .stores
        .messages
        .scheduled_for_ticket(cx, ticket.id)
        .await?;
    let mut scheduled_json = Vec::with_capacity(scheduled.len());
    for m in &scheduled {
        let mut v = message_json(state, cx, base, m, None).await?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("isDeleted".into(), json!(m.is_deleted));
        }
        scheduled_json.push(v);
    }
    if let Some(obj) = value.as_object_mut() {
        if let Some(c) = &contact {
            obj.insert("name".into(), c["name"].clone());
            obj.insert("profilePicUrl".into(), c["profilePicUrl"].clone());
        }
        obj.insert("contact".into(), contact.unwrap_or(Value::Null));
        obj.insert(
            "username".into(),
            user.as_ref()
                .map(|u| u["name"].clone())
                .unwrap_or(Value::Null),
        );
        obj.insert("user".into(), user.unwrap_or(Value::Null));
        obj.insert("whatsapp".into(), whatsapp.unwrap_or(Value::Null));
        obj.insert(
            "queue".into(),
            queue
                .as_ref()
                .map(|q| json!(q.queue))
                .unwrap_or(Value::Null),
        );
        obj.insert("scheduledMessages".into(), Value::Array(scheduled_json));
    }
    Ok(value)
}
