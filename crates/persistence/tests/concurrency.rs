//! Concurrent deliveries of the same inbound data resolve to one row: contacts (one per number),
//! tickets (one open-or-pending per contact and channel, reopened rather than duplicated),
//! messages (one per WhatsApp id), settings (one per key), and the inbox's one-transaction
//! write of all of these.
//!
//! Every scenario starts 20 tasks on a 4-thread runtime and releases them together with a
//! barrier. Runs on SQLite (whose pool has one connection, so statements serialise, though the
//! tasks still interleave between statements) and on PostgreSQL when `TEST_DATABASE_URL` is set,
//! which is where the races are real.

mod support_isolation;

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;

use support_isolation::*;
use tiktickets_domain::enums::{MediaType, MessageAck, MessageStatus, TicketChannel, TicketStatus};
use tiktickets_domain::ids::{ContactId, WhatsappId};
use tiktickets_domain::phone::ContactNumber;
use tiktickets_domain::store::Stores;
use tiktickets_domain::store::contacts::{Contact, InboundContact};
use tiktickets_domain::store::inbox::{InboundWrite, InboundWritten};
use tiktickets_domain::store::messages::NewMessage;
use tiktickets_domain::store::tickets::{InboundResolution, InboundTicketRequest, TicketPatch};
use tiktickets_domain::{Result, TenantCtx};
use tiktickets_test_support::TestDb;
use tokio::sync::Barrier;

/// How many concurrent calls each scenario makes.
const N: usize = 20;

/// Runs `make(i)` for `i in 0..n` as spawned tasks released together; results in `i` order.
async fn together<T, F, Fut>(n: usize, make: F) -> Vec<T>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let barrier = Arc::clone(&barrier);
            let fut = make(i);
            tokio::spawn(async move {
                barrier.wait().await;
                fut.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for h in handles {
        out.push(h.await.unwrap_or_else(|e| panic!("task failed: {e}")));
    }
    out
}

/// Opens up to `N` pooled connections before a race: the PostgreSQL pool starts with one, and
/// tasks queued behind the opening of new connections would otherwise run one after another.
async fn warm_up(stores: &Stores, cx: TenantCtx) {
    for _ in 0..3 {
        let stores = stores.clone();
        together(N, move |_| {
            let stores = stores.clone();
            async move { stores.settings.list(&cx).await.map(drop) }
        })
        .await
        .into_iter()
        .for_each(|r| r.unwrap_or_else(|e| panic!("warm-up query: {e:?}")));
    }
}

/// A tenant with one channel, seen by the system (as inbound sessions are).
struct Scene {
    env: Env,
    cx: TenantCtx,
    channel: WhatsappId,
}

impl Scene {
    async fn new(tdb: TestDb) -> Scene {
        let env = Env::open(tdb).await;
        let tenant = new_tenant(&env.stores, "Concurrent Ltda").await;
        let cx = TenantCtx::system(tenant.id);
        let channel = env
            .stores
            .channels
            .create(&cx, channel_input(CHANNEL_NAME, true))
            .await
            .unwrap_or_else(|e| panic!("[{}] channel: {e:?}", env.backend()))
            .id;
        warm_up(&env.stores, cx).await;
        Scene { env, cx, channel }
    }

    fn stores(&self) -> Stores {
        self.env.stores.clone()
    }

    fn backend(&self) -> &'static str {
        self.env.backend()
    }

    /// N concurrent `upsert_inbound` calls for `numbers[i % numbers.len()]`.
    async fn upsert_together(&self, numbers: &[ContactNumber]) -> Vec<Result<Contact>> {
        let (stores, cx) = (self.stores(), self.cx);
        let numbers = numbers.to_vec();
        together(N, move |i| {
            let stores = stores.clone();
            let inbound = InboundContact {
                number: numbers[i % numbers.len()].clone(),
                name: Some("Cliente Novo".to_owned()),
                pushname: Some(format!("push {}", i % 2)),
                profile_pic_url: None,
                is_user: Some(true),
                is_wa_contact: Some(true),
            };
            async move { stores.contacts.upsert_inbound(&cx, inbound).await }
        })
        .await
    }

    /// N concurrent inbound find-or-create calls for `contact` on the scene's channel.
    async fn inbound_together(
        &self,
        contact: ContactId,
    ) -> Vec<Result<(tiktickets_domain::store::tickets::Ticket, InboundResolution)>> {
        let (stores, cx, channel) = (self.stores(), self.cx, self.channel);
        together(N, move |_| {
            let stores = stores.clone();
            let req = InboundTicketRequest {
                contact_id: contact,
                whatsapp_id: channel,
                from_me: false,
                is_group: false,
                channel: TicketChannel::Whatsapp,
                unread_count: 1,
            };
            async move { stores.tickets.find_or_create_for_inbound(&cx, req).await }
        })
        .await
    }

    /// One contact for `raw`, made directly.
    async fn contact(&self, raw: &str) -> Contact {
        self.env
            .stores
            .contacts
            .upsert_inbound(
                &self.cx,
                InboundContact {
                    number: number(raw),
                    name: Some("Cliente".to_owned()),
                    pushname: None,
                    profile_pic_url: None,
                    is_user: None,
                    is_wa_contact: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("[{}] contact: {e:?}", self.backend()))
    }
}

fn ok_all<T: std::fmt::Debug>(backend: &str, what: &str, results: Vec<Result<T>>) -> Vec<T> {
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|e| panic!("[{backend}] {what}: call {i} failed: {e:?}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inbound_for_one_new_contact_makes_one_contact_and_one_ticket() {
    for tdb in TestDb::all().await {
        let scene = Scene::new(tdb).await;
        let backend = scene.backend();
        let s = scene.stores();
        let cx = scene.cx;
        let raw = "5511977770000";

        let contacts = ok_all(
            backend,
            "upsert_inbound",
            scene.upsert_together(&[number(raw)]).await,
        );
        let ids: BTreeSet<ContactId> = contacts.iter().map(|c| c.id).collect();
        assert_eq!(
            ids.len(),
            1,
            "[{backend}] one contact id for all calls: {ids:?}"
        );
        let listed = s.contacts.list(&cx, None, big_page()).await.expect("list");
        assert_eq!(listed.count, 1, "[{backend}] one contact row: {listed:?}");
        let contact = listed.items[0].clone();
        assert_eq!(contact.number.as_deref(), Some(raw), "[{backend}]");
        assert_eq!(contact.name, "Cliente Novo", "[{backend}]");

        let tickets = ok_all(
            backend,
            "find_or_create_for_inbound",
            scene.inbound_together(contact.id).await,
        );
        let ids: BTreeSet<_> = tickets.iter().map(|(t, _)| t.id).collect();
        assert_eq!(
            ids.len(),
            1,
            "[{backend}] one ticket id for all calls: {ids:?}"
        );
        let created = tickets
            .iter()
            .filter(|(_, how)| *how == InboundResolution::Created)
            .count();
        let existing = tickets
            .iter()
            .filter(|(_, how)| *how == InboundResolution::Existing)
            .count();
        assert_eq!(
            (created, existing),
            (1, N - 1),
            "[{backend}] one call creates, the others find it"
        );
        let listed = s.tickets.list(&cx, &all_tickets()).await.expect("list");
        assert_eq!(listed.count, 1, "[{backend}] one ticket row: {listed:?}");
        let ticket = &listed.items[0];
        assert_eq!(
            (ticket.status, ticket.contact_id, ticket.whatsapp_id),
            (TicketStatus::Pending, Some(contact.id), Some(scene.channel)),
            "[{backend}]"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deliveries_of_one_whatsapp_message_store_one_row() {
    for tdb in TestDb::all().await {
        let scene = Scene::new(tdb).await;
        let backend = scene.backend();
        let s = scene.stores();
        let cx = scene.cx;
        let contact = scene.contact("5511977770001").await;
        let (ticket, _) = s
            .tickets
            .find_or_create_for_inbound(
                &cx,
                InboundTicketRequest {
                    contact_id: contact.id,
                    whatsapp_id: scene.channel,
                    from_me: false,
                    is_group: false,
                    channel: TicketChannel::Whatsapp,
                    unread_count: 1,
                },
            )
            .await
            .expect("ticket");

        let provider_id = "wamid.CONCURRENT.0001";
        let results = {
            let s = s.clone();
            together(N, move |i| {
                let s = s.clone();
                let msg = inbound_message(
                    ticket.id,
                    Some(contact.id),
                    Some(provider_id),
                    &format!("delivery {i}"),
                );
                async move { s.messages.insert(&cx, msg).await }
            })
            .await
        };
        let inserted = ok_all(backend, "messages.insert", results);
        let fresh = inserted.iter().filter(|x| !x.duplicate).count();
        let dups = inserted.iter().filter(|x| x.duplicate).count();
        assert_eq!(
            (fresh, dups),
            (1, N - 1),
            "[{backend}] exactly one delivery stores the row"
        );
        let ids: BTreeSet<String> = inserted
            .iter()
            .map(|x| x.message.id.as_str().to_owned())
            .collect();
        assert_eq!(
            ids.len(),
            1,
            "[{backend}] one internal id for all calls: {ids:?}"
        );

        let page = s
            .messages
            .list_for_ticket(&cx, ticket.id, big_page())
            .await
            .expect("list");
        assert_eq!(page.count, 1, "[{backend}] one message row: {page:?}");
        let stored = &page.items[0];
        assert_eq!(
            stored.message_id.as_deref(),
            Some(provider_id),
            "[{backend}]"
        );
        for (i, x) in inserted.iter().enumerate() {
            assert_eq!(
                &x.message, stored,
                "[{backend}] call {i} (duplicate={}) returns the stored row",
                x.duplicate
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_setting_upserts_keep_one_row() {
    for tdb in TestDb::all().await {
        let scene = Scene::new(tdb).await;
        let backend = scene.backend();
        let s = scene.stores();
        let cx = scene.cx;
        let key = "concurrentKey";
        let results = {
            let s = s.clone();
            together(N, move |i| {
                let s = s.clone();
                async move { s.settings.upsert(&cx, key, &format!("value {i}")).await }
            })
            .await
        };
        let settings = ok_all(backend, "settings.upsert", results);
        let ids: BTreeSet<_> = settings.iter().map(|x| x.id).collect();
        assert_eq!(
            ids.len(),
            1,
            "[{backend}] one setting id for all calls: {ids:?}"
        );
        let rows: Vec<_> = s
            .settings
            .list(&cx)
            .await
            .expect("list")
            .into_iter()
            .filter(|x| x.key == key)
            .collect();
        assert_eq!(rows.len(), 1, "[{backend}] one row for the key: {rows:?}");
        let written: BTreeSet<String> = (0..N).map(|i| format!("value {i}")).collect();
        assert!(
            written.contains(&rows[0].value),
            "[{backend}] the stored value is one of the written ones: {:?}",
            rows[0].value
        );
        assert_eq!(
            s.settings.get(&cx, key).await.expect("get"),
            Some(rows[0].clone()),
            "[{backend}]"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inbound_on_a_closed_ticket_reopens_the_same_ticket() {
    for tdb in TestDb::all().await {
        let scene = Scene::new(tdb).await;
        let backend = scene.backend();
        let s = scene.stores();
        let cx = scene.cx;
        let contact = scene.contact("5511977770002").await;
        let first = ok_all(
            backend,
            "first inbound",
            vec![
                s.tickets
                    .find_or_create_for_inbound(
                        &cx,
                        InboundTicketRequest {
                            contact_id: contact.id,
                            whatsapp_id: scene.channel,
                            from_me: false,
                            is_group: false,
                            channel: TicketChannel::Whatsapp,
                            unread_count: 1,
                        },
                    )
                    .await,
            ],
        );
        let original = first[0].0.clone();
        let closed = s
            .tickets
            .update(
                &cx,
                original.id,
                TicketPatch {
                    status: Some(TicketStatus::Closed),
                    closed_at: Some(Some(1_700_000_000_000)),
                    ..TicketPatch::default()
                },
            )
            .await
            .expect("close");
        assert_eq!(closed.status, TicketStatus::Closed, "[{backend}]");

        let results = ok_all(
            backend,
            "find_or_create_for_inbound after close",
            scene.inbound_together(contact.id).await,
        );
        let ids: BTreeSet<_> = results.iter().map(|(t, _)| t.id).collect();
        assert_eq!(
            ids,
            BTreeSet::from([original.id]),
            "[{backend}] every call resolves to the closed ticket"
        );
        let reopened = results
            .iter()
            .filter(|(_, how)| *how == InboundResolution::Reopened)
            .count();
        let existing = results
            .iter()
            .filter(|(_, how)| *how == InboundResolution::Existing)
            .count();
        assert_eq!(
            (reopened, existing),
            (1, N - 1),
            "[{backend}] one call reopens, the others find it open"
        );
        let listed = s.tickets.list(&cx, &all_tickets()).await.expect("list");
        assert_eq!(listed.count, 1, "[{backend}] still one ticket: {listed:?}");
        assert_eq!(listed.items[0].id, original.id, "[{backend}]");
        assert_eq!(
            listed.items[0].status,
            TicketStatus::Pending,
            "[{backend}] reopened as pending"
        );
    }
}

/// A Brazilian mobile is one person with or without its ninth digit (`find_by_number` treats
/// both forms as one contact); concurrent first messages in both forms must not make two.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inbound_with_both_forms_of_one_brazilian_number_makes_one_contact() {
    let mut outcomes = Vec::new();
    for tdb in TestDb::all().await {
        let scene = Scene::new(tdb).await;
        let backend = scene.backend();
        let s = scene.stores();
        let with_nine = number("5511977773333");
        let without_nine = number("551177773333");
        let contacts = ok_all(
            backend,
            "upsert_inbound",
            scene.upsert_together(&[with_nine, without_nine]).await,
        );
        let ids: BTreeSet<ContactId> = contacts.iter().map(|c| c.id).collect();
        let listed = s
            .contacts
            .list(&scene.cx, None, big_page())
            .await
            .expect("list");
        let numbers: Vec<_> = listed.items.iter().map(|c| c.number.clone()).collect();
        outcomes.push((backend, ids.len(), listed.count, numbers));
    }
    assert!(
        outcomes
            .iter()
            .all(|(_, ids, rows, _)| (*ids, *rows) == (1, 1)),
        "one contact for both forms of the number, per backend (backend, ids, rows, numbers): \
         {outcomes:?}"
    );
}

/// Rule W-1: a tenant has one default channel. Its first channels, created at the same time,
/// must not all become the default. Five tenants per backend, so that a lost race shows up on
/// (almost) every run rather than now and then.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_channels_leave_one_default() {
    const ROUNDS: usize = 5;
    let mut outcomes = Vec::new();
    for tdb in TestDb::all().await {
        let env = Env::open(tdb).await;
        let backend = env.backend();
        let mut defaults_per_tenant = Vec::new();
        for round in 0..ROUNDS {
            let tenant = new_tenant(&env.stores, &format!("Channels {round}")).await;
            let cx = TenantCtx::system(tenant.id);
            warm_up(&env.stores, cx).await;
            let results = {
                let s = env.stores.clone();
                together(N, move |i| {
                    let s = s.clone();
                    async move {
                        s.channels
                            .create(&cx, channel_input(&format!("Whatsapp {i:02}"), false))
                            .await
                    }
                })
                .await
            };
            ok_all(backend, "channels.create", results);
            let channels = env.stores.channels.list(&cx).await.expect("list");
            assert_eq!(channels.len(), N, "[{backend}]");
            defaults_per_tenant.push(channels.iter().filter(|c| c.is_default).count());
        }
        outcomes.push((backend, defaults_per_tenant));
    }
    assert!(
        outcomes
            .iter()
            .all(|(_, per_tenant)| per_tenant.iter().all(|d| *d == 1)),
        "exactly one default channel per tenant (backend, defaults of each tenant): {outcomes:?}"
    );
}

/// One inbound message for the inbox write: from `number`, provider id `id`.
fn inbox_write(channel: WhatsappId, raw_number: &str, id: &str) -> InboundWrite {
    InboundWrite {
        channel,
        sender: InboundContact {
            number: self::number(raw_number),
            name: Some("Cliente Inbox".to_owned()),
            pushname: Some("Cliente Inbox".to_owned()),
            profile_pic_url: None,
            is_user: Some(true),
            is_wa_contact: Some(true),
        },
        group: None,
        from_me: false,
        message: NewMessage {
            message_id: Some(id.to_owned()),
            ticket_id: tiktickets_domain::ids::TicketId::new(0),
            contact_id: None,
            body: format!("mensagem {id}"),
            from_me: false,
            read: false,
            media_type: Some(MediaType::Chat),
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
        },
        quoted_provider_id: None,
        at_ms: 1_700_000_000_000,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inbox_writes_store_each_message_once_with_one_contact_and_ticket_per_number() {
    for tdb in TestDb::all().await {
        let scene = Scene::new(tdb).await;
        let backend = scene.backend();
        let (stores, cx, channel) = (scene.stores(), scene.cx, scene.channel);
        // Two new numbers; every provider id is delivered twice.
        let numbers = ["5511966660001", "5511966660002"];
        let written = together(N, move |i| {
            let stores = stores.clone();
            let write = inbox_write(channel, numbers[i % 2], &format!("inbox-{}", i % (N / 2)));
            async move { stores.inbox.write_inbound(&cx, write).await }
        })
        .await;
        let written = ok_all(backend, "write_inbound", written);
        let stored = written
            .iter()
            .filter(|w| matches!(w, InboundWritten::Stored { .. }))
            .count();
        assert_eq!(stored, N / 2, "[{backend}] each provider id stored once");
        let s = scene.stores();
        let contacts = s.contacts.list(&cx, None, big_page()).await.expect("list");
        assert_eq!(contacts.count, 2, "[{backend}] one contact per number");
        let tickets = s.tickets.list(&cx, &all_tickets()).await.expect("list");
        assert_eq!(tickets.count, 2, "[{backend}] one ticket per contact");
        let mut messages = 0;
        let mut unread = 0;
        for t in &tickets.items {
            messages += s
                .messages
                .list_for_ticket(&cx, t.id, big_page())
                .await
                .expect("messages")
                .count;
            unread += t.unread_messages.unwrap_or(0);
        }
        assert_eq!(
            messages,
            (N / 2) as u64,
            "[{backend}] every message stored once"
        );
        assert_eq!(
            unread,
            (N / 2) as i32,
            "[{backend}] counters moved once per message"
        );
    }
}
