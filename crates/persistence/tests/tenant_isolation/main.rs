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
//!
//! Layout: this file holds the shared `Matrix` fixture and checks; each module holds the tests
//! of one store area (or one cross-cutting check).

#[path = "../support_isolation/mod.rs"]
mod support_isolation;

mod campaigns;
mod channels;
mod contacts;
mod fixture;
mod messages;
mod new_rows;
mod own_deletes;
mod protocols_logs;
mod queues_tags;
mod settings_fast_replies;
mod tenants;
mod tickets;
mod uniques;
mod users;

use std::collections::BTreeSet;
use std::fmt::Debug;

use support_isolation::*;
use tiktickets_domain::ids::{
    CampaignId, ContactId, FastReplyId, TagId, TenantId, TicketId, UserId, WhatsappId,
};
use tiktickets_domain::store::Stores;
use tiktickets_domain::{DomainError, Result, TenantCtx};
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
