//! What changed, for the realtime gateway: domain services publish a [`DomainEvent`] after
//! every committed change through the [`EventPublisher`] port. Nothing else emits events.

use std::sync::{Arc, Mutex};

use crate::enums::MessageAck;
use crate::ids::{MessageId, TenantId, TicketId, WhatsappId};
use crate::store::channels::Channel;
use crate::store::contacts::Contact;
use crate::store::messages::Message;
use crate::store::settings::Setting;
use crate::store::tickets::Ticket;

/// One committed change. Every variant belongs to exactly one tenant ([`DomainEvent::tenant`]);
/// the gateway delivers it to that tenant's sockets only.
#[derive(Debug, Clone, PartialEq)]
pub enum DomainEvent {
    /// A message was stored (inbound, or sent by an agent): `chat:create`.
    MessageCreated {
        /// The message.
        message: Box<Message>,
        /// Its ticket after the change.
        ticket: Box<Ticket>,
        /// The ticket's contact.
        contact: Option<Box<Contact>>,
    },
    /// A message changed (edit, delete, status): `chat:update`.
    MessageUpdated {
        /// The message after the change.
        message: Box<Message>,
    },
    /// A message's delivery state changed: `chat:ack`.
    MessageAck {
        /// Tenant.
        tenant: TenantId,
        /// The message.
        id: MessageId,
        /// Its ticket.
        ticket: TicketId,
        /// The new ack.
        ack: MessageAck,
    },
    /// A ticket changed: `ticket:update`.
    TicketUpdated {
        /// The ticket after the change.
        ticket: Box<Ticket>,
        /// Its contact.
        contact: Option<Box<Contact>>,
    },
    /// A ticket entered `pending`: `notification:new`.
    TicketPending {
        /// The ticket.
        ticket: Box<Ticket>,
        /// Its contact.
        contact: Option<Box<Contact>>,
    },
    /// A contact was created or changed: `{t}:contactList`.
    ContactUpdated {
        /// The contact.
        contact: Box<Contact>,
    },
    /// A contact was deleted.
    ContactDeleted {
        /// The contact as it was.
        contact: Box<Contact>,
    },
    /// A channel was created or changed: `{t}:whatsapp` update.
    ChannelUpdated {
        /// The channel.
        channel: Box<Channel>,
    },
    /// A channel's session changed (status, QR code, number): `{t}:whatsappSession`.
    SessionUpdated {
        /// The channel after the change.
        channel: Box<Channel>,
    },
    /// A channel was deleted: `{t}:whatsapp` delete.
    ChannelDeleted {
        /// Tenant.
        tenant: TenantId,
        /// The deleted channel's id.
        id: WhatsappId,
    },
    /// A setting changed.
    SettingUpdated {
        /// The setting.
        setting: Box<Setting>,
    },
}

impl DomainEvent {
    /// The only tenant allowed to see this event.
    pub fn tenant(&self) -> TenantId {
        match self {
            DomainEvent::MessageCreated { message, .. }
            | DomainEvent::MessageUpdated { message } => message.tenant_id,
            DomainEvent::MessageAck { tenant, .. } | DomainEvent::ChannelDeleted { tenant, .. } => {
                *tenant
            }
            DomainEvent::TicketUpdated { ticket, .. }
            | DomainEvent::TicketPending { ticket, .. } => ticket.tenant_id,
            DomainEvent::ContactUpdated { contact } | DomainEvent::ContactDeleted { contact } => {
                contact.tenant_id
            }
            DomainEvent::ChannelUpdated { channel } | DomainEvent::SessionUpdated { channel } => {
                channel.tenant_id
            }
            DomainEvent::SettingUpdated { setting } => setting.tenant_id,
        }
    }
}

/// Delivers events to whoever listens (the realtime gateway). Publishing never fails the
/// change that caused it: the data is already committed; a lost event is repaired by the
/// client's next read.
pub trait EventPublisher: Send + Sync {
    /// Publishes one event.
    fn publish(&self, event: DomainEvent);
}

/// Drops every event: for commands that run without a realtime gateway.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoopPublisher;

impl EventPublisher for NoopPublisher {
    fn publish(&self, _event: DomainEvent) {}
}

/// Keeps every event in memory, for tests and diagnostics.
#[derive(Debug, Default, Clone)]
pub struct RecordingPublisher {
    events: Arc<Mutex<Vec<DomainEvent>>>,
}

impl RecordingPublisher {
    /// Everything published so far.
    pub fn events(&self) -> Vec<DomainEvent> {
        self.events.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

impl EventPublisher for RecordingPublisher {
    fn publish(&self, event: DomainEvent) {
        if let Ok(mut events) = self.events.lock() {
            events.push(event);
        }
    }
}
