//! The tenant of new rows: rows mirroring B's, created through A's context, are A's.

use super::*;

use tiktickets_domain::enums::{TicketChannel, TicketStatus};
use tiktickets_domain::store::contacts::{ContactInput, CustomFieldInput, InboundContact};
use tiktickets_domain::store::fast_replies::FastReplyInput;
use tiktickets_domain::store::protocols::NewProtocol;
use tiktickets_domain::store::queues::QueueInput;
use tiktickets_domain::store::tags::TagInput;
use tiktickets_domain::store::ticket_logs::NewTicketLog;
use tiktickets_domain::store::tickets::{InboundResolution, InboundTicketRequest, NewTicket};
use tiktickets_domain::store::users::NewUser;
use tiktickets_domain::{DomainError, Result};
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- the tenant of new rows

#[tokio::test]
async fn new_rows_take_the_tenant_of_the_context() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        let cx = a.cx;
        let at = |what: &str| format!("[{backend}] {what} created through A's context");

        // Everything mirrors B's rows; only the context says A.
        let user = s
            .users
            .create(
                &cx,
                NewUser {
                    name: b.admin.name.clone(),
                    email: "mirror-of-admin@b.example".to_owned(),
                    password_hash: "hash-admin-b".to_owned(),
                    profile: b.admin.profile,
                    configs: b.admin.configs.clone(),
                },
            )
            .await
            .expect("user");
        assert_eq!(user.tenant_id, a.tenant.id, "{}", at("user"));
        let queue = s
            .queues
            .create(
                &cx,
                QueueInput {
                    queue: b.queue.queue.clone(),
                    is_active: b.queue.is_active,
                },
            )
            .await
            .expect("queue");
        assert_eq!(queue.tenant_id, a.tenant.id, "{}", at("queue"));
        s.users
            .set_queues(&cx, user.id, &[queue.id])
            .await
            .expect("user queue");
        let tag = s
            .tags
            .create(
                &cx,
                TagInput {
                    tag: b.tag.tag.clone(),
                    color: b.tag.color.clone(),
                    is_active: b.tag.is_active,
                    auto_tag: b.tag.auto_tag.clone(),
                },
            )
            .await
            .expect("tag");
        assert_eq!(tag.tenant_id, a.tenant.id, "{}", at("tag"));
        let contact = s
            .contacts
            .create(
                &cx,
                ContactInput {
                    name: b.contact.name.clone(),
                    number: Some(b.contact_number.clone()),
                    email: b.contact.email.clone(),
                    profile_pic_url: b.contact.profile_pic_url.clone(),
                },
            )
            .await
            .expect("contact with B's number");
        assert_eq!(contact.tenant_id, a.tenant.id, "{}", at("contact"));
        assert_ne!(contact.id, b.contact.id, "[{backend}]");
        let inbound = s
            .contacts
            .upsert_inbound(
                &a.system_cx,
                InboundContact {
                    number: b.lead_number.clone(),
                    name: Some(b.lead.name.clone()),
                    pushname: None,
                    profile_pic_url: None,
                    is_user: None,
                    is_wa_contact: None,
                },
            )
            .await
            .expect("inbound contact with B's lead number");
        assert_eq!(inbound.tenant_id, a.tenant.id, "{}", at("inbound contact"));
        assert_ne!(inbound.id, b.lead.id, "[{backend}]");
        s.contacts
            .set_tags(&cx, contact.id, &[tag.id])
            .await
            .expect("tags");
        s.contacts
            .set_wallets(&cx, contact.id, &[user.id])
            .await
            .expect("wallets");
        let fields = s
            .contacts
            .set_custom_fields(
                &cx,
                contact.id,
                vec![CustomFieldInput {
                    id: None,
                    name: b.custom_field.name.clone(),
                    value: b.custom_field.value.clone(),
                }],
            )
            .await
            .expect("custom fields");
        assert!(
            fields.iter().all(|f| f.contact_id == contact.id),
            "{}",
            at("custom field")
        );

        // A channel with B's very name, after A renames its own.
        s.channels
            .update(&cx, a.channel.id, channel_input("Whatsapp A", true))
            .await
            .expect("rename A's channel");
        let channel = s
            .channels
            .create(&cx, channel_input(&b.channel.name, b.channel.is_default))
            .await
            .expect("channel with B's name");
        assert_eq!(channel.tenant_id, a.tenant.id, "{}", at("channel"));

        let (ticket, how) = s
            .tickets
            .find_or_create_for_inbound(
                &a.system_cx,
                InboundTicketRequest {
                    contact_id: contact.id,
                    whatsapp_id: channel.id,
                    from_me: false,
                    is_group: b.ticket.is_group,
                    channel: TicketChannel::Whatsapp,
                    unread_count: 1,
                },
            )
            .await
            .expect("inbound ticket");
        assert_eq!(how, InboundResolution::Created, "[{backend}]");
        assert_eq!(ticket.tenant_id, a.tenant.id, "{}", at("inbound ticket"));
        let manual = s
            .tickets
            .create(
                &cx,
                NewTicket {
                    contact_id: inbound.id,
                    whatsapp_id: Some(channel.id),
                    status: TicketStatus::Open,
                    user_id: Some(user.id),
                    queue_id: Some(queue.id),
                    is_group: false,
                    channel: TicketChannel::Whatsapp,
                    is_active_demand: true,
                },
            )
            .await
            .expect("ticket");
        assert_eq!(manual.tenant_id, a.tenant.id, "{}", at("ticket"));

        let stored = s
            .messages
            .insert(
                &a.system_cx,
                inbound_message(
                    ticket.id,
                    Some(contact.id),
                    Some(&b.provider_id),
                    &b.message.body,
                ),
            )
            .await
            .expect("message with B's WhatsApp id");
        assert!(!stored.duplicate, "[{backend}]");
        assert_eq!(stored.message.tenant_id, a.tenant.id, "{}", at("message"));
        s.tickets
            .record_message(&a.system_cx, ticket.id, &b.message.body, 1, false)
            .await
            .expect("record");

        let setting = s
            .settings
            .upsert(&cx, &b.own_setting.key, &b.own_setting.value)
            .await
            .expect("setting with B's key");
        assert_eq!(setting.tenant_id, a.tenant.id, "{}", at("setting"));
        let reply = s
            .fast_replies
            .create(
                &cx,
                FastReplyInput {
                    key: b.fast_reply.key.clone(),
                    message: b.fast_reply.message.clone(),
                    medias: b.fast_reply.medias.clone(),
                },
            )
            .await
            .expect("fast reply");
        assert_eq!(reply.tenant_id, a.tenant.id, "{}", at("fast reply"));
        let campaign = s
            .campaigns
            .create(&cx, campaign_input(&b.campaign.name, channel.id))
            .await
            .expect("campaign");
        assert_eq!(campaign.tenant_id, a.tenant.id, "{}", at("campaign"));
        s.campaigns
            .add_contacts(&cx, campaign.id, &[contact.id, inbound.id])
            .await
            .expect("campaign contacts");
        let protocol = s
            .protocols
            .append(
                &cx,
                NewProtocol {
                    protocol_number: b.protocol.protocol_number.clone(),
                    status: b.protocol.status,
                    ticket_id: ticket.id,
                    user_id: Some(user.id),
                    user_name: b.protocol.user_name.clone(),
                },
            )
            .await
            .expect("protocol");
        assert_eq!(protocol.tenant_id, a.tenant.id, "{}", at("protocol"));
        assert_eq!(protocol.contact_id, Some(contact.id), "[{backend}]");
        let log = s
            .ticket_logs
            .append(
                &cx,
                NewTicketLog {
                    ticket_id: ticket.id,
                    r#type: b.log.r#type,
                    user_id: Some(user.id),
                    queue_id: Some(queue.id),
                },
            )
            .await
            .expect("log");
        assert_eq!(log.ticket_id, ticket.id, "[{backend}]");

        // B sees none of the new rows, and its own data did not change.
        let bcx = b.cx;
        let not_found = |what: &str, r: Result<()>| {
            assert!(
                matches!(r, Err(DomainError::NotFound { .. })),
                "[{backend}] B reads A's new {what}: {r:?}"
            );
        };
        not_found("user", s.users.get(&bcx, user.id).await.map(drop));
        not_found("queue", s.queues.get(&bcx, queue.id).await.map(drop));
        not_found("tag", s.tags.get(&bcx, tag.id).await.map(drop));
        not_found("contact", s.contacts.get(&bcx, contact.id).await.map(drop));
        not_found("channel", s.channels.get(&bcx, channel.id).await.map(drop));
        not_found("ticket", s.tickets.get(&bcx, ticket.id).await.map(drop));
        not_found(
            "message",
            s.messages.get(&bcx, &stored.message.id).await.map(drop),
        );
        not_found(
            "fast reply",
            s.fast_replies.get(&bcx, reply.id).await.map(drop),
        );
        not_found(
            "campaign",
            s.campaigns.get(&bcx, campaign.id).await.map(drop),
        );
        not_found(
            "protocols",
            s.protocols.list_for_ticket(&bcx, ticket.id).await.map(drop),
        );
        not_found(
            "ticket logs",
            s.ticket_logs
                .list_for_ticket(&bcx, ticket.id)
                .await
                .map(drop),
        );
        m.b_unchanged("mirrored rows created through A").await;

        let a_now = snapshot(&s, &cx).await;
        let b_now = snapshot(&s, &bcx).await;
        assert_only_own(backend, "A after mirroring", &a_now, a.tenant.id, &b_now);
        assert_only_own(backend, "B after A mirrored", &b_now, b.tenant.id, &a_now);
        assert_eq!(a_now.tickets.len(), 3, "[{backend}] A's tickets");
    }
}
