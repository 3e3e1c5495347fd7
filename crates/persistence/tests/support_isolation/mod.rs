//! Helpers of the tenant-isolation and concurrency suites: a migrated database per backend, a
//! complete data set for one tenant made through the stores, and a snapshot of everything a
//! tenant owns, read back through its own context, so that "B's data is unchanged" is one
//! `assert_eq!` of whole structs.

#![allow(
    dead_code,
    reason = "shared by the tenant_isolation and concurrency test crates; each uses a part"
)]
#![allow(
    clippy::expect_used,
    reason = "test fixtures: a broken fixture must stop the test loudly"
)]

use chrono::{TimeZone, Utc};
use tiktickets_domain::enums::{
    ChannelType, MessageAck, MessageStatus, ProtocolStatus, TenantStatus, TicketChannel,
    TicketLogType, TicketStatus, UserProfile,
};
use tiktickets_domain::ids::{ContactId, QueueId, TicketId, UserId, WhatsappId};
use tiktickets_domain::phone::{ContactNumber, normalize};
use tiktickets_domain::store::campaigns::{Campaign, CampaignContact, CampaignInput};
use tiktickets_domain::store::channels::{Channel, ChannelInput};
use tiktickets_domain::store::contacts::{Contact, ContactInput, CustomField, CustomFieldInput};
use tiktickets_domain::store::fast_replies::{FastReply, FastReplyInput};
use tiktickets_domain::store::messages::{Message, NewMessage};
use tiktickets_domain::store::protocols::{NewProtocol, Protocol};
use tiktickets_domain::store::queues::{Queue, QueueInput};
use tiktickets_domain::store::settings::Setting;
use tiktickets_domain::store::tags::{Tag, TagInput};
use tiktickets_domain::store::tenants::{NewTenant, Tenant};
use tiktickets_domain::store::ticket_logs::{NewTicketLog, TicketLog};
use tiktickets_domain::store::tickets::{NewTicket, Ticket, TicketQuery};
use tiktickets_domain::store::users::{NewUser, User};
use tiktickets_domain::store::{PageRequest, Stores};
use tiktickets_domain::{PlatformCtx, TenantCtx};
use tiktickets_persistence::{Db, build_stores};
use tiktickets_test_support::TestDb;

/// A migrated database and its stores. Fields drop in order: stores, pool, then the database.
pub struct Env {
    pub stores: Stores,
    pub db: Db,
    pub tdb: TestDb,
}

impl Env {
    /// Connects to `tdb`, migrates it and builds the stores.
    pub async fn open(tdb: TestDb) -> Env {
        let name = tdb.backend_name();
        let db = Db::connect(tdb.url())
            .await
            .unwrap_or_else(|e| panic!("[{name}] connect: {e}"));
        db.migrate_up()
            .await
            .unwrap_or_else(|e| panic!("[{name}] migrate: {e}"));
        let stores = build_stores(&db);
        Env { stores, db, tdb }
    }

    /// `"sqlite"` or `"postgres"`, for assertion messages.
    pub fn backend(&self) -> &'static str {
        self.tdb.backend_name()
    }
}

/// An active tenant with generous quotas.
pub async fn new_tenant(stores: &Stores, name: &str) -> Tenant {
    stores
        .tenants
        .create(
            &PlatformCtx::system(),
            NewTenant {
                name: name.to_owned(),
                status: TenantStatus::Active,
                max_users: 50,
                max_connections: 50,
                business_hours: serde_json::json!([]),
                message_business_hours: None,
            },
        )
        .await
        .expect("create tenant")
}

/// A normalised number (the literal must be valid).
pub fn number(raw: &str) -> ContactNumber {
    normalize(raw).expect("valid number")
}

/// A WhatsApp channel input.
pub fn channel_input(name: &str, is_default: bool) -> ChannelInput {
    ChannelInput {
        name: name.to_owned(),
        r#type: ChannelType::Whatsapp,
        is_default,
        is_active: true,
        farewell_message: Some(format!("Tchau from {name}")),
        chat_flow_id: None,
        token_telegram: None,
        instagram_user: None,
        instagram_key: None,
        token_api: None,
        waba_bsp: None,
        fb_page_id: None,
    }
}

/// An inbound text message.
pub fn inbound_message(
    ticket: TicketId,
    contact: Option<ContactId>,
    provider_id: Option<&str>,
    body: &str,
) -> NewMessage {
    NewMessage {
        message_id: provider_id.map(str::to_owned),
        ticket_id: ticket,
        contact_id: contact,
        body: body.to_owned(),
        from_me: false,
        read: false,
        media_type: None,
        media_url: None,
        quoted_msg_id: None,
        timestamp: Some(1_700_000_000),
        user_id: None,
        schedule_date: None,
        send_type: None,
        status: Some(MessageStatus::Received),
        ack: MessageAck::Pending,
        id_front: None,
        poll_data: None,
    }
}

/// A campaign input on `channel`.
pub fn campaign_input(name: &str, channel: WhatsappId) -> CampaignInput {
    CampaignInput {
        name: name.to_owned(),
        start: Utc
            .with_ymd_and_hms(2030, 1, 2, 12, 0, 0)
            .single()
            .expect("valid date"),
        end: None,
        session_id: channel,
        message1: "Oi {name}, 1".to_owned(),
        message2: "Oi {name}, 2".to_owned(),
        message3: "Oi {name}, 3".to_owned(),
        media_url: None,
        media_type: None,
        delay: 10,
    }
}

/// Every ticket of the caller's tenant (one page of up to 1000).
pub fn all_tickets() -> TicketQuery {
    TicketQuery::all(PageRequest::first(PageRequest::MAX_SIZE))
}

/// The biggest page.
pub fn big_page() -> PageRequest {
    PageRequest::first(PageRequest::MAX_SIZE)
}

/// One tenant with one row of every kind, all made through the stores.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub label: &'static str,
    pub tenant: Tenant,
    /// The admin's context (the tenant's normal caller in these tests).
    pub cx: TenantCtx,
    pub agent_cx: TenantCtx,
    pub system_cx: TenantCtx,
    pub admin: User,
    pub agent: User,
    pub queue: Queue,
    pub tag: Tag,
    /// The contact with the ticket.
    pub contact: Contact,
    pub contact_number: ContactNumber,
    /// A contact with no ticket (deletable), in the campaign too.
    pub lead: Contact,
    pub lead_number: ContactNumber,
    pub custom_field: CustomField,
    pub channel: Channel,
    pub ticket: Ticket,
    pub message: Message,
    /// The WhatsApp id of `message`.
    pub provider_id: String,
    /// `daysToClose`, present in every fixture with a tenant-specific value.
    pub setting: Setting,
    /// A key only this tenant has (`only<label>`).
    pub own_setting: Setting,
    pub fast_reply: FastReply,
    pub campaign: Campaign,
    pub protocol: Protocol,
    pub log: TicketLog,
}

/// The channel name every fixture uses (channel names are unique per tenant only).
pub const CHANNEL_NAME: &str = "Whatsapp 01";
/// The setting key every fixture sets (keys are unique per tenant only).
pub const SHARED_KEY: &str = "daysToClose";

/// Builds the fixture of a new tenant. `label` ("A", "B") names everything; `area` (a Brazilian
/// area code such as "11") makes the phone numbers distinct per tenant.
pub async fn make_fixture(stores: &Stores, label: &'static str, area: &str) -> Fixture {
    let lower = label.to_lowercase();
    let tenant = new_tenant(stores, &format!("Tenant {label}")).await;
    let system_cx = TenantCtx::system(tenant.id);
    let admin = stores
        .users
        .create(
            &system_cx,
            NewUser {
                name: format!("Admin {label}"),
                email: format!("admin@{lower}.example"),
                password_hash: format!("hash-admin-{lower}"),
                profile: UserProfile::Admin,
                configs: Some(serde_json::json!({ "theme": lower })),
            },
        )
        .await
        .expect("create admin");
    let cx = TenantCtx::from_verified(tenant.id, admin.id, UserProfile::Admin);
    let agent = stores
        .users
        .create(
            &cx,
            NewUser {
                name: format!("Agent {label}"),
                email: format!("agent@{lower}.example"),
                password_hash: format!("hash-agent-{lower}"),
                profile: UserProfile::User,
                configs: None,
            },
        )
        .await
        .expect("create agent");
    let agent_cx = TenantCtx::from_verified(tenant.id, agent.id, UserProfile::User);

    let queue = stores
        .queues
        .create(
            &cx,
            QueueInput {
                queue: format!("Suporte {label}"),
                is_active: true,
            },
        )
        .await
        .expect("create queue");
    stores
        .users
        .set_queues(&cx, agent.id, &[queue.id])
        .await
        .expect("link agent to queue");

    let tag = stores
        .tags
        .create(
            &cx,
            TagInput {
                tag: format!("VIP {label}"),
                color: "#ff0000".to_owned(),
                is_active: true,
                auto_tag: Some(format!("vip{lower}")),
            },
        )
        .await
        .expect("create tag");

    let contact_number = number(&format!("55{area}988880001"));
    let contact = stores
        .contacts
        .create(
            &cx,
            ContactInput {
                name: format!("Cliente {label}"),
                number: Some(contact_number.clone()),
                email: Some(format!("cliente@{lower}.example")),
                profile_pic_url: Some(format!("https://pics.example/{lower}.png")),
            },
        )
        .await
        .expect("create contact");
    let lead_number = number(&format!("55{area}988880002"));
    let lead = stores
        .contacts
        .create(
            &cx,
            ContactInput {
                name: format!("Lead {label}"),
                number: Some(lead_number.clone()),
                email: None,
                profile_pic_url: None,
            },
        )
        .await
        .expect("create lead");
    stores
        .contacts
        .set_tags(&cx, contact.id, &[tag.id])
        .await
        .expect("tag contact");
    stores
        .contacts
        .set_wallets(&cx, contact.id, &[agent.id])
        .await
        .expect("wallet of contact");
    let fields = stores
        .contacts
        .set_custom_fields(
            &cx,
            contact.id,
            vec![CustomFieldInput {
                id: None,
                name: "CPF".to_owned(),
                value: format!("cpf-{lower}"),
            }],
        )
        .await
        .expect("custom field");
    let custom_field = fields.into_iter().next().expect("one custom field");

    let channel = stores
        .channels
        .create(&cx, channel_input(CHANNEL_NAME, true))
        .await
        .expect("create channel");

    let ticket = stores
        .tickets
        .create(
            &cx,
            NewTicket {
                contact_id: contact.id,
                whatsapp_id: Some(channel.id),
                status: TicketStatus::Open,
                user_id: Some(agent.id),
                queue_id: Some(queue.id),
                is_group: false,
                channel: TicketChannel::Whatsapp,
                is_active_demand: true,
            },
        )
        .await
        .expect("create ticket");
    let provider_id = format!("wamid.{label}.0001");
    let message = stores
        .messages
        .insert(
            &cx,
            inbound_message(
                ticket.id,
                Some(contact.id),
                Some(&provider_id),
                &format!("Olá, sou o cliente {label}"),
            ),
        )
        .await
        .expect("insert message")
        .message;
    let ticket = stores
        .tickets
        .record_message(&cx, ticket.id, &message.body, 1_700_000_000_000, false)
        .await
        .expect("record message");

    let setting = stores
        .settings
        .upsert(&cx, SHARED_KEY, if label == "A" { "7" } else { "14" })
        .await
        .expect("setting");
    let own_setting = stores
        .settings
        .upsert(&cx, &format!("only{label}"), label)
        .await
        .expect("own setting");

    let fast_reply = stores
        .fast_replies
        .create(
            &cx,
            FastReplyInput {
                key: format!("oi{lower}"),
                message: format!("Olá, aqui é a empresa {label}"),
                medias: Some(vec![format!("{lower}.png")]),
            },
        )
        .await
        .expect("fast reply");

    let campaign = stores
        .campaigns
        .create(
            &cx,
            campaign_input(&format!("Campanha {label}"), channel.id),
        )
        .await
        .expect("campaign");
    stores
        .campaigns
        .add_contacts(&cx, campaign.id, &[contact.id, lead.id])
        .await
        .expect("campaign contacts");

    let protocol = stores
        .protocols
        .append(
            &cx,
            NewProtocol {
                protocol_number: format!("({label})-1"),
                status: ProtocolStatus::Aber,
                ticket_id: ticket.id,
                user_id: Some(admin.id),
                user_name: Some(admin.name.clone()),
            },
        )
        .await
        .expect("protocol");
    let log = stores
        .ticket_logs
        .append(
            &cx,
            NewTicketLog {
                ticket_id: ticket.id,
                r#type: TicketLogType::Create,
                user_id: Some(agent.id),
                queue_id: Some(queue.id),
            },
        )
        .await
        .expect("ticket log");

    Fixture {
        label,
        tenant,
        cx,
        agent_cx,
        system_cx,
        admin,
        agent,
        queue,
        tag,
        contact,
        contact_number,
        lead,
        lead_number,
        custom_field,
        channel,
        ticket,
        message,
        provider_id,
        setting,
        own_setting,
        fast_reply,
        campaign,
        protocol,
        log,
    }
}

/// Everything a tenant owns, read through its own context with every read method there is.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub tenant: Tenant,
    pub users: Vec<User>,
    pub user_count: u64,
    pub password_hashes: Vec<(UserId, String)>,
    pub user_queues: Vec<(UserId, Vec<Queue>)>,
    pub queues: Vec<Queue>,
    pub contacts: Vec<Contact>,
    pub contact_tags: Vec<(ContactId, Vec<Tag>)>,
    pub contact_wallets: Vec<(ContactId, Vec<UserId>)>,
    pub contact_fields: Vec<(ContactId, Vec<CustomField>)>,
    pub tickets: Vec<Ticket>,
    pub messages: Vec<(TicketId, Vec<Message>)>,
    pub protocols: Vec<(TicketId, Vec<Protocol>)>,
    pub ticket_logs: Vec<(TicketId, Vec<TicketLog>)>,
    pub channels: Vec<Channel>,
    pub settings: Vec<Setting>,
    pub tags: Vec<Tag>,
    pub fast_replies: Vec<FastReply>,
    pub campaigns: Vec<Campaign>,
    pub campaign_contacts: Vec<(i32, Vec<CampaignContact>)>,
}

/// Reads everything of the tenant of `cx`.
pub async fn snapshot(stores: &Stores, cx: &TenantCtx) -> Snapshot {
    let tenant = stores.tenants.current(cx).await.expect("current tenant");
    let users = stores
        .users
        .list(cx, None, big_page())
        .await
        .expect("users")
        .items;
    let user_count = stores.users.count(cx).await.expect("user count");
    let mut password_hashes = Vec::new();
    let mut user_queues = Vec::new();
    for u in &users {
        password_hashes.push((
            u.id,
            stores
                .users
                .password_hash(cx, u.id)
                .await
                .expect("password hash"),
        ));
        user_queues.push((
            u.id,
            stores.users.queues(cx, u.id).await.expect("user queues"),
        ));
    }
    let queues = stores.queues.list(cx).await.expect("queues");
    let contacts = stores
        .contacts
        .list(cx, None, big_page())
        .await
        .expect("contacts")
        .items;
    let mut contact_tags = Vec::new();
    let mut contact_wallets = Vec::new();
    let mut contact_fields = Vec::new();
    for c in &contacts {
        contact_tags.push((c.id, stores.contacts.tags(cx, c.id).await.expect("tags")));
        contact_wallets.push((
            c.id,
            stores.contacts.wallets(cx, c.id).await.expect("wallets"),
        ));
        contact_fields.push((
            c.id,
            stores
                .contacts
                .custom_fields(cx, c.id)
                .await
                .expect("custom fields"),
        ));
    }
    let tickets = stores
        .tickets
        .list(cx, &all_tickets())
        .await
        .expect("tickets")
        .items;
    let mut messages = Vec::new();
    let mut protocols = Vec::new();
    let mut ticket_logs = Vec::new();
    for t in &tickets {
        messages.push((
            t.id,
            stores
                .messages
                .list_for_ticket(cx, t.id, big_page())
                .await
                .expect("messages")
                .items,
        ));
        protocols.push((
            t.id,
            stores
                .protocols
                .list_for_ticket(cx, t.id)
                .await
                .expect("protocols"),
        ));
        ticket_logs.push((
            t.id,
            stores
                .ticket_logs
                .list_for_ticket(cx, t.id)
                .await
                .expect("ticket logs"),
        ));
    }
    let channels = stores.channels.list(cx).await.expect("channels");
    let settings = stores.settings.list(cx).await.expect("settings");
    let tags = stores.tags.list(cx, false).await.expect("tags");
    let fast_replies = stores.fast_replies.list(cx).await.expect("fast replies");
    let campaigns = stores.campaigns.list(cx).await.expect("campaigns");
    let mut campaign_contacts = Vec::new();
    for c in &campaigns {
        campaign_contacts.push((
            c.id.get(),
            stores
                .campaigns
                .contacts(cx, c.id)
                .await
                .expect("campaign contacts"),
        ));
    }
    Snapshot {
        tenant,
        users,
        user_count,
        password_hashes,
        user_queues,
        queues,
        contacts,
        contact_tags,
        contact_wallets,
        contact_fields,
        tickets,
        messages,
        protocols,
        ticket_logs,
        channels,
        settings,
        tags,
        fast_replies,
        campaigns,
        campaign_contacts,
    }
}

/// Ids that exist in no tenant of a fresh test database.
pub const MISSING: i32 = 999_999;

/// A queue id no tenant has.
pub fn missing_queue() -> QueueId {
    QueueId::new(MISSING)
}
