//! The realtime side of the domain's `EventPublisher` port: each domain event becomes the
//! Socket.IO events of client-contract.md §16.3, addressed to rooms of the event's tenant, and
//! goes to the backplane in publication order.

use std::sync::Arc;

use serde_json::{Value, json};
use tiktickets_domain::access::MediaLinks;
use tiktickets_domain::events::{DomainEvent, EventPublisher};
use tokio::sync::mpsc;

use crate::backplane::Envelope;
use crate::payloads;
use crate::rooms;

/// Publishes domain events to the gateway's outgoing queue.
pub struct RealtimePublisher {
    tx: mpsc::UnboundedSender<Envelope>,
    links: Arc<dyn MediaLinks>,
    public_base: String,
}

impl RealtimePublisher {
    pub(crate) fn new(
        tx: mpsc::UnboundedSender<Envelope>,
        links: Arc<dyn MediaLinks>,
        public_base: String,
    ) -> Self {
        Self {
            tx,
            links,
            public_base,
        }
    }
}

fn envelope(tenant: i32, room: String, event: String, payload: Value) -> Envelope {
    Envelope {
        tenant,
        room,
        event,
        payload,
    }
}

/// The socket events of one domain event.
pub fn envelopes(event: &DomainEvent, links: &dyn MediaLinks, public_base: &str) -> Vec<Envelope> {
    let tenant = event.tenant();
    let t = tenant.get();
    let room = rooms::tenant(tenant);
    let ticket_list = |kind: &str, payload: Value| {
        envelope(
            t,
            room.clone(),
            format!("{t}:ticketList"),
            json!({"type": kind, "payload": payload}),
        )
    };
    match event {
        DomainEvent::MessageCreated {
            message,
            ticket,
            contact,
        } => vec![ticket_list(
            "chat:create",
            payloads::message(
                message,
                Some(ticket),
                contact.as_deref(),
                links,
                public_base,
            ),
        )],
        DomainEvent::MessageUpdated { message } => vec![ticket_list(
            "chat:update",
            payloads::message(message, None, None, links, public_base),
        )],
        DomainEvent::MessageAck {
            id, ticket, ack, ..
        } => vec![ticket_list(
            "chat:ack",
            json!({"id": id, "ack": ack, "ticketId": ticket.get()}),
        )],
        DomainEvent::TicketUpdated { ticket, contact } => vec![ticket_list(
            "ticket:update",
            payloads::ticket(ticket, contact.as_deref()),
        )],
        DomainEvent::TicketPending { ticket, contact } => vec![ticket_list(
            "notification:new",
            payloads::ticket(ticket, contact.as_deref()),
        )],
        DomainEvent::ContactUpdated { contact } => vec![envelope(
            t,
            room,
            format!("{t}:contactList"),
            json!({"type": "contact:update", "payload": contact}),
        )],
        DomainEvent::ContactDeleted { contact } => vec![envelope(
            t,
            room,
            format!("{t}:contactList"),
            json!({"type": "contact:delete", "payload": contact}),
        )],
        DomainEvent::ChannelUpdated { channel } => vec![envelope(
            t,
            room,
            format!("{t}:whatsapp"),
            json!({"action": "update", "whatsapp": channel}),
        )],
        DomainEvent::SessionUpdated { channel } => vec![envelope(
            t,
            room,
            format!("{t}:whatsappSession"),
            json!({"action": "update", "session": channel}),
        )],
        DomainEvent::ChannelDeleted { id, .. } => vec![envelope(
            t,
            room,
            format!("{t}:whatsapp"),
            json!({"action": "delete", "whatsappId": id.get()}),
        )],
        DomainEvent::SettingUpdated { setting } => vec![envelope(
            t,
            room,
            format!("{t}:settings"),
            json!({"action": "update", "setting": setting}),
        )],
    }
}

impl EventPublisher for RealtimePublisher {
    fn publish(&self, event: DomainEvent) {
        for env in envelopes(&event, self.links.as_ref(), &self.public_base) {
            // The receiver lives as long as the gateway; a send error means shutdown.
            let _ = self.tx.send(env);
        }
    }
}
