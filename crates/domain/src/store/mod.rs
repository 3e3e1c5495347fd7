//! Ports for data: one trait per aggregate, each method taking the caller's [`TenantCtx`]
//! (or, for platform work, a [`PlatformCtx`]). Implementations apply the context's tenant to
//! every read and write; a row of another tenant is indistinguishable from a missing row.
//!
//! [`TenantCtx`]: crate::TenantCtx
//! [`PlatformCtx`]: crate::PlatformCtx

pub mod campaigns;
pub mod channels;
pub mod chat_flows;
pub mod contacts;
pub mod fast_replies;
pub mod inbox;
pub mod messages;
pub mod page;
pub mod protocols;
pub mod queues;
pub mod settings;
pub mod tags;
pub mod tenants;
pub mod ticket_logs;
pub mod tickets;
pub mod users;

use std::sync::Arc;

pub use page::{Page, PageRequest};

/// Every store, as trait objects, for wiring services and handlers.
#[derive(Clone)]
pub struct Stores {
    /// Tenants and the global login lookup.
    pub tenants: Arc<dyn tenants::TenantStore>,
    /// Users and their queues.
    pub users: Arc<dyn users::UserStore>,
    /// Department queues.
    pub queues: Arc<dyn queues::QueueStore>,
    /// Contacts with tags, wallets and custom fields.
    pub contacts: Arc<dyn contacts::ContactStore>,
    /// Tickets.
    pub tickets: Arc<dyn tickets::TicketStore>,
    /// Messages.
    pub messages: Arc<dyn messages::MessageStore>,
    /// The inbound write of channel sessions (contact, ticket, message in one transaction).
    pub inbox: Arc<dyn inbox::InboxStore>,
    /// Channels (`Whatsapps`).
    pub channels: Arc<dyn channels::ChannelStore>,
    /// Per-tenant settings.
    pub settings: Arc<dyn settings::SettingStore>,
    /// Contact tags.
    pub tags: Arc<dyn tags::TagStore>,
    /// Quick replies.
    pub fast_replies: Arc<dyn fast_replies::FastReplyStore>,
    /// Campaigns and their contacts.
    pub campaigns: Arc<dyn campaigns::CampaignStore>,
    /// Protocol events.
    pub protocols: Arc<dyn protocols::ProtocolStore>,
    /// Ticket audit log.
    pub ticket_logs: Arc<dyn ticket_logs::TicketLogStore>,
    /// Chat-bot flow definitions.
    pub chat_flows: Arc<dyn chat_flows::ChatFlowStore>,
}
