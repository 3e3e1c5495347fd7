//! The JSON the web client reads in realtime events (client-contract.md §4.1, §4.2, §16.3),
//! built from the rows a domain event carries.

use serde_json::{Value, json};
use tiktickets_domain::access::MediaLinks;
use tiktickets_domain::store::contacts::Contact;
use tiktickets_domain::store::messages::Message;
use tiktickets_domain::store::tickets::Ticket;

fn to_value<T: serde::Serialize>(row: &T) -> Value {
    serde_json::to_value(row).unwrap_or(Value::Null)
}

fn contact_brief(c: &Contact) -> Value {
    json!({
        "id": c.id.get(),
        "name": c.name,
        "number": c.number,
        "profilePicUrl": c.profile_pic_url,
        "isGroup": c.is_group,
    })
}

/// A ticket with its contact and the list's flat fallbacks (`name`, `profilePicUrl`).
pub fn ticket(ticket: &Ticket, contact: Option<&Contact>) -> Value {
    let mut value = to_value(ticket);
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "contact".into(),
            contact.map(contact_brief).unwrap_or(Value::Null),
        );
        obj.insert("name".into(), json!(contact.map(|c| c.name.as_str())));
        obj.insert(
            "profilePicUrl".into(),
            json!(contact.and_then(|c| c.profile_pic_url.as_deref())),
        );
    }
    value
}

/// A message with its media link, sender and (for `chat:create`) its ticket.
pub fn message(
    message: &Message,
    ticket_row: Option<&Ticket>,
    contact: Option<&Contact>,
    links: &dyn MediaLinks,
    public_base: &str,
) -> Value {
    let mut value = to_value(message);
    if let Some(obj) = value.as_object_mut() {
        let url = message
            .media_url
            .as_deref()
            .and_then(|f| links.media_path(message.tenant_id, f))
            .map(|p| {
                if p.starts_with('/') {
                    format!("{public_base}{p}")
                } else {
                    p
                }
            });
        obj.insert("mediaUrl".into(), json!(url));
        obj.insert("mediaName".into(), json!(message.media_url));
        let sender = contact.filter(|_| !message.from_me);
        obj.insert(
            "contact".into(),
            sender
                .map(|c| json!({"id": c.id.get(), "name": c.name, "profilePicUrl": c.profile_pic_url}))
                .unwrap_or(Value::Null),
        );
        if let Some(t) = ticket_row {
            obj.insert("ticket".into(), ticket(t, contact));
        }
    }
    value
}
