//! Data that only WhatsApp could create through the API (inbound messages) or that many tests
//! need (a channel), written through the same domain stores the server uses.

#![allow(
    clippy::expect_used,
    reason = "test fixtures: a broken fixture must stop the test"
)]

use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{MediaType, MessageAck, MessageStatus, TicketChannel};
use tiktickets_domain::ids::{TenantId, WhatsappId};
use tiktickets_domain::phone::normalize;
use tiktickets_domain::store::channels::ChannelInput;
use tiktickets_domain::store::contacts::InboundContact;
use tiktickets_domain::store::messages::NewMessage;
use tiktickets_domain::store::tickets::InboundTicketRequest;

use crate::harness::{Session, TestServer};

/// The system context of a session's tenant.
pub fn system_cx(s: &Session) -> TenantCtx {
    TenantCtx::system(TenantId::from_verified(
        i32::try_from(s.tenant_id).expect("tenant id"),
    ))
}

/// An inbound message that landed in the inbox.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// Ticket id.
    pub ticket_id: i64,
    /// Contact id.
    pub contact_id: i64,
    /// Our message id.
    pub message_id: String,
}

impl TestServer {
    /// The tenant's default channel, created (as "WhatsApp <tenant>") when it has none.
    pub async fn channel_of(&self, s: &Session) -> i32 {
        let cx = system_cx(s);
        let stores = &self.prepared.state.stores;
        let channels = stores.channels.list(&cx).await.expect("channels");
        if let Some(c) = channels.iter().find(|c| c.is_default).or(channels.first()) {
            return c.id.get();
        }
        stores
            .channels
            .create(
                &cx,
                ChannelInput {
                    name: format!("WhatsApp {}", s.tenant_id),
                    r#type: tiktickets_domain::enums::ChannelType::Whatsapp,
                    is_default: true,
                    is_active: true,
                    farewell_message: None,
                    chat_flow_id: None,
                    token_telegram: None,
                    instagram_user: None,
                    instagram_key: None,
                    token_api: None,
                    waba_bsp: None,
                    fb_page_id: None,
                },
            )
            .await
            .expect("create channel")
            .id
            .get()
    }

    /// A text message from `number` to the tenant, as the WhatsApp session will store it:
    /// contact upsert, find-or-create ticket, idempotent insert, ticket counters.
    pub async fn inbound(&self, s: &Session, number: &str, name: &str, text: &str) -> Inbound {
        let cx = system_cx(s);
        let stores = &self.prepared.state.stores;
        let channel = WhatsappId::new(self.channel_of(s).await);
        let contact = stores
            .contacts
            .upsert_inbound(
                &cx,
                InboundContact {
                    number: normalize(number).expect("number"),
                    name: Some(name.to_owned()),
                    pushname: Some(name.to_owned()),
                    profile_pic_url: None,
                    is_user: Some(true),
                    is_wa_contact: Some(true),
                },
            )
            .await
            .expect("contact");
        let (ticket, _) = stores
            .tickets
            .find_or_create_for_inbound(
                &cx,
                InboundTicketRequest {
                    contact_id: contact.id,
                    whatsapp_id: channel,
                    from_me: false,
                    is_group: false,
                    channel: TicketChannel::Whatsapp,
                    unread_count: 0,
                },
            )
            .await
            .expect("ticket");
        let now = chrono::Utc::now();
        let inserted = stores
            .messages
            .insert(
                &cx,
                NewMessage {
                    message_id: Some(format!("WA{}", uuid::Uuid::new_v4().simple())),
                    ticket_id: ticket.id,
                    contact_id: Some(contact.id),
                    body: text.to_owned(),
                    from_me: false,
                    read: false,
                    media_type: Some(MediaType::Chat),
                    media_url: None,
                    quoted_msg_id: None,
                    timestamp: Some(now.timestamp()),
                    user_id: None,
                    schedule_date: None,
                    send_type: None,
                    status: Some(MessageStatus::Received),
                    ack: MessageAck::Pending,
                    id_front: None,
                    poll_data: None,
                },
            )
            .await
            .expect("message");
        stores
            .tickets
            .record_message(&cx, ticket.id, text, now.timestamp_millis(), false)
            .await
            .expect("record");
        Inbound {
            ticket_id: i64::from(ticket.id.get()),
            contact_id: i64::from(contact.id.get()),
            message_id: inserted.message.id.to_string(),
        }
    }
}
