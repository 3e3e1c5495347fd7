//! The tenant-isolation matrix: for every method of every store port, tenant A's context with
//! tenant B's ids (or keys, numbers, WhatsApp ids) finds nothing and changes nothing. Runs on
//! SQLite always and on PostgreSQL when `TEST_DATABASE_URL` is set.
//!
//! Fixture: two tenants A and B, each with a full data set made through the stores
//! (`support_isolation::make_fixture`). Every A-side call is made with each of A's three
//! contexts (admin, agent, system). After every refused write, B's data is read back through
//! B's context with every read method and compared whole with the snapshot taken before (A's
//! too: a refused write must not half-apply on A's side either).
//!
//! Reads of B's rows are checked to be *indistinguishable* from reads of ids that exist nowhere
//! (same `NotFound`, `None` or empty answer); refused writes must be `NotFound`, and equal to
//! the answer for a missing id where one can be formed.
//!
//! The matrix (trait → methods, and the test that covers them):
//!
//! - `TenantStore` (`tenant_store`): `create`, `list`, `get`, `update`, `current`,
//!   `update_current`, `find_login`, `count_users_with_profile`. `create/list/get/update` and
//!   `count_users_with_profile` are platform work (`PlatformCtx`) and see every tenant by
//!   design; `find_login` is the one global lookup by design (e-mails are global:
//!   `emails_are_global`). Checked: `current` is always the caller's tenant, `update_current`
//!   touches only it and ignores owner/quota/status fields, a platform `update` refuses an owner
//!   from another tenant, a new tenant sees nothing of A or B.
//! - `UserStore` (`user_store`): `create`, `get`, `list`, `count`, `update`, `delete`,
//!   `password_hash`, `bump_token_version`, `set_queues` (B's user; A's user with B's queue),
//!   `queues`.
//! - `QueueStore` (`queue_store`): `create`, `get`, `list`, `update`, `delete`.
//! - `ContactStore` (`contact_store`): `create`, `get`, `list` (plain, by B's name, by B's
//!   number), `update`, `delete`, `find_by_number` (both Brazilian forms of B's number),
//!   `upsert_inbound` (B's number creates A's own contact), `set_tags` (B's contact; B's tag),
//!   `tags`, `set_wallets` (B's contact; B's user), `wallets`, `set_custom_fields` (B's contact;
//!   B's field id on A's contact), `custom_fields`.
//! - `TicketStore` (`ticket_store`): `create` (B's contact, B's channel, B's user, B's queue),
//!   `get`, `list` (plain, by B's contact name/number/ticket id, B's queue, B's user), `update`
//!   (B's ticket; B's user or queue on A's ticket), `find_active`, `find_or_create_for_inbound`
//!   (B's contact and/or channel), `record_message`.
//! - `MessageStore` (`message_store`, `provider_id_lookups_are_per_tenant`): `insert` (into B's
//!   ticket, with B's WhatsApp id, B's contact, B's user, quoting B's message), `get`,
//!   `find_by_provider_id`, `list_for_ticket`, `update`, `mark_ticket_read`, `delete`.
//! - `ChannelStore` (`channel_store`): `create` (a new default does not unset B's), `get`,
//!   `list`, `count`, `update`, `set_session_state`, `delete`.
//! - `SettingStore` (`setting_store`): `list`, `get`, `upsert` (same key as B).
//! - `TagStore` (`tag_store`): `create`, `get`, `list` (all / only active), `update`, `delete`.
//! - `FastReplyStore` (`fast_reply_store`): `create`, `get`, `list`, `update`, `delete`.
//! - `CampaignStore` (`campaign_store`): `create` (B's channel), `get`, `list`, `update` (B's
//!   campaign; B's channel on A's campaign), `set_status`, `delete`, `add_contacts` (B's
//!   campaign; B's contact), `contacts`, `remove_contact`.
//! - `ProtocolStore` (`protocol_store`): `append` (B's ticket; B's user), `list_for_ticket`,
//!   `latest_for_ticket`.
//! - `TicketLogStore` (`ticket_log_store`): `append` (B's ticket; B's user; B's queue),
//!   `list_for_ticket`.
//!
//! Cross-cutting: `lists_of_a_never_contain_rows_of_b` (every list method of both tenants),
//! `new_rows_take_the_tenant_of_the_context` (rows mirroring B's, created through A's context),
//! `channel_names_and_setting_keys_are_per_tenant`, `emails_are_global`.

mod support_isolation;

use std::collections::BTreeSet;
use std::fmt::Debug;

use support_isolation::*;
use tiktickets_domain::enums::{
    CampaignStatus, ChannelStatus, MessageAck, ProtocolStatus, TenantStatus, TicketChannel,
    TicketLogType, TicketStatus, UserProfile, UserStatus,
};
use tiktickets_domain::ids::{
    CampaignId, ContactId, CustomFieldId, FastReplyId, MessageId, QueueId, TagId, TenantId,
    TicketId, UserId, WhatsappId,
};
use tiktickets_domain::phone::lookup_variants;
use tiktickets_domain::store::Stores;
use tiktickets_domain::store::channels::SessionState;
use tiktickets_domain::store::contacts::{ContactInput, CustomFieldInput, InboundContact};
use tiktickets_domain::store::fast_replies::FastReplyInput;
use tiktickets_domain::store::messages::MessagePatch;
use tiktickets_domain::store::protocols::NewProtocol;
use tiktickets_domain::store::queues::QueueInput;
use tiktickets_domain::store::tags::TagInput;
use tiktickets_domain::store::tenants::TenantPatch;
use tiktickets_domain::store::ticket_logs::NewTicketLog;
use tiktickets_domain::store::tickets::{
    InboundResolution, InboundTicketRequest, NewTicket, TicketPatch, TicketQuery,
};
use tiktickets_domain::store::users::{NewUser, UserPatch};
use tiktickets_domain::{DomainError, PlatformCtx, Result, TenantCtx};
use tiktickets_test_support::TestDb;

/// Two tenants with full fixtures, and what their data looked like after the fixture.
struct Matrix {
    env: Env,
    a: Fixture,
    b: Fixture,
    a_before: Snapshot,
    b_before: Snapshot,
}

impl Matrix {
    async fn new(tdb: TestDb) -> Matrix {
        let env = Env::open(tdb).await;
        let a = make_fixture(&env.stores, "A", "11").await;
        let b = make_fixture(&env.stores, "B", "21").await;
        let a_before = snapshot(&env.stores, &a.cx).await;
        let b_before = snapshot(&env.stores, &b.cx).await;
        Matrix {
            env,
            a,
            b,
            a_before,
            b_before,
        }
    }

    fn s(&self) -> &Stores {
        &self.env.stores
    }

    fn backend(&self) -> &'static str {
        self.env.backend()
    }

    /// A's admin, agent and system contexts, with a name for messages.
    fn a_contexts(&self) -> [(&'static str, TenantCtx); 3] {
        [
            ("A admin", self.a.cx),
            ("A agent", self.a.agent_cx),
            ("A system", self.a.system_cx),
        ]
    }

    /// A read of B's row through A's context answers exactly as for an id that exists nowhere,
    /// and an error is `NotFound`.
    fn hidden<T: Debug + PartialEq>(&self, what: &str, via_b: Result<T>, via_missing: Result<T>) {
        let backend = self.backend();
        assert_eq!(
            via_b, via_missing,
            "[{backend}] {what}: B's row must look exactly like a missing one to A"
        );
        if let Err(e) = &via_b {
            assert!(
                matches!(e, DomainError::NotFound { .. }),
                "[{backend}] {what}: expected NotFound, got {e:?}"
            );
        }
    }

    /// Neither tenant's data changed since the fixture (or the last `rebase_a`).
    async fn unchanged(&self, what: &str) {
        let backend = self.backend();
        let b_now = snapshot(self.s(), &self.b.cx).await;
        assert_eq!(b_now, self.b_before, "[{backend}] {what}: B's data changed");
        let a_now = snapshot(self.s(), &self.a.cx).await;
        assert_eq!(
            a_now, self.a_before,
            "[{backend}] {what}: a refused write changed A's data"
        );
    }

    /// B's data is unchanged (after a legitimate write to A's own rows).
    async fn b_unchanged(&self, what: &str) {
        let b_now = snapshot(self.s(), &self.b.cx).await;
        assert_eq!(
            b_now,
            self.b_before,
            "[{}] {what}: B's data changed",
            self.backend()
        );
    }

    /// Takes A's snapshot again after a legitimate change of A's data.
    async fn rebase_a(&mut self) {
        self.a_before = snapshot(&self.env.stores, &self.a.cx).await;
    }

    /// A write through A's context aimed at B's data: `NotFound`, and nothing changed.
    async fn denied<T: Debug>(&self, what: &str, result: Result<T>) {
        assert!(
            matches!(result, Err(DomainError::NotFound { .. })),
            "[{}] {what}: expected NotFound, got {result:?}",
            self.backend()
        );
        self.unchanged(what).await;
    }

    /// As [`Matrix::denied`], and the same error as for an id that exists nowhere.
    async fn denied_as_missing<T: Debug + PartialEq>(
        &self,
        what: &str,
        via_b: Result<T>,
        via_missing: Result<T>,
    ) {
        assert_eq!(
            via_b,
            via_missing,
            "[{}] {what}: refusing B's id must look like refusing a missing id",
            self.backend()
        );
        self.denied(what, via_b).await;
    }
}

fn missing_user() -> UserId {
    UserId::new(MISSING)
}
fn missing_contact() -> ContactId {
    ContactId::new(MISSING)
}
fn missing_ticket() -> TicketId {
    TicketId::new(MISSING)
}
fn missing_channel() -> WhatsappId {
    WhatsappId::new(MISSING)
}
fn missing_tag() -> TagId {
    TagId::new(MISSING)
}
fn missing_campaign() -> CampaignId {
    CampaignId::new(MISSING)
}
fn missing_fast_reply() -> FastReplyId {
    FastReplyId::new(MISSING)
}

/// Checks that every row of `own` belongs to `tenant` and shares no id with `other`.
fn assert_only_own(backend: &str, who: &str, own: &Snapshot, tenant: TenantId, other: &Snapshot) {
    fn ids<T, K: Ord>(rows: &[T], key: impl Fn(&T) -> K) -> BTreeSet<K> {
        rows.iter().map(key).collect()
    }
    let m = |what: &str| format!("[{backend}] {who}: {what}");
    assert_eq!(own.tenant.id, tenant, "{}", m("current tenant"));
    assert!(
        own.users.iter().all(|u| u.tenant_id == tenant),
        "{}",
        m("users")
    );
    assert!(
        own.queues.iter().all(|q| q.tenant_id == tenant),
        "{}",
        m("queues")
    );
    assert!(
        own.contacts.iter().all(|c| c.tenant_id == tenant),
        "{}",
        m("contacts")
    );
    assert!(
        own.tickets.iter().all(|t| t.tenant_id == tenant),
        "{}",
        m("tickets")
    );
    assert!(
        own.channels.iter().all(|c| c.tenant_id == tenant),
        "{}",
        m("channels")
    );
    assert!(
        own.settings.iter().all(|s| s.tenant_id == tenant),
        "{}",
        m("settings")
    );
    assert!(
        own.tags.iter().all(|t| t.tenant_id == tenant),
        "{}",
        m("tags")
    );
    assert!(
        own.fast_replies.iter().all(|f| f.tenant_id == tenant),
        "{}",
        m("fast replies")
    );
    assert!(
        own.campaigns.iter().all(|c| c.tenant_id == tenant),
        "{}",
        m("campaigns")
    );
    for (_, msgs) in &own.messages {
        assert!(
            msgs.iter().all(|x| x.tenant_id == tenant),
            "{}",
            m("messages")
        );
    }
    for (_, protos) in &own.protocols {
        assert!(
            protos.iter().all(|p| p.tenant_id == tenant),
            "{}",
            m("protocols")
        );
    }
    for (_, tags) in &own.contact_tags {
        assert!(
            tags.iter().all(|t| t.tenant_id == tenant),
            "{}",
            m("contact tags")
        );
    }
    for (_, queues) in &own.user_queues {
        assert!(
            queues.iter().all(|q| q.tenant_id == tenant),
            "{}",
            m("user queues")
        );
    }

    let own_users = ids(&own.users, |u| u.id);
    let own_contacts = ids(&own.contacts, |c| c.id);
    let own_tickets = ids(&own.tickets, |t| t.id);
    for (_, wallets) in &own.contact_wallets {
        assert!(
            wallets.iter().all(|u| own_users.contains(u)),
            "{}",
            m("wallets")
        );
    }
    for (contact, fields) in &own.contact_fields {
        assert!(
            fields.iter().all(|f| f.contact_id == *contact),
            "{}",
            m("custom fields")
        );
    }
    for (ticket, logs) in &own.ticket_logs {
        assert!(
            logs.iter().all(|l| l.ticket_id == *ticket),
            "{}",
            m("ticket logs")
        );
        assert!(own_tickets.contains(ticket), "{}", m("ticket logs"));
    }
    for (_, contacts) in &own.campaign_contacts {
        assert!(
            contacts
                .iter()
                .all(|c| own_contacts.contains(&c.contact_id)),
            "{}",
            m("campaign contacts")
        );
    }

    let disjoint = |what: &str, mine: BTreeSet<i64>, theirs: BTreeSet<i64>| {
        assert!(
            mine.is_disjoint(&theirs),
            "{}: {mine:?} vs {theirs:?}",
            m(&format!("{what} of the other tenant listed"))
        );
    };
    let i = |v: i32| i64::from(v);
    disjoint(
        "users",
        ids(&own.users, |u| i(u.id.get())),
        ids(&other.users, |u| i(u.id.get())),
    );
    disjoint(
        "queues",
        ids(&own.queues, |q| i(q.id.get())),
        ids(&other.queues, |q| i(q.id.get())),
    );
    disjoint(
        "contacts",
        ids(&own.contacts, |c| i(c.id.get())),
        ids(&other.contacts, |c| i(c.id.get())),
    );
    disjoint(
        "tickets",
        ids(&own.tickets, |t| i(t.id.get())),
        ids(&other.tickets, |t| i(t.id.get())),
    );
    disjoint(
        "channels",
        ids(&own.channels, |c| i(c.id.get())),
        ids(&other.channels, |c| i(c.id.get())),
    );
    disjoint(
        "settings",
        ids(&own.settings, |s| i(s.id.get())),
        ids(&other.settings, |s| i(s.id.get())),
    );
    disjoint(
        "tags",
        ids(&own.tags, |t| i(t.id.get())),
        ids(&other.tags, |t| i(t.id.get())),
    );
    disjoint(
        "fast replies",
        ids(&own.fast_replies, |f| i(f.id.get())),
        ids(&other.fast_replies, |f| i(f.id.get())),
    );
    disjoint(
        "campaigns",
        ids(&own.campaigns, |c| i(c.id.get())),
        ids(&other.campaigns, |c| i(c.id.get())),
    );
    let all_fields = |s: &Snapshot| -> BTreeSet<i64> {
        s.contact_fields
            .iter()
            .flat_map(|(_, f)| f.iter().map(|f| i(f.id.get())))
            .collect()
    };
    disjoint("custom fields", all_fields(own), all_fields(other));
    let all_protocols = |s: &Snapshot| -> BTreeSet<i64> {
        s.protocols
            .iter()
            .flat_map(|(_, p)| p.iter().map(|p| i(p.id.get())))
            .collect()
    };
    disjoint("protocols", all_protocols(own), all_protocols(other));
    let all_logs = |s: &Snapshot| -> BTreeSet<i64> {
        s.ticket_logs
            .iter()
            .flat_map(|(_, l)| l.iter().map(|l| i(l.id.get())))
            .collect()
    };
    disjoint("ticket logs", all_logs(own), all_logs(other));
    let all_cc = |s: &Snapshot| -> BTreeSet<i64> {
        s.campaign_contacts
            .iter()
            .flat_map(|(_, c)| c.iter().map(|c| i(c.id)))
            .collect()
    };
    disjoint("campaign contacts", all_cc(own), all_cc(other));
    let all_messages = |s: &Snapshot| -> BTreeSet<String> {
        s.messages
            .iter()
            .flat_map(|(_, m)| m.iter().map(|m| m.id.as_str().to_owned()))
            .collect()
    };
    let (mine, theirs) = (all_messages(own), all_messages(other));
    assert!(
        mine.is_disjoint(&theirs),
        "{}",
        m("messages of the other tenant listed")
    );
}

// ---------------------------------------------------------------- fixture sanity

#[tokio::test]
async fn fixture_is_complete_and_lists_of_a_never_contain_rows_of_b() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        for (f, snap) in [(&m.a, &m.a_before), (&m.b, &m.b_before)] {
            let who = format!("[{backend}] tenant {}", f.label);
            assert_eq!(snap.users.len(), 2, "{who}: admin and agent");
            assert_eq!(snap.user_count, 2, "{who}");
            assert_eq!(snap.queues.len(), 1, "{who}");
            assert_eq!(snap.contacts.len(), 2, "{who}: contact and lead");
            assert_eq!(snap.tickets.len(), 1, "{who}");
            assert_eq!(snap.messages[0].1.len(), 1, "{who}");
            assert_eq!(snap.channels.len(), 1, "{who}");
            assert_eq!(snap.settings.len(), 2, "{who}");
            assert_eq!(snap.tags.len(), 1, "{who}");
            assert_eq!(snap.fast_replies.len(), 1, "{who}");
            assert_eq!(snap.campaigns.len(), 1, "{who}");
            assert_eq!(snap.campaign_contacts[0].1.len(), 2, "{who}");
            assert_eq!(snap.protocols[0].1.len(), 1, "{who}");
            assert_eq!(snap.ticket_logs[0].1.len(), 1, "{who}");
            let agent_queues = snap
                .user_queues
                .iter()
                .find(|(u, _)| *u == f.agent.id)
                .map(|(_, q)| q.clone());
            assert_eq!(
                agent_queues,
                Some(vec![f.queue.clone()]),
                "{who}: user-queue link"
            );
            let contact_extras = (
                snap.contact_tags
                    .iter()
                    .find(|(c, _)| *c == f.contact.id)
                    .map(|(_, t)| t.len()),
                snap.contact_wallets
                    .iter()
                    .find(|(c, _)| *c == f.contact.id)
                    .map(|(_, w)| w.clone()),
                snap.contact_fields
                    .iter()
                    .find(|(c, _)| *c == f.contact.id)
                    .map(|(_, x)| x.len()),
            );
            assert_eq!(
                contact_extras,
                (Some(1), Some(vec![f.agent.id]), Some(1)),
                "{who}: tag, wallet and custom field of the contact"
            );
            assert_eq!(
                snap.messages[0].1[0].message_id.as_deref(),
                Some(f.provider_id.as_str()),
                "{who}: message with a provider id"
            );
        }
        assert_only_own(backend, "A", &m.a_before, m.a.tenant.id, &m.b_before);
        assert_only_own(backend, "B", &m.b_before, m.b.tenant.id, &m.a_before);
        // The same through the agent's and the system's contexts.
        for (who, cx) in m.a_contexts() {
            let snap = snapshot(m.s(), &cx).await;
            assert_eq!(
                snap, m.a_before,
                "[{backend}] {who}: same view as A's admin"
            );
        }
        // Only-active tag list, and filtered ticket lists, hold A's rows only.
        let active = m.s().tags.list(&m.a.cx, true).await.expect("tags");
        assert_eq!(active, vec![m.a.tag.clone()], "[{backend}]");
    }
}

// ---------------------------------------------------------------- TenantStore

#[tokio::test]
async fn tenant_store() {
    for tdb in TestDb::all().await {
        let mut m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        let p = PlatformCtx::system();

        // current: always the caller's own tenant.
        for (who, cx) in m.a_contexts() {
            let current = s.tenants.current(&cx).await.expect("current");
            assert_eq!(current, m.a_before.tenant, "[{backend}] {who}: current()");
        }

        // Platform update of A with B's admin as owner: the owner must belong to A.
        let r = s
            .tenants
            .update(
                &p,
                a.tenant.id,
                TenantPatch {
                    owner_id: Some(Some(b.admin.id)),
                    ..TenantPatch::default()
                },
            )
            .await;
        m.denied("tenants.update(A, owner = B's admin)", r).await;

        // update_current: only A's row, and only hours and away text.
        let hours = serde_json::json!([{ "day": 1, "type": "O", "hr1": "08:00" }]);
        let updated = s
            .tenants
            .update_current(
                &a.cx,
                TenantPatch {
                    name: Some("Hijacked".to_owned()),
                    status: Some(TenantStatus::Inactive),
                    max_users: Some(0),
                    max_connections: Some(0),
                    business_hours: Some(hours.clone()),
                    message_business_hours: Some("Fechado".to_owned()),
                    owner_id: Some(Some(b.admin.id)),
                },
            )
            .await
            .expect("update_current");
        assert_eq!(updated.id, a.tenant.id, "[{backend}]");
        assert_eq!(
            (
                updated.name.as_str(),
                updated.status,
                updated.max_users,
                updated.owner_id
            ),
            ("Tenant A", TenantStatus::Active, 50, None),
            "[{backend}] update_current ignores name, status, quotas and owner"
        );
        assert_eq!(updated.business_hours, Some(hours), "[{backend}]");
        m.b_unchanged("tenants.update_current(A)").await;
        m.rebase_a().await;

        // Platform work sees every tenant, by design; B's row is read, not changed.
        let listed: Vec<TenantId> = s
            .tenants
            .list(&p)
            .await
            .expect("list")
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(listed, vec![a.tenant.id, b.tenant.id], "[{backend}]");
        assert_eq!(
            s.tenants.get(&p, b.tenant.id).await.expect("get"),
            m.b_before.tenant,
            "[{backend}]"
        );
        assert_eq!(
            s.tenants
                .count_users_with_profile(&p, UserProfile::Admin)
                .await
                .expect("count"),
            2,
            "[{backend}] platform-wide count"
        );

        // find_login is the global lookup: each e-mail resolves to its own tenant's user.
        for f in [&a, &b] {
            let login = s
                .tenants
                .find_login(&f.admin.email)
                .await
                .expect("find_login")
                .expect("known e-mail");
            assert_eq!(login.user.id, f.admin.id, "[{backend}]");
            assert_eq!(login.user.tenant_id, f.tenant.id, "[{backend}]");
            assert_eq!(
                login.password_hash,
                format!("hash-admin-{}", f.label.to_lowercase()),
                "[{backend}]"
            );
        }

        // A new tenant sees nothing of A or B.
        let c = new_tenant(&s, "Tenant C").await;
        let c_cx = TenantCtx::system(c.id);
        let c_snap = snapshot(&s, &c_cx).await;
        assert_eq!(c_snap.tenant.id, c.id, "[{backend}]");
        assert!(
            c_snap.users.is_empty()
                && c_snap.queues.is_empty()
                && c_snap.contacts.is_empty()
                && c_snap.tickets.is_empty()
                && c_snap.channels.is_empty()
                && c_snap.settings.is_empty()
                && c_snap.tags.is_empty()
                && c_snap.fast_replies.is_empty()
                && c_snap.campaigns.is_empty(),
            "[{backend}] a new tenant must start empty: {c_snap:?}"
        );
        m.unchanged("tenants.create(C)").await;
    }
}

// ---------------------------------------------------------------- UserStore

#[tokio::test]
async fn user_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("users.get(B's admin)"),
                s.users.get(&cx, b.admin.id).await,
                s.users.get(&cx, missing_user()).await,
            );
            m.hidden(
                &w("users.password_hash(B's admin)"),
                s.users.password_hash(&cx, b.admin.id).await,
                s.users.password_hash(&cx, missing_user()).await,
            );
            m.hidden(
                &w("users.queues(B's agent)"),
                s.users.queues(&cx, b.agent.id).await,
                s.users.queues(&cx, missing_user()).await,
            );

            let listed = s.users.list(&cx, None, big_page()).await.expect("list");
            assert_eq!(listed.items, m.a_before.users, "[{backend}] {who}: list");
            assert_eq!(listed.count, 2, "[{backend}] {who}: list count");
            for term in [
                b.admin.email.as_str(),
                b.admin.name.as_str(),
                "Agent B",
                "b.example",
            ] {
                let found = s
                    .users
                    .list(&cx, Some(term), big_page())
                    .await
                    .expect("list");
                assert!(
                    found.items.is_empty() && found.count == 0,
                    "[{backend}] {who}: search {term:?} found {found:?}"
                );
            }
            let admins = s
                .users
                .list(&cx, Some("admin"), big_page())
                .await
                .expect("list");
            assert_eq!(
                admins.items.iter().map(|u| u.id).collect::<Vec<_>>(),
                vec![a.admin.id],
                "[{backend}] {who}: search 'admin'"
            );
            assert_eq!(
                s.users.count(&cx).await.expect("count"),
                2,
                "[{backend}] {who}"
            );

            let patch = UserPatch {
                name: Some("Hacked".to_owned()),
                email: Some("hacked@evil.example".to_owned()),
                password_hash: Some("hacked".to_owned()),
                profile: Some(UserProfile::Super),
                configs: Some(serde_json::json!({ "hacked": true })),
                status: Some(UserStatus::Online),
                is_online: Some(true),
                last_login: None,
                last_logout: None,
                last_online: None,
            };
            m.denied_as_missing(
                &w("users.update(B's agent)"),
                s.users.update(&cx, b.agent.id, patch.clone()).await,
                s.users.update(&cx, missing_user(), patch).await,
            )
            .await;
            m.denied_as_missing(
                &w("users.delete(B's agent)"),
                s.users.delete(&cx, b.agent.id).await,
                s.users.delete(&cx, missing_user()).await,
            )
            .await;
            m.denied_as_missing(
                &w("users.delete(B's admin)"),
                s.users.delete(&cx, b.admin.id).await,
                s.users.delete(&cx, missing_user()).await,
            )
            .await;
            m.denied_as_missing(
                &w("users.bump_token_version(B's admin)"),
                s.users.bump_token_version(&cx, b.admin.id).await,
                s.users.bump_token_version(&cx, missing_user()).await,
            )
            .await;
            m.denied_as_missing(
                &w("users.set_queues(B's agent, [A's queue])"),
                s.users.set_queues(&cx, b.agent.id, &[a.queue.id]).await,
                s.users.set_queues(&cx, missing_user(), &[a.queue.id]).await,
            )
            .await;
            m.denied_as_missing(
                &w("users.set_queues(B's agent, [])"),
                s.users.set_queues(&cx, b.agent.id, &[]).await,
                s.users.set_queues(&cx, missing_user(), &[]).await,
            )
            .await;
            m.denied_as_missing(
                &w("users.set_queues(A's agent, [B's queue])"),
                s.users.set_queues(&cx, a.agent.id, &[b.queue.id]).await,
                s.users
                    .set_queues(&cx, a.agent.id, &[missing_queue()])
                    .await,
            )
            .await;
            m.denied(
                &w("users.set_queues(A's agent, [A's queue, B's queue])"),
                s.users
                    .set_queues(&cx, a.agent.id, &[a.queue.id, b.queue.id])
                    .await,
            )
            .await;
        }
    }
}

// ---------------------------------------------------------------- QueueStore

#[tokio::test]
async fn queue_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let b = m.b.clone();
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("queues.get(B's queue)"),
                s.queues.get(&cx, b.queue.id).await,
                s.queues.get(&cx, missing_queue()).await,
            );
            assert_eq!(
                s.queues.list(&cx).await.expect("list"),
                m.a_before.queues,
                "[{backend}] {who}: list"
            );
            let input = QueueInput {
                queue: "Hijacked".to_owned(),
                is_active: false,
            };
            m.denied_as_missing(
                &w("queues.update(B's queue)"),
                s.queues.update(&cx, b.queue.id, input.clone()).await,
                s.queues.update(&cx, missing_queue(), input).await,
            )
            .await;
            m.denied_as_missing(
                &w("queues.delete(B's queue)"),
                s.queues.delete(&cx, b.queue.id).await,
                s.queues.delete(&cx, missing_queue()).await,
            )
            .await;
        }
    }
}

// ---------------------------------------------------------------- ContactStore

#[tokio::test]
async fn contact_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            // Reads.
            m.hidden(
                &w("contacts.get(B's contact)"),
                s.contacts.get(&cx, b.contact.id).await,
                s.contacts.get(&cx, missing_contact()).await,
            );
            m.hidden(
                &w("contacts.tags(B's contact)"),
                s.contacts.tags(&cx, b.contact.id).await,
                s.contacts.tags(&cx, missing_contact()).await,
            );
            m.hidden(
                &w("contacts.wallets(B's contact)"),
                s.contacts.wallets(&cx, b.contact.id).await,
                s.contacts.wallets(&cx, missing_contact()).await,
            );
            m.hidden(
                &w("contacts.custom_fields(B's contact)"),
                s.contacts.custom_fields(&cx, b.contact.id).await,
                s.contacts.custom_fields(&cx, missing_contact()).await,
            );
            for variant in lookup_variants(&b.contact_number) {
                let n = number(&variant);
                let found = s.contacts.find_by_number(&cx, &n).await;
                assert_eq!(
                    found,
                    Ok(None),
                    "[{backend}] {who}: find_by_number({variant}) of B's contact"
                );
            }
            let listed = s.contacts.list(&cx, None, big_page()).await.expect("list");
            assert_eq!(listed.items, m.a_before.contacts, "[{backend}] {who}: list");
            for term in [
                b.contact.name.as_str(),
                b.contact_number.as_str(),
                "Lead B",
                "5521",
            ] {
                let found = s
                    .contacts
                    .list(&cx, Some(term), big_page())
                    .await
                    .expect("list");
                assert!(
                    found.items.is_empty() && found.count == 0,
                    "[{backend}] {who}: search {term:?} found {found:?}"
                );
            }

            // Writes on B's contact.
            let input = ContactInput {
                name: "Hijacked".to_owned(),
                number: Some(number("5531977776666")),
                email: Some("hijacked@evil.example".to_owned()),
                profile_pic_url: Some("https://evil.example/x.png".to_owned()),
            };
            m.denied_as_missing(
                &w("contacts.update(B's contact)"),
                s.contacts.update(&cx, b.contact.id, input.clone()).await,
                s.contacts.update(&cx, missing_contact(), input).await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.delete(B's lead, no tickets)"),
                s.contacts.delete(&cx, b.lead.id).await,
                s.contacts.delete(&cx, missing_contact()).await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.delete(B's contact, with a ticket)"),
                s.contacts.delete(&cx, b.contact.id).await,
                s.contacts.delete(&cx, missing_contact()).await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.set_tags(B's contact, [A's tag])"),
                s.contacts.set_tags(&cx, b.contact.id, &[a.tag.id]).await,
                s.contacts
                    .set_tags(&cx, missing_contact(), &[a.tag.id])
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.set_tags(B's contact, [])"),
                s.contacts.set_tags(&cx, b.contact.id, &[]).await,
                s.contacts.set_tags(&cx, missing_contact(), &[]).await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.set_wallets(B's contact, [A's agent])"),
                s.contacts
                    .set_wallets(&cx, b.contact.id, &[a.agent.id])
                    .await,
                s.contacts
                    .set_wallets(&cx, missing_contact(), &[a.agent.id])
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.set_wallets(B's contact, [])"),
                s.contacts.set_wallets(&cx, b.contact.id, &[]).await,
                s.contacts.set_wallets(&cx, missing_contact(), &[]).await,
            )
            .await;
            let fields = || {
                vec![CustomFieldInput {
                    id: None,
                    name: "Hijacked".to_owned(),
                    value: "x".to_owned(),
                }]
            };
            m.denied_as_missing(
                &w("contacts.set_custom_fields(B's contact)"),
                s.contacts
                    .set_custom_fields(&cx, b.contact.id, fields())
                    .await,
                s.contacts
                    .set_custom_fields(&cx, missing_contact(), fields())
                    .await,
            )
            .await;
            let with_b_field = vec![CustomFieldInput {
                id: Some(b.custom_field.id),
                name: "CPF".to_owned(),
                value: "stolen".to_owned(),
            }];
            m.denied(
                &w("contacts.set_custom_fields(B's contact, B's field)"),
                s.contacts
                    .set_custom_fields(&cx, b.contact.id, with_b_field.clone())
                    .await,
            )
            .await;

            // Writes on A's contact that name B's rows.
            m.denied_as_missing(
                &w("contacts.set_tags(A's contact, [B's tag])"),
                s.contacts.set_tags(&cx, a.contact.id, &[b.tag.id]).await,
                s.contacts
                    .set_tags(&cx, a.contact.id, &[missing_tag()])
                    .await,
            )
            .await;
            m.denied(
                &w("contacts.set_tags(A's contact, [A's tag, B's tag])"),
                s.contacts
                    .set_tags(&cx, a.contact.id, &[a.tag.id, b.tag.id])
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.set_wallets(A's contact, [B's agent])"),
                s.contacts
                    .set_wallets(&cx, a.contact.id, &[b.agent.id])
                    .await,
                s.contacts
                    .set_wallets(&cx, a.contact.id, &[missing_user()])
                    .await,
            )
            .await;
            m.denied(
                &w("contacts.set_wallets(A's contact, [A's agent, B's agent])"),
                s.contacts
                    .set_wallets(&cx, a.contact.id, &[a.agent.id, b.agent.id])
                    .await,
            )
            .await;
            let with_missing_field = vec![CustomFieldInput {
                id: Some(CustomFieldId::new(MISSING)),
                name: "CPF".to_owned(),
                value: "stolen".to_owned(),
            }];
            m.denied_as_missing(
                &w("contacts.set_custom_fields(A's contact, B's field id)"),
                s.contacts
                    .set_custom_fields(&cx, a.contact.id, with_b_field)
                    .await,
                s.contacts
                    .set_custom_fields(&cx, a.contact.id, with_missing_field)
                    .await,
            )
            .await;
        }

        // upsert_inbound with B's number creates A's own contact and leaves B's alone.
        let inbound = InboundContact {
            number: b.contact_number.clone(),
            name: Some("Intruso".to_owned()),
            pushname: Some("Intruso".to_owned()),
            profile_pic_url: Some("https://evil.example/p.png".to_owned()),
            is_user: Some(true),
            is_wa_contact: Some(true),
        };
        let own = s
            .contacts
            .upsert_inbound(&a.system_cx, inbound.clone())
            .await
            .expect("upsert_inbound");
        assert_eq!(own.tenant_id, a.tenant.id, "[{backend}] upsert_inbound");
        assert!(
            own.id != b.contact.id && own.name == "Intruso",
            "[{backend}] upsert_inbound of B's number must create A's own contact: {own:?}"
        );
        let again = s
            .contacts
            .upsert_inbound(&a.cx, inbound)
            .await
            .expect("upsert_inbound again");
        assert_eq!(
            again.id, own.id,
            "[{backend}] second upsert finds A's contact"
        );
        assert_eq!(
            s.contacts
                .find_by_number(&a.cx, &b.contact_number)
                .await
                .expect("find"),
            Some(again.clone()),
            "[{backend}]"
        );
        assert_eq!(
            s.contacts
                .find_by_number(&b.cx, &b.contact_number)
                .await
                .expect("find")
                .map(|c| c.id),
            Some(b.contact.id),
            "[{backend}] B still finds its own contact"
        );
        m.b_unchanged("contacts.upsert_inbound(A, B's number)")
            .await;

        // Legit write of A with the name and number B uses: allowed (per-tenant uniqueness) for
        // the lead, and B's lead unchanged.
        let updated = s
            .contacts
            .update(
                &a.cx,
                a.lead.id,
                ContactInput {
                    name: b.lead.name.clone(),
                    number: Some(b.lead_number.clone()),
                    email: None,
                    profile_pic_url: None,
                },
            )
            .await
            .expect("update A's lead with B's lead number");
        assert_eq!(
            (updated.id, updated.tenant_id),
            (a.lead.id, a.tenant.id),
            "[{backend}]"
        );
        m.b_unchanged("contacts.update(A's lead, B's number)").await;
    }
}

// ---------------------------------------------------------------- TicketStore

fn ticket_query(f: impl FnOnce(&mut TicketQuery)) -> TicketQuery {
    let mut q = all_tickets();
    f(&mut q);
    q
}

#[tokio::test]
async fn ticket_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("tickets.get(B's ticket)"),
                s.tickets.get(&cx, b.ticket.id).await,
                s.tickets.get(&cx, missing_ticket()).await,
            );
            let listed = s.tickets.list(&cx, &all_tickets()).await.expect("list");
            assert_eq!(listed.items, m.a_before.tickets, "[{backend}] {who}: list");
            let b_ticket_id = b.ticket.id.get().to_string();
            let queries = [
                (
                    "search B's contact name",
                    ticket_query(|q| q.search = Some(b.contact.name.clone())),
                ),
                (
                    "search B's number",
                    ticket_query(|q| q.search = Some(b.contact_number.as_str().to_owned())),
                ),
                ("queue B", ticket_query(|q| q.queue_ids = vec![b.queue.id])),
                ("user B", ticket_query(|q| q.user_id = Some(b.agent.id))),
                (
                    "open, queue B, user B",
                    ticket_query(|q| {
                        q.statuses = vec![TicketStatus::Open];
                        q.queue_ids = vec![b.queue.id];
                        q.user_id = Some(b.agent.id);
                    }),
                ),
            ];
            for (label, q) in queries {
                let found = s.tickets.list(&cx, &q).await.expect("list");
                assert!(
                    found.items.is_empty() && found.count == 0,
                    "[{backend}] {who}: list({label}) found {found:?}"
                );
            }
            let by_id = s
                .tickets
                .list(&cx, &ticket_query(|q| q.search = Some(b_ticket_id.clone())))
                .await
                .expect("list");
            assert!(
                by_id
                    .items
                    .iter()
                    .all(|t| t.tenant_id == a.tenant.id && t.id != b.ticket.id),
                "[{backend}] {who}: search by B's ticket id found {by_id:?}"
            );
            for (label, contact, channel) in [
                ("B's contact, B's channel", b.contact.id, Some(b.channel.id)),
                ("B's contact, any channel", b.contact.id, None),
                ("B's contact, A's channel", b.contact.id, Some(a.channel.id)),
                ("A's contact, B's channel", a.contact.id, Some(b.channel.id)),
            ] {
                assert_eq!(
                    s.tickets.find_active(&cx, contact, channel).await,
                    Ok(None),
                    "[{backend}] {who}: find_active({label})"
                );
            }

            // Writes on B's ticket.
            let patch = TicketPatch {
                status: Some(TicketStatus::Closed),
                user_id: Some(None),
                queue_id: Some(None),
                unread_messages: Some(0),
                answered: Some(true),
                last_message: Some("hijacked".to_owned()),
                last_message_at: Some(1),
                closed_at: Some(Some(1)),
                clear_auto_reply: true,
                ..TicketPatch::default()
            };
            m.denied_as_missing(
                &w("tickets.update(B's ticket)"),
                s.tickets.update(&cx, b.ticket.id, patch.clone()).await,
                s.tickets.update(&cx, missing_ticket(), patch).await,
            )
            .await;
            m.denied_as_missing(
                &w("tickets.record_message(B's ticket)"),
                s.tickets
                    .record_message(&cx, b.ticket.id, "hijacked", 2, false)
                    .await,
                s.tickets
                    .record_message(&cx, missing_ticket(), "hijacked", 2, false)
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("tickets.record_message(B's ticket, from me)"),
                s.tickets
                    .record_message(&cx, b.ticket.id, "hijacked", 2, true)
                    .await,
                s.tickets
                    .record_message(&cx, missing_ticket(), "hijacked", 2, true)
                    .await,
            )
            .await;

            // Assigning B's user or queue to A's ticket.
            m.denied_as_missing(
                &w("tickets.update(A's ticket, user = B's agent)"),
                s.tickets
                    .update(
                        &cx,
                        a.ticket.id,
                        TicketPatch {
                            user_id: Some(Some(b.agent.id)),
                            ..TicketPatch::default()
                        },
                    )
                    .await,
                s.tickets
                    .update(
                        &cx,
                        a.ticket.id,
                        TicketPatch {
                            user_id: Some(Some(missing_user())),
                            ..TicketPatch::default()
                        },
                    )
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("tickets.update(A's ticket, queue = B's queue)"),
                s.tickets
                    .update(
                        &cx,
                        a.ticket.id,
                        TicketPatch {
                            queue_id: Some(Some(b.queue.id)),
                            status: Some(TicketStatus::Pending),
                            ..TicketPatch::default()
                        },
                    )
                    .await,
                s.tickets
                    .update(
                        &cx,
                        a.ticket.id,
                        TicketPatch {
                            queue_id: Some(Some(missing_queue())),
                            status: Some(TicketStatus::Pending),
                            ..TicketPatch::default()
                        },
                    )
                    .await,
            )
            .await;

            // find_or_create_for_inbound with B's contact and/or channel.
            let req =
                |contact: ContactId, channel: WhatsappId, from_me: bool| InboundTicketRequest {
                    contact_id: contact,
                    whatsapp_id: channel,
                    from_me,
                    is_group: false,
                    channel: TicketChannel::Whatsapp,
                    unread_count: 1,
                };
            for from_me in [false, true] {
                m.denied_as_missing(
                    &w(&format!(
                        "find_or_create_for_inbound(B's contact, A's channel, from_me={from_me})"
                    )),
                    s.tickets
                        .find_or_create_for_inbound(&cx, req(b.contact.id, a.channel.id, from_me))
                        .await,
                    s.tickets
                        .find_or_create_for_inbound(
                            &cx,
                            req(missing_contact(), a.channel.id, from_me),
                        )
                        .await,
                )
                .await;
                m.denied_as_missing(
                    &w(&format!(
                        "find_or_create_for_inbound(A's contact, B's channel, from_me={from_me})"
                    )),
                    s.tickets
                        .find_or_create_for_inbound(&cx, req(a.contact.id, b.channel.id, from_me))
                        .await,
                    s.tickets
                        .find_or_create_for_inbound(
                            &cx,
                            req(a.contact.id, missing_channel(), from_me),
                        )
                        .await,
                )
                .await;
                m.denied(
                    &w(&format!(
                        "find_or_create_for_inbound(B's contact, B's channel, from_me={from_me})"
                    )),
                    s.tickets
                        .find_or_create_for_inbound(&cx, req(b.contact.id, b.channel.id, from_me))
                        .await,
                )
                .await;
            }

            // create with one of B's references (A's lead has no ticket yet, so nothing else
            // can refuse it).
            let new = |contact: ContactId,
                       channel: Option<WhatsappId>,
                       user: Option<UserId>,
                       queue: Option<QueueId>| NewTicket {
                contact_id: contact,
                whatsapp_id: channel,
                status: TicketStatus::Open,
                user_id: user,
                queue_id: queue,
                is_group: false,
                channel: TicketChannel::Whatsapp,
                is_active_demand: true,
            };
            let cases = [
                (
                    "B's contact",
                    new(b.lead.id, Some(a.channel.id), None, None),
                    new(missing_contact(), Some(a.channel.id), None, None),
                ),
                (
                    "B's contact, no channel",
                    new(b.lead.id, None, None, None),
                    new(missing_contact(), None, None, None),
                ),
                (
                    "B's channel",
                    new(a.lead.id, Some(b.channel.id), None, None),
                    new(a.lead.id, Some(missing_channel()), None, None),
                ),
                (
                    "B's user",
                    new(a.lead.id, Some(a.channel.id), Some(b.agent.id), None),
                    new(a.lead.id, Some(a.channel.id), Some(missing_user()), None),
                ),
                (
                    "B's queue",
                    new(a.lead.id, Some(a.channel.id), None, Some(b.queue.id)),
                    new(a.lead.id, Some(a.channel.id), None, Some(missing_queue())),
                ),
            ];
            for (label, via_b, via_missing) in cases {
                m.denied_as_missing(
                    &w(&format!("tickets.create({label})")),
                    s.tickets.create(&cx, via_b).await,
                    s.tickets.create(&cx, via_missing).await,
                )
                .await;
            }
        }
    }
}

// ---------------------------------------------------------------- MessageStore

#[tokio::test]
async fn message_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            let missing_message = MessageId::generate();
            m.hidden(
                &w("messages.get(B's message)"),
                s.messages.get(&cx, &b.message.id).await,
                s.messages.get(&cx, &missing_message).await,
            );
            m.hidden(
                &w("messages.find_by_provider_id(B's WhatsApp id)"),
                s.messages.find_by_provider_id(&cx, &b.provider_id).await,
                s.messages.find_by_provider_id(&cx, "wamid.nowhere").await,
            );
            assert_eq!(
                s.messages.find_by_provider_id(&cx, &b.provider_id).await,
                Ok(None),
                "[{backend}] {who}"
            );
            m.hidden(
                &w("messages.list_for_ticket(B's ticket)"),
                s.messages
                    .list_for_ticket(&cx, b.ticket.id, big_page())
                    .await,
                s.messages
                    .list_for_ticket(&cx, missing_ticket(), big_page())
                    .await,
            );

            // insert into B's ticket, with and without B's WhatsApp id.
            m.denied_as_missing(
                &w("messages.insert(B's ticket)"),
                s.messages
                    .insert(&cx, inbound_message(b.ticket.id, None, None, "hijack"))
                    .await,
                s.messages
                    .insert(&cx, inbound_message(missing_ticket(), None, None, "hijack"))
                    .await,
            )
            .await;
            m.denied(
                &w("messages.insert(B's ticket, B's contact, B's WhatsApp id)"),
                s.messages
                    .insert(
                        &cx,
                        inbound_message(
                            b.ticket.id,
                            Some(b.contact.id),
                            Some(&b.provider_id),
                            "replay",
                        ),
                    )
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("messages.insert(B's ticket, fresh WhatsApp id)"),
                s.messages
                    .insert(
                        &cx,
                        inbound_message(b.ticket.id, None, Some("wamid.fresh.1"), "x"),
                    )
                    .await,
                s.messages
                    .insert(
                        &cx,
                        inbound_message(missing_ticket(), None, Some("wamid.fresh.1"), "x"),
                    )
                    .await,
            )
            .await;
            // insert into A's ticket naming B's contact, user or quoted message.
            m.denied_as_missing(
                &w("messages.insert(A's ticket, B's contact)"),
                s.messages
                    .insert(
                        &cx,
                        inbound_message(a.ticket.id, Some(b.contact.id), None, "x"),
                    )
                    .await,
                s.messages
                    .insert(
                        &cx,
                        inbound_message(a.ticket.id, Some(missing_contact()), None, "x"),
                    )
                    .await,
            )
            .await;
            let with_user = |user: UserId| {
                let mut msg = inbound_message(a.ticket.id, None, None, "x");
                msg.from_me = true;
                msg.user_id = Some(user);
                msg
            };
            m.denied_as_missing(
                &w("messages.insert(A's ticket, B's user)"),
                s.messages.insert(&cx, with_user(b.agent.id)).await,
                s.messages.insert(&cx, with_user(missing_user())).await,
            )
            .await;
            let quoting = |quoted: &MessageId| {
                let mut msg = inbound_message(a.ticket.id, None, None, "x");
                msg.quoted_msg_id = Some(quoted.clone());
                msg
            };
            m.denied_as_missing(
                &w("messages.insert(A's ticket, quoting B's message)"),
                s.messages.insert(&cx, quoting(&b.message.id)).await,
                s.messages.insert(&cx, quoting(&missing_message)).await,
            )
            .await;

            let patch = MessagePatch {
                message_id: Some("wamid.hijacked".to_owned()),
                ack: Some(MessageAck::Read),
                status: Some(tiktickets_domain::enums::MessageStatus::Canceled),
                edited: Some("hijacked".to_owned()),
                is_deleted: Some(true),
                read: Some(true),
                protocol_number: Some("(X)-1".to_owned()),
                send_error: Some("hijacked".to_owned()),
            };
            m.denied_as_missing(
                &w("messages.update(B's message)"),
                s.messages.update(&cx, &b.message.id, patch.clone()).await,
                s.messages.update(&cx, &missing_message, patch).await,
            )
            .await;
            m.denied_as_missing(
                &w("messages.mark_ticket_read(B's ticket)"),
                s.messages.mark_ticket_read(&cx, b.ticket.id).await,
                s.messages.mark_ticket_read(&cx, missing_ticket()).await,
            )
            .await;
            m.denied_as_missing(
                &w("messages.delete(B's message)"),
                s.messages.delete(&cx, &b.message.id).await,
                s.messages.delete(&cx, &missing_message).await,
            )
            .await;
        }

        // A legitimately marking its own ticket read touches only A's message.
        let changed = s
            .messages
            .mark_ticket_read(&a.cx, a.ticket.id)
            .await
            .expect("mark read");
        assert_eq!(changed, 1, "[{backend}] only A's one unread message");
        m.b_unchanged("messages.mark_ticket_read(A's ticket)").await;
    }
}

#[tokio::test]
async fn provider_id_lookups_are_per_tenant() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            assert_eq!(
                s.messages.find_by_provider_id(&cx, &b.provider_id).await,
                Ok(None),
                "[{backend}] {who}: B's WhatsApp id from A"
            );
            assert_eq!(
                s.messages
                    .find_by_provider_id(&cx, &a.provider_id)
                    .await
                    .expect("find")
                    .map(|x| x.id),
                Some(a.message.id.clone()),
                "[{backend}] {who}: A's own WhatsApp id"
            );
        }
        // The same WhatsApp id delivered to A is a new row of A, not a duplicate of B's.
        let stored = s
            .messages
            .insert(
                &a.system_cx,
                inbound_message(
                    a.ticket.id,
                    Some(a.contact.id),
                    Some(&b.provider_id),
                    "same id",
                ),
            )
            .await
            .expect("insert B's WhatsApp id into A");
        assert!(!stored.duplicate, "[{backend}] not a duplicate of B's row");
        assert_ne!(stored.message.id, b.message.id, "[{backend}]");
        assert_eq!(stored.message.tenant_id, a.tenant.id, "[{backend}]");
        let replay = s
            .messages
            .insert(
                &a.system_cx,
                inbound_message(
                    a.ticket.id,
                    Some(a.contact.id),
                    Some(&b.provider_id),
                    "again",
                ),
            )
            .await
            .expect("replay");
        assert!(
            replay.duplicate,
            "[{backend}] second delivery to A is a duplicate"
        );
        assert_eq!(replay.message, stored.message, "[{backend}] ... of A's row");
        assert_eq!(
            s.messages
                .find_by_provider_id(&a.cx, &b.provider_id)
                .await
                .expect("find")
                .map(|x| x.id),
            Some(stored.message.id.clone()),
            "[{backend}] A now finds its own row"
        );
        assert_eq!(
            s.messages
                .find_by_provider_id(&b.cx, &b.provider_id)
                .await
                .expect("find"),
            Some(m.b_before.messages[0].1[0].clone()),
            "[{backend}] B still finds its own row, unchanged"
        );
        m.b_unchanged("messages.insert(A, B's WhatsApp id)").await;
    }
}

// ---------------------------------------------------------------- ChannelStore

#[tokio::test]
async fn channel_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("channels.get(B's channel)"),
                s.channels.get(&cx, b.channel.id).await,
                s.channels.get(&cx, missing_channel()).await,
            );
            assert_eq!(
                s.channels.list(&cx).await.expect("list"),
                m.a_before.channels,
                "[{backend}] {who}: list"
            );
            assert_eq!(
                s.channels.count(&cx).await,
                Ok(1),
                "[{backend}] {who}: count"
            );
            m.denied_as_missing(
                &w("channels.update(B's channel)"),
                s.channels
                    .update(&cx, b.channel.id, channel_input("Hijacked", true))
                    .await,
                s.channels
                    .update(&cx, missing_channel(), channel_input("Hijacked", true))
                    .await,
            )
            .await;
            let state = SessionState {
                status: Some(ChannelStatus::Connected),
                qrcode: Some(Some("qr-hijack".to_owned())),
                number: Some(Some("5599999999999".to_owned())),
                retries: Some(9),
                profile_pic_url: Some(Some("https://evil.example/c.png".to_owned())),
            };
            m.denied_as_missing(
                &w("channels.set_session_state(B's channel)"),
                s.channels
                    .set_session_state(&cx, b.channel.id, state.clone())
                    .await,
                s.channels
                    .set_session_state(&cx, missing_channel(), state)
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("channels.delete(B's channel)"),
                s.channels.delete(&cx, b.channel.id).await,
                s.channels.delete(&cx, missing_channel()).await,
            )
            .await;
        }

        // A new default channel of A unsets A's previous default only.
        let second = s
            .channels
            .create(&a.cx, channel_input("Whatsapp 02", true))
            .await
            .expect("create");
        assert!(
            second.is_default && second.tenant_id == a.tenant.id,
            "[{backend}] {second:?}"
        );
        let first = s.channels.get(&a.cx, a.channel.id).await.expect("get");
        assert!(!first.is_default, "[{backend}] A's old default was unset");
        m.b_unchanged("channels.create(A, default)").await;
        // Making A's first channel the default again, and A's session state: B untouched.
        s.channels
            .update(&a.cx, a.channel.id, channel_input(CHANNEL_NAME, true))
            .await
            .expect("update");
        s.channels
            .set_session_state(
                &a.system_cx,
                a.channel.id,
                SessionState {
                    status: Some(ChannelStatus::Connected),
                    ..SessionState::default()
                },
            )
            .await
            .expect("session state");
        m.b_unchanged("channels.update(A, default) / set_session_state(A)")
            .await;
        s.channels.delete(&a.cx, second.id).await.expect("delete");
        m.b_unchanged("channels.delete(A's channel)").await;
    }
}

// ---------------------------------------------------------------- SettingStore

#[tokio::test]
async fn setting_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            assert_eq!(
                s.settings.list(&cx).await.expect("list"),
                m.a_before.settings,
                "[{backend}] {who}: list"
            );
            m.hidden(
                &format!("{who}: settings.get(B-only key)"),
                s.settings.get(&cx, &b.own_setting.key).await,
                s.settings.get(&cx, "noSuchKey").await,
            );
            assert_eq!(
                s.settings.get(&cx, &b.own_setting.key).await,
                Ok(None),
                "[{backend}] {who}"
            );
            assert_eq!(
                s.settings.get(&cx, SHARED_KEY).await,
                Ok(Some(a.setting.clone())),
                "[{backend}] {who}: the shared key reads A's own row"
            );
        }
        // upsert of the key both have: A's row changes, B's does not.
        let updated = s
            .settings
            .upsert(&a.cx, SHARED_KEY, "30")
            .await
            .expect("upsert");
        assert_eq!(
            (updated.id, updated.tenant_id, updated.value.as_str()),
            (a.setting.id, a.tenant.id, "30"),
            "[{backend}]"
        );
        m.b_unchanged("settings.upsert(A, shared key)").await;
        // upsert of a key only B has: a new row of A.
        let created = s
            .settings
            .upsert(&a.system_cx, &b.own_setting.key, "mine")
            .await
            .expect("upsert");
        assert_eq!(created.tenant_id, a.tenant.id, "[{backend}]");
        assert_ne!(created.id, b.own_setting.id, "[{backend}]");
        m.b_unchanged("settings.upsert(A, B-only key)").await;
    }
}

// ---------------------------------------------------------------- TagStore

#[tokio::test]
async fn tag_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let b = m.b.clone();
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("tags.get(B's tag)"),
                s.tags.get(&cx, b.tag.id).await,
                s.tags.get(&cx, missing_tag()).await,
            );
            for only_active in [false, true] {
                assert_eq!(
                    s.tags.list(&cx, only_active).await.expect("list"),
                    m.a_before.tags,
                    "[{backend}] {who}: list(only_active={only_active})"
                );
            }
            let input = TagInput {
                tag: "Hijacked".to_owned(),
                color: "#000000".to_owned(),
                is_active: false,
                auto_tag: None,
            };
            m.denied_as_missing(
                &w("tags.update(B's tag)"),
                s.tags.update(&cx, b.tag.id, input.clone()).await,
                s.tags.update(&cx, missing_tag(), input).await,
            )
            .await;
            m.denied_as_missing(
                &w("tags.delete(B's tag)"),
                s.tags.delete(&cx, b.tag.id).await,
                s.tags.delete(&cx, missing_tag()).await,
            )
            .await;
        }
    }
}

// ---------------------------------------------------------------- FastReplyStore

#[tokio::test]
async fn fast_reply_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let b = m.b.clone();
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("fast_replies.get(B's reply)"),
                s.fast_replies.get(&cx, b.fast_reply.id).await,
                s.fast_replies.get(&cx, missing_fast_reply()).await,
            );
            assert_eq!(
                s.fast_replies.list(&cx).await.expect("list"),
                m.a_before.fast_replies,
                "[{backend}] {who}: list"
            );
            let input = FastReplyInput {
                key: "hijack".to_owned(),
                message: "hijacked".to_owned(),
                medias: None,
            };
            m.denied_as_missing(
                &w("fast_replies.update(B's reply)"),
                s.fast_replies
                    .update(&cx, b.fast_reply.id, input.clone())
                    .await,
                s.fast_replies
                    .update(&cx, missing_fast_reply(), input)
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("fast_replies.delete(B's reply)"),
                s.fast_replies.delete(&cx, b.fast_reply.id).await,
                s.fast_replies.delete(&cx, missing_fast_reply()).await,
            )
            .await;
        }
    }
}

// ---------------------------------------------------------------- CampaignStore

#[tokio::test]
async fn campaign_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("campaigns.get(B's campaign)"),
                s.campaigns.get(&cx, b.campaign.id).await,
                s.campaigns.get(&cx, missing_campaign()).await,
            );
            m.hidden(
                &w("campaigns.contacts(B's campaign)"),
                s.campaigns.contacts(&cx, b.campaign.id).await,
                s.campaigns.contacts(&cx, missing_campaign()).await,
            );
            assert_eq!(
                s.campaigns.list(&cx).await.expect("list"),
                m.a_before.campaigns,
                "[{backend}] {who}: list"
            );

            m.denied_as_missing(
                &w("campaigns.create(B's channel)"),
                s.campaigns
                    .create(&cx, campaign_input("Hijack", b.channel.id))
                    .await,
                s.campaigns
                    .create(&cx, campaign_input("Hijack", missing_channel()))
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.update(B's campaign)"),
                s.campaigns
                    .update(&cx, b.campaign.id, campaign_input("Hijack", a.channel.id))
                    .await,
                s.campaigns
                    .update(
                        &cx,
                        missing_campaign(),
                        campaign_input("Hijack", a.channel.id),
                    )
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.update(A's campaign, B's channel)"),
                s.campaigns
                    .update(&cx, a.campaign.id, campaign_input("Moved", b.channel.id))
                    .await,
                s.campaigns
                    .update(
                        &cx,
                        a.campaign.id,
                        campaign_input("Moved", missing_channel()),
                    )
                    .await,
            )
            .await;
            for status in [CampaignStatus::Canceled, CampaignStatus::Processing] {
                m.denied_as_missing(
                    &w(&format!("campaigns.set_status(B's campaign, {status})")),
                    s.campaigns.set_status(&cx, b.campaign.id, status).await,
                    s.campaigns
                        .set_status(&cx, missing_campaign(), status)
                        .await,
                )
                .await;
            }
            m.denied_as_missing(
                &w("campaigns.delete(B's campaign)"),
                s.campaigns.delete(&cx, b.campaign.id).await,
                s.campaigns.delete(&cx, missing_campaign()).await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.add_contacts(B's campaign, [A's contact])"),
                s.campaigns
                    .add_contacts(&cx, b.campaign.id, &[a.contact.id])
                    .await,
                s.campaigns
                    .add_contacts(&cx, missing_campaign(), &[a.contact.id])
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.add_contacts(A's campaign, [B's contact])"),
                s.campaigns
                    .add_contacts(&cx, a.campaign.id, &[b.contact.id])
                    .await,
                s.campaigns
                    .add_contacts(&cx, a.campaign.id, &[missing_contact()])
                    .await,
            )
            .await;
            m.denied(
                &w("campaigns.add_contacts(A's campaign, [A's lead, B's lead])"),
                s.campaigns
                    .add_contacts(&cx, a.campaign.id, &[a.lead.id, b.lead.id])
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.remove_contact(B's campaign, B's lead)"),
                s.campaigns
                    .remove_contact(&cx, b.campaign.id, b.lead.id)
                    .await,
                s.campaigns
                    .remove_contact(&cx, missing_campaign(), b.lead.id)
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.remove_contact(A's campaign, B's lead)"),
                s.campaigns
                    .remove_contact(&cx, a.campaign.id, b.lead.id)
                    .await,
                s.campaigns
                    .remove_contact(&cx, a.campaign.id, missing_contact())
                    .await,
            )
            .await;
        }
    }
}

// ---------------------------------------------------------------- ProtocolStore

#[tokio::test]
async fn protocol_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("protocols.list_for_ticket(B's ticket)"),
                s.protocols.list_for_ticket(&cx, b.ticket.id).await,
                s.protocols.list_for_ticket(&cx, missing_ticket()).await,
            );
            m.hidden(
                &w("protocols.latest_for_ticket(B's ticket)"),
                s.protocols.latest_for_ticket(&cx, b.ticket.id).await,
                s.protocols.latest_for_ticket(&cx, missing_ticket()).await,
            );
            let new = |ticket: TicketId, user: Option<UserId>| NewProtocol {
                protocol_number: "(X)-9".to_owned(),
                status: ProtocolStatus::Fech,
                ticket_id: ticket,
                user_id: user,
                user_name: Some("Intruso".to_owned()),
            };
            m.denied_as_missing(
                &w("protocols.append(B's ticket)"),
                s.protocols.append(&cx, new(b.ticket.id, None)).await,
                s.protocols.append(&cx, new(missing_ticket(), None)).await,
            )
            .await;
            m.denied_as_missing(
                &w("protocols.append(A's ticket, B's admin)"),
                s.protocols
                    .append(&cx, new(a.ticket.id, Some(b.admin.id)))
                    .await,
                s.protocols
                    .append(&cx, new(a.ticket.id, Some(missing_user())))
                    .await,
            )
            .await;
        }
    }
}

// ---------------------------------------------------------------- TicketLogStore

#[tokio::test]
async fn ticket_log_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("ticket_logs.list_for_ticket(B's ticket)"),
                s.ticket_logs.list_for_ticket(&cx, b.ticket.id).await,
                s.ticket_logs.list_for_ticket(&cx, missing_ticket()).await,
            );
            let new =
                |ticket: TicketId, user: Option<UserId>, queue: Option<QueueId>| NewTicketLog {
                    ticket_id: ticket,
                    r#type: TicketLogType::Access,
                    user_id: user,
                    queue_id: queue,
                };
            m.denied_as_missing(
                &w("ticket_logs.append(B's ticket)"),
                s.ticket_logs
                    .append(&cx, new(b.ticket.id, None, None))
                    .await,
                s.ticket_logs
                    .append(&cx, new(missing_ticket(), None, None))
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("ticket_logs.append(A's ticket, B's user)"),
                s.ticket_logs
                    .append(&cx, new(a.ticket.id, Some(b.agent.id), None))
                    .await,
                s.ticket_logs
                    .append(&cx, new(a.ticket.id, Some(missing_user()), None))
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("ticket_logs.append(A's ticket, B's queue)"),
                s.ticket_logs
                    .append(&cx, new(a.ticket.id, None, Some(b.queue.id)))
                    .await,
                s.ticket_logs
                    .append(&cx, new(a.ticket.id, None, Some(missing_queue())))
                    .await,
            )
            .await;
        }
    }
}

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

// ---------------------------------------------------------------- per-tenant uniques

#[tokio::test]
async fn channel_names_and_setting_keys_are_per_tenant() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();

        // Both fixtures hold a channel "Whatsapp 01" and a setting "daysToClose".
        assert_eq!(
            (a.channel.name.as_str(), b.channel.name.as_str()),
            (CHANNEL_NAME, CHANNEL_NAME),
            "[{backend}]"
        );
        assert_ne!(a.channel.id, b.channel.id, "[{backend}]");
        assert_eq!(
            (a.channel.tenant_id, b.channel.tenant_id),
            (a.tenant.id, b.tenant.id),
            "[{backend}]"
        );
        assert!(
            a.channel.is_default && b.channel.is_default,
            "[{backend}] each tenant has its own default channel"
        );
        assert_eq!(
            (a.setting.key.as_str(), b.setting.key.as_str()),
            (SHARED_KEY, SHARED_KEY),
            "[{backend}]"
        );
        assert_eq!(
            s.settings
                .get(&a.cx, SHARED_KEY)
                .await
                .expect("get")
                .map(|x| x.value),
            Some("7".to_owned()),
            "[{backend}]"
        );
        assert_eq!(
            s.settings
                .get(&b.cx, SHARED_KEY)
                .await
                .expect("get")
                .map(|x| x.value),
            Some("14".to_owned()),
            "[{backend}]"
        );

        // Still unique inside one tenant.
        let dup = s
            .channels
            .create(&a.cx, channel_input(CHANNEL_NAME, false))
            .await;
        assert!(
            matches!(&dup, Err(DomainError::Conflict { code, .. }) if *code == "ERR_WAPP_NAME_ALREADY_EXISTS"),
            "[{backend}] a second '{CHANNEL_NAME}' in A: {dup:?}"
        );
        // A name B does not have yet, in both tenants; and renaming into B's name.
        let a2 = s
            .channels
            .create(&a.cx, channel_input("Whatsapp 02", false))
            .await
            .expect("A's Whatsapp 02");
        let b2 = s
            .channels
            .create(&b.cx, channel_input("Whatsapp 02", false))
            .await
            .expect("B's Whatsapp 02");
        assert_eq!(
            (a2.tenant_id, b2.tenant_id),
            (a.tenant.id, b.tenant.id),
            "[{backend}]"
        );
        let renamed = s
            .channels
            .update(&b.cx, b2.id, channel_input("Whatsapp 03", false))
            .await
            .expect("rename");
        let a3 = s
            .channels
            .update(&a.cx, a2.id, channel_input("Whatsapp 03", false))
            .await
            .expect("A renames into the name B just took");
        assert_eq!(
            (renamed.name.as_str(), a3.name.as_str()),
            ("Whatsapp 03", "Whatsapp 03"),
            "[{backend}]"
        );

        // Setting the shared key in A leaves B's value; both keep exactly one row.
        s.settings
            .upsert(&a.cx, SHARED_KEY, "30")
            .await
            .expect("upsert");
        s.settings
            .upsert(&b.cx, SHARED_KEY, "15")
            .await
            .expect("upsert");
        for (f, value) in [(&a, "30"), (&b, "15")] {
            let rows: Vec<_> = s
                .settings
                .list(&f.cx)
                .await
                .expect("list")
                .into_iter()
                .filter(|x| x.key == SHARED_KEY)
                .collect();
            assert_eq!(rows.len(), 1, "[{backend}] tenant {}", f.label);
            assert_eq!(
                (rows[0].id, rows[0].value.as_str(), rows[0].tenant_id),
                (f.setting.id, value, f.tenant.id),
                "[{backend}] tenant {}",
                f.label
            );
        }
    }
}

// ---------------------------------------------------------------- global e-mails

fn is_taken<T>(r: &Result<T>) -> bool {
    matches!(r, Err(DomainError::Conflict { code, .. }) if *code == "ERR_EMAIL_ALREADY_EXISTS")
}

#[tokio::test]
async fn emails_are_global() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        // The same address in another case is the same login (e-mails are stored lower-case).
        for email in [
            a.admin.email.clone(),
            a.admin.email.to_uppercase(),
            "Admin@A.Example".to_owned(),
        ] {
            let r = s
                .users
                .create(
                    &b.cx,
                    NewUser {
                        name: "Copycat".to_owned(),
                        email: email.clone(),
                        password_hash: "x".to_owned(),
                        profile: UserProfile::Admin,
                        configs: None,
                    },
                )
                .await;
            assert!(
                is_taken(&r),
                "[{backend}] B creates a user with A's e-mail {email:?}: {r:?}"
            );
            let r = s
                .users
                .update(
                    &b.cx,
                    b.agent.id,
                    UserPatch {
                        email: Some(email.clone()),
                        ..UserPatch::default()
                    },
                )
                .await;
            assert!(
                is_taken(&r),
                "[{backend}] B renames its agent to A's e-mail {email:?}: {r:?}"
            );
        }
        m.unchanged("B reusing A's e-mail").await;
        let login = s
            .tenants
            .find_login(&a.admin.email)
            .await
            .expect("login")
            .expect("known");
        assert_eq!(
            (login.user.id, login.user.tenant_id),
            (a.admin.id, a.tenant.id),
            "[{backend}] A's admin still owns the e-mail"
        );
    }
}

// ---------------------------------------------------------------- A's own deletes

/// Deletes and clears of A's own rows (several of them cascade or reset other rows) leave B's
/// data exactly as it was.
#[tokio::test]
async fn a_deleting_its_own_rows_leaves_b_alone() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let a = m.a.clone();
        let s = m.s().clone();
        let cx = a.cx;
        let ok = |what: &str, r: Result<()>| {
            assert!(r.is_ok(), "[{backend}] {what}: {r:?}");
        };

        ok(
            "clear tags",
            s.contacts.set_tags(&cx, a.contact.id, &[]).await.map(drop),
        );
        ok("delete tag", s.tags.delete(&cx, a.tag.id).await);
        ok(
            "clear wallets",
            s.contacts
                .set_wallets(&cx, a.contact.id, &[])
                .await
                .map(drop),
        );
        ok(
            "clear custom fields",
            s.contacts
                .set_custom_fields(&cx, a.contact.id, vec![])
                .await
                .map(drop),
        );
        m.b_unchanged("A clears its contact's tags, wallets and fields")
            .await;

        ok(
            "remove campaign contact",
            s.campaigns
                .remove_contact(&cx, a.campaign.id, a.lead.id)
                .await,
        );
        ok(
            "delete campaign",
            s.campaigns.delete(&cx, a.campaign.id).await,
        );
        ok("delete lead", s.contacts.delete(&cx, a.lead.id).await);
        ok(
            "delete fast reply",
            s.fast_replies.delete(&cx, a.fast_reply.id).await,
        );
        ok(
            "delete message",
            s.messages.delete(&cx, &a.message.id).await,
        );
        m.b_unchanged("A deletes its campaign, lead, fast reply and message")
            .await;

        ok(
            "clear user queues",
            s.users.set_queues(&cx, a.agent.id, &[]).await.map(drop),
        );
        ok("delete agent", s.users.delete(&cx, a.agent.id).await);
        let ticket = s.tickets.get(&cx, a.ticket.id).await.expect("A's ticket");
        assert_eq!(
            (ticket.status, ticket.user_id),
            (TicketStatus::Pending, None),
            "[{backend}] the deleted agent's open ticket went back to pending"
        );
        ok("delete channel", s.channels.delete(&cx, a.channel.id).await);
        ok(
            "unqueue ticket",
            s.tickets
                .update(
                    &cx,
                    a.ticket.id,
                    TicketPatch {
                        queue_id: Some(None),
                        ..TicketPatch::default()
                    },
                )
                .await
                .map(drop),
        );
        ok("delete queue", s.queues.delete(&cx, a.queue.id).await);
        m.b_unchanged("A deletes its agent, channel and queue")
            .await;

        let a_now = snapshot(&s, &cx).await;
        assert_eq!(
            (
                a_now.users.len(),
                a_now.contacts.len(),
                a_now.channels.len(),
                a_now.queues.len(),
                a_now.tags.len(),
                a_now.campaigns.len(),
                a_now.fast_replies.len(),
            ),
            (1, 1, 0, 0, 0, 0, 0),
            "[{backend}] what A has left"
        );
        assert_eq!(
            a_now.tickets[0].whatsapp_id, None,
            "[{backend}] A's ticket lost its deleted channel"
        );
    }
}
