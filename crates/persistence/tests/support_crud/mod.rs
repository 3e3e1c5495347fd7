//! Fixtures of the store CRUD suites (`crud_*.rs`): a migrated database with one tenant and its
//! admin, builders for valid inputs, and assertions on `DomainError` variants and codes.
//!
//! Every suite includes this module; each uses only part of it.

#![allow(
    dead_code,
    reason = "each crud_* test binary uses a different subset of the fixtures"
)]
#![allow(
    clippy::expect_used,
    reason = "test fixtures: a broken fixture must stop the test"
)]

use std::fmt::Debug;

use chrono::{DateTime, TimeZone, Utc};
use tiktickets_domain::enums::{
    ChannelType, MessageAck, TenantStatus, TicketChannel, TicketStatus, UserProfile,
};
use tiktickets_domain::ids::{ContactId, QueueId, TenantId, UserId, WhatsappId};
use tiktickets_domain::phone::{self, ContactNumber};
use tiktickets_domain::store::campaigns::CampaignInput;
use tiktickets_domain::store::channels::{Channel, ChannelInput};
use tiktickets_domain::store::contacts::{Contact, ContactInput};
use tiktickets_domain::store::messages::NewMessage;
use tiktickets_domain::store::queues::{Queue, QueueInput};
use tiktickets_domain::store::tags::{Tag, TagInput};
use tiktickets_domain::store::tenants::NewTenant;
use tiktickets_domain::store::tickets::{NewTicket, Ticket};
use tiktickets_domain::store::users::{NewUser, User};
use tiktickets_domain::store::{PageRequest, Stores};
use tiktickets_domain::{DomainError, PlatformCtx, TenantCtx};
use tiktickets_persistence::{Db, build_stores};
use tiktickets_test_support::TestDb;

/// A freshly migrated database with one active tenant ("Tenant A") and its admin.
pub struct Env {
    /// Every store.
    pub stores: Stores,
    /// `"sqlite"` or `"postgres"`, for assertion messages.
    pub backend: &'static str,
    /// The tenant.
    pub tenant: TenantId,
    /// Its admin user.
    pub admin: User,
    /// The admin's context.
    pub cx: TenantCtx,
}

impl Env {
    /// Connects to `tdb`, migrates it, and creates the tenant and its admin.
    pub async fn new(tdb: &TestDb) -> Env {
        let backend = tdb.backend_name();
        let db = Db::connect(tdb.url()).await.expect(backend);
        db.migrate_up().await.expect(backend);
        let stores = build_stores(&db);
        let (tenant, admin, cx) = provision(&stores, "Tenant A", "admin@a.example", backend).await;
        Env {
            stores,
            backend,
            tenant,
            admin,
            cx,
        }
    }

    /// A second tenant with its own admin, for cross-tenant rules.
    pub async fn other_tenant(&self, name: &str, admin_email: &str) -> (TenantId, TenantCtx) {
        let (tenant, _, cx) = provision(&self.stores, name, admin_email, self.backend).await;
        (tenant, cx)
    }

    /// A context of the tenant acting as `user` with `profile`.
    pub fn cx_as(&self, user: &User) -> TenantCtx {
        TenantCtx::from_verified(self.tenant, user.id, user.profile)
    }

    /// A user of the tenant.
    pub async fn user(&self, name: &str, email: &str, profile: UserProfile) -> User {
        self.stores
            .users
            .create(&self.cx, new_user(name, email, profile))
            .await
            .expect(self.backend)
    }

    /// A queue of the tenant.
    pub async fn queue(&self, name: &str) -> Queue {
        self.stores
            .queues
            .create(
                &self.cx,
                QueueInput {
                    queue: name.to_owned(),
                    is_active: true,
                },
            )
            .await
            .expect(self.backend)
    }

    /// A contact of the tenant with a (raw, normalised here) number.
    pub async fn contact(&self, name: &str, number: &str) -> Contact {
        self.stores
            .contacts
            .create(&self.cx, contact_input(name, Some(number)))
            .await
            .expect(self.backend)
    }

    /// A WhatsApp channel of the tenant.
    pub async fn channel(&self, name: &str) -> Channel {
        self.stores
            .channels
            .create(&self.cx, channel_input(name, false))
            .await
            .expect(self.backend)
    }

    /// A tag of the tenant.
    pub async fn tag(&self, label: &str, is_active: bool) -> Tag {
        self.stores
            .tags
            .create(&self.cx, tag_input(label, is_active))
            .await
            .expect(self.backend)
    }

    /// A WhatsApp ticket of `contact` on `channel`.
    pub async fn ticket(
        &self,
        contact: ContactId,
        channel: WhatsappId,
        status: TicketStatus,
    ) -> Ticket {
        self.stores
            .tickets
            .create(&self.cx, new_ticket(contact, Some(channel), status))
            .await
            .expect(self.backend)
    }

    /// A contact, a channel and a pending ticket between them.
    pub async fn contact_channel_ticket(&self) -> (Contact, Channel, Ticket) {
        let contact = self.contact("Ticket Contact", "5511988887777").await;
        let channel = self.channel("Ticket Channel").await;
        let ticket = self
            .ticket(contact.id, channel.id, TicketStatus::Pending)
            .await;
        (contact, channel, ticket)
    }
}

async fn provision(
    stores: &Stores,
    name: &str,
    admin_email: &str,
    backend: &str,
) -> (TenantId, User, TenantCtx) {
    let tenant = stores
        .tenants
        .create(&PlatformCtx::system(), new_tenant(name))
        .await
        .expect(backend);
    let system = TenantCtx::system(tenant.id);
    let admin = stores
        .users
        .create(&system, new_user("Admin", admin_email, UserProfile::Admin))
        .await
        .expect(backend);
    let cx = TenantCtx::from_verified(tenant.id, admin.id, UserProfile::Admin);
    (tenant.id, admin, cx)
}

/// A valid active tenant.
pub fn new_tenant(name: &str) -> NewTenant {
    NewTenant {
        name: name.to_owned(),
        status: TenantStatus::Active,
        max_users: 10,
        max_connections: 3,
        business_hours: serde_json::json!([{ "day": 1, "type": "O", "hr1": "08:00" }]),
        message_business_hours: Some("We are closed".to_owned()),
    }
}

/// A valid user; the "hash" is opaque to the store, so no hashing is needed here.
pub fn new_user(name: &str, email: &str, profile: UserProfile) -> NewUser {
    NewUser {
        name: name.to_owned(),
        email: email.to_owned(),
        password_hash: format!("hash-of-{email}"),
        profile,
        configs: None,
    }
}

/// A contact input; `number` goes through `phone::normalize`.
pub fn contact_input(name: &str, number: Option<&str>) -> ContactInput {
    ContactInput {
        name: name.to_owned(),
        number: number.map(|n| phone::normalize(n).expect("fixture numbers are valid")),
        email: None,
        profile_pic_url: None,
    }
}

/// A WhatsApp channel input.
pub fn channel_input(name: &str, is_default: bool) -> ChannelInput {
    ChannelInput {
        name: name.to_owned(),
        r#type: ChannelType::Whatsapp,
        is_default,
        is_active: true,
        farewell_message: None,
        chat_flow_id: None,
        token_telegram: None,
        instagram_user: None,
        instagram_key: None,
        token_api: None,
        waba_bsp: None,
        fb_page_id: None,
    }
}

/// A tag input.
pub fn tag_input(label: &str, is_active: bool) -> TagInput {
    TagInput {
        tag: label.to_owned(),
        color: "#ff0000".to_owned(),
        is_active,
        auto_tag: None,
    }
}

/// A ticket of `contact` with no user and no queue.
pub fn new_ticket(
    contact: ContactId,
    channel: Option<WhatsappId>,
    status: TicketStatus,
) -> NewTicket {
    NewTicket {
        contact_id: contact,
        whatsapp_id: channel,
        status,
        user_id: None,
        queue_id: None,
        is_group: false,
        channel: TicketChannel::Whatsapp,
        is_active_demand: false,
    }
}

/// An inbound text message of `ticket` without a provider id.
pub fn new_message(ticket: &Ticket, body: &str) -> NewMessage {
    NewMessage {
        message_id: None,
        ticket_id: ticket.id,
        contact_id: ticket.contact_id,
        body: body.to_owned(),
        from_me: false,
        read: false,
        media_type: None,
        media_url: None,
        quoted_msg_id: None,
        timestamp: None,
        user_id: None,
        schedule_date: None,
        send_type: None,
        status: None,
        ack: MessageAck::Pending,
        id_front: None,
        poll_data: None,
    }
}

/// Page `n` of `size` rows.
pub fn page(n: u64, size: u64) -> PageRequest {
    PageRequest::new(n, size).expect("valid page")
}

/// A normalised number (fixtures are valid).
pub fn number(raw: &str) -> ContactNumber {
    phone::normalize(raw).expect("valid number")
}

/// A fixed, microsecond-exact instant (compares equal after a database round trip).
pub fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, day, hour, 0, 0)
        .single()
        .expect("valid date")
}

/// A valid campaign on `channel`.
pub fn campaign_input(name: &str, channel: WhatsappId) -> CampaignInput {
    CampaignInput {
        name: name.to_owned(),
        start: at(10, 9),
        end: Some(at(11, 18)),
        session_id: channel,
        message1: "Hello {name} 1".to_owned(),
        message2: "Hello {name} 2".to_owned(),
        message3: "Hello {name} 3".to_owned(),
        media_url: None,
        media_type: None,
        delay: 20,
    }
}

/// Raw ids that no fixture ever creates.
pub const MISSING: i32 = 987_654;

/// Typed missing ids.
pub fn missing_user() -> UserId {
    UserId::new(MISSING)
}
/// A queue id that does not exist.
pub fn missing_queue() -> QueueId {
    QueueId::new(MISSING)
}
/// A contact id that does not exist.
pub fn missing_contact() -> ContactId {
    ContactId::new(MISSING)
}
/// A channel id that does not exist.
pub fn missing_channel() -> WhatsappId {
    WhatsappId::new(MISSING)
}

/// The kinds of `DomainError` a test expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `DomainError::NotFound`.
    NotFound,
    /// `DomainError::Conflict`.
    Conflict,
    /// `DomainError::Invalid`.
    Invalid,
    /// `DomainError::Forbidden`.
    Forbidden,
}

fn kind_of(e: &DomainError) -> Option<Kind> {
    match e {
        DomainError::NotFound { .. } => Some(Kind::NotFound),
        DomainError::Conflict { .. } => Some(Kind::Conflict),
        DomainError::Invalid { .. } => Some(Kind::Invalid),
        DomainError::Forbidden { .. } => Some(Kind::Forbidden),
        DomainError::Unavailable(_) => None,
    }
}

/// Asserts that `result` is the error `kind` with `code`; `what` names the case.
#[track_caller]
pub fn assert_err<T: Debug>(result: Result<T, DomainError>, kind: Kind, code: &str, what: &str) {
    match result {
        Ok(v) => panic!("{what}: expected {kind:?} {code}, got Ok({v:?})"),
        Err(e) => {
            assert_eq!(kind_of(&e), Some(kind), "{what}: wrong error kind: {e:?}");
            assert_eq!(e.code(), code, "{what}: wrong error code: {e:?}");
        }
    }
}

/// `DomainError::NotFound` with `code`.
#[track_caller]
pub fn assert_not_found<T: Debug>(result: Result<T, DomainError>, code: &str, what: &str) {
    assert_err(result, Kind::NotFound, code, what);
}

/// `DomainError::Conflict` with `code`.
#[track_caller]
pub fn assert_conflict<T: Debug>(result: Result<T, DomainError>, code: &str, what: &str) {
    assert_err(result, Kind::Conflict, code, what);
}

/// `DomainError::Invalid` with `code`.
#[track_caller]
pub fn assert_invalid<T: Debug>(result: Result<T, DomainError>, code: &str, what: &str) {
    assert_err(result, Kind::Invalid, code, what);
}
