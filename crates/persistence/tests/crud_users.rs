//! CRUD and rules of the user and queue stores, on SQLite and (when configured) PostgreSQL.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;

use support_crud::*;
use tiktickets_domain::enums::{TicketStatus, UserProfile, UserStatus};
use tiktickets_domain::ids::QueueId;
use tiktickets_domain::store::queues::QueueInput;
use tiktickets_domain::store::tenants::TenantPatch;
use tiktickets_domain::store::tickets::{NewTicket, TicketPatch};
use tiktickets_domain::store::users::UserPatch;
use tiktickets_domain::{PlatformCtx, TenantCtx};
use tiktickets_test_support::TestDb;

// ------------------------------------------------------------------ users

#[tokio::test]
async fn user_create_get_update_delete_round_trip() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let mut input = new_user("  Bruno  ", "bruno@a.example", UserProfile::User);
        input.configs = Some(serde_json::json!({ "theme": "dark" }));
        let created = env.stores.users.create(&env.cx, input).await.expect(b);
        assert_eq!(created.name, "Bruno", "{b}: name is trimmed");
        assert_eq!(created.tenant_id, env.tenant, "{b}");
        assert_eq!(created.profile, UserProfile::User, "{b}");
        assert_eq!(created.status, UserStatus::Offline, "{b}");
        assert_eq!(created.token_version, 0, "{b}");
        assert_eq!(
            created.configs,
            Some(serde_json::json!({ "theme": "dark" })),
            "{b}"
        );
        assert_eq!(
            env.stores.users.get(&env.cx, created.id).await.expect(b),
            created,
            "{b}"
        );
        assert_eq!(
            env.stores.users.count(&env.cx).await.expect(b),
            2,
            "{b}: admin + Bruno"
        );

        let login = at(3, 8);
        let patch = UserPatch {
            name: Some("Bruno Souza".into()),
            email: Some("Bruno.Souza@A.example".into()),
            profile: Some(UserProfile::Admin),
            status: Some(UserStatus::Online),
            is_online: Some(true),
            last_login: Some(login),
            configs: Some(serde_json::json!({ "theme": "light" })),
            ..UserPatch::default()
        };
        let updated = env
            .stores
            .users
            .update(&env.cx, created.id, patch)
            .await
            .expect(b);
        let read = env.stores.users.get(&env.cx, created.id).await.expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(read.name, "Bruno Souza", "{b}");
        assert_eq!(
            read.email, "bruno.souza@a.example",
            "{b}: e-mail lowercased on update too"
        );
        assert_eq!(read.profile, UserProfile::Admin, "{b}");
        assert_eq!(read.status, UserStatus::Online, "{b}");
        assert_eq!(read.is_online, Some(true), "{b}");
        assert_eq!(read.last_login, Some(login), "{b}");
        assert_eq!(
            read.configs,
            Some(serde_json::json!({ "theme": "light" })),
            "{b}"
        );
        assert_eq!(read.token_version, 0, "{b}: no password change, no bump");

        env.stores.users.delete(&env.cx, created.id).await.expect(b);
        assert_not_found(
            env.stores.users.get(&env.cx, created.id).await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_not_found(
            env.stores.users.delete(&env.cx, created.id).await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .users
                .update(&env.cx, created.id, UserPatch::default())
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_eq!(env.stores.users.count(&env.cx).await.expect(b), 1, "{b}");
    }
}

#[tokio::test]
async fn user_email_is_stored_lowercase() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let user = env
            .user("Carla", "Carla.Mendes@Example.ORG", UserProfile::User)
            .await;
        assert_eq!(user.email, "carla.mendes@example.org", "{b}");
        assert_eq!(
            env.stores.users.get(&env.cx, user.id).await.expect(b).email,
            "carla.mendes@example.org",
            "{b}"
        );
    }
}

#[tokio::test]
async fn user_list_searches_and_pages() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        for (name, email) in [
            ("Carol", "carol@a.example"),
            ("Alice", "alice@a.example"),
            ("Bob", "robert@zeta.example"),
        ] {
            env.user(name, email, UserProfile::User).await;
        }
        let p1 = env
            .stores
            .users
            .list(&env.cx, None, page(1, 3))
            .await
            .expect(b);
        let names: Vec<&str> = p1.items.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["Admin", "Alice", "Bob"], "{b}: by name");
        assert_eq!((p1.count, p1.has_more), (4, true), "{b}");
        let p2 = env
            .stores
            .users
            .list(&env.cx, None, page(2, 3))
            .await
            .expect(b);
        let names: Vec<&str> = p2.items.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["Carol"], "{b}");
        assert_eq!((p2.count, p2.has_more), (4, false), "{b}");

        let by_name = env
            .stores
            .users
            .list(&env.cx, Some("ALI"), page(1, 10))
            .await
            .expect(b);
        assert_eq!(
            by_name
                .items
                .iter()
                .map(|u| u.name.as_str())
                .collect::<Vec<_>>(),
            ["Alice"],
            "{b}"
        );
        assert_eq!((by_name.count, by_name.has_more), (1, false), "{b}");
        let by_email = env
            .stores
            .users
            .list(&env.cx, Some("zeta"), page(1, 10))
            .await
            .expect(b);
        assert_eq!(
            by_email
                .items
                .iter()
                .map(|u| u.name.as_str())
                .collect::<Vec<_>>(),
            ["Bob"],
            "{b}"
        );
        let none = env
            .stores
            .users
            .list(&env.cx, Some("nobody-matches"), page(1, 10))
            .await
            .expect(b);
        assert_eq!(
            (none.items.len(), none.count, none.has_more),
            (0, 0, false),
            "{b}"
        );
    }
}

#[tokio::test]
async fn duplicate_email_even_in_another_tenant_is_a_conflict() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, other_cx) = env.other_tenant("Tenant B", "admin@b.example").await;
        env.user("Dora", "dora@shared.example", UserProfile::User)
            .await;
        assert_conflict(
            env.stores
                .users
                .create(
                    &env.cx,
                    new_user("Dora 2", "dora@shared.example", UserProfile::User),
                )
                .await,
            "ERR_EMAIL_ALREADY_EXISTS",
            &format!("{b}: same tenant"),
        );
        assert_conflict(
            env.stores
                .users
                .create(
                    &other_cx,
                    new_user("Dora B", "DORA@Shared.example", UserProfile::User),
                )
                .await,
            "ERR_EMAIL_ALREADY_EXISTS",
            &format!("{b}: other tenant, other case"),
        );
        let eve = env.user("Eve", "eve@a.example", UserProfile::User).await;
        assert_conflict(
            env.stores
                .users
                .update(
                    &env.cx,
                    eve.id,
                    UserPatch {
                        email: Some("Dora@shared.example".into()),
                        ..UserPatch::default()
                    },
                )
                .await,
            "ERR_EMAIL_ALREADY_EXISTS",
            &format!("{b}: update to a used e-mail"),
        );
        assert_eq!(
            env.stores.users.get(&env.cx, eve.id).await.expect(b).email,
            "eve@a.example",
            "{b}"
        );
        assert_eq!(
            env.stores.users.count(&other_cx).await.expect(b),
            1,
            "{b}: only B's admin"
        );
    }
}

#[tokio::test]
async fn password_change_bumps_the_token_version() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let user = env
            .user("Fabio", "fabio@a.example", UserProfile::User)
            .await;
        let patch = UserPatch {
            password_hash: Some("new-hash".into()),
            ..UserPatch::default()
        };
        let updated = env
            .stores
            .users
            .update(&env.cx, user.id, patch)
            .await
            .expect(b);
        assert_eq!(updated.token_version, 1, "{b}");
        assert_eq!(
            env.stores
                .users
                .get(&env.cx, user.id)
                .await
                .expect(b)
                .token_version,
            1,
            "{b}"
        );
        assert_eq!(
            env.stores
                .users
                .password_hash(&env.cx, user.id)
                .await
                .expect(b),
            "new-hash",
            "{b}"
        );
        assert_not_found(
            env.stores
                .users
                .password_hash(&env.cx, missing_user())
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn bump_token_version_returns_and_stores_the_next_version() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let user = env.user("Gil", "gil@a.example", UserProfile::User).await;
        assert_eq!(
            env.stores
                .users
                .bump_token_version(&env.cx, user.id)
                .await
                .expect(b),
            1,
            "{b}"
        );
        assert_eq!(
            env.stores
                .users
                .bump_token_version(&env.cx, user.id)
                .await
                .expect(b),
            2,
            "{b}"
        );
        assert_eq!(
            env.stores
                .users
                .get(&env.cx, user.id)
                .await
                .expect(b)
                .token_version,
            2,
            "{b}"
        );
        assert_not_found(
            env.stores
                .users
                .bump_token_version(&env.cx, missing_user())
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn set_queues_replaces_and_dedups() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let user = env.user("Hugo", "hugo@a.example", UserProfile::User).await;
        let (q1, q2, q3) = (
            env.queue("Sales").await,
            env.queue("Support").await,
            env.queue("Billing").await,
        );
        let ids = |qs: &[tiktickets_domain::store::queues::Queue]| {
            qs.iter().map(|q| q.id).collect::<Vec<QueueId>>()
        };

        let set = env
            .stores
            .users
            .set_queues(&env.cx, user.id, &[q2.id, q1.id, q2.id])
            .await
            .expect(b);
        assert_eq!(ids(&set), vec![q1.id, q2.id], "{b}: deduplicated, by id");
        assert_eq!(
            ids(&env.stores.users.queues(&env.cx, user.id).await.expect(b)),
            vec![q1.id, q2.id],
            "{b}"
        );

        env.stores
            .users
            .set_queues(&env.cx, user.id, &[q3.id])
            .await
            .expect(b);
        assert_eq!(
            ids(&env.stores.users.queues(&env.cx, user.id).await.expect(b)),
            vec![q3.id],
            "{b}: replaced"
        );

        assert_not_found(
            env.stores
                .users
                .set_queues(&env.cx, user.id, &[q1.id, missing_queue()])
                .await,
            "ERR_QUEUE_NOT_FOUND",
            b,
        );
        assert_eq!(
            ids(&env.stores.users.queues(&env.cx, user.id).await.expect(b)),
            vec![q3.id],
            "{b}: a refused set changes nothing"
        );

        env.stores
            .users
            .set_queues(&env.cx, user.id, &[])
            .await
            .expect(b);
        assert!(
            env.stores
                .users
                .queues(&env.cx, user.id)
                .await
                .expect(b)
                .is_empty(),
            "{b}: cleared"
        );
        assert_not_found(
            env.stores
                .users
                .set_queues(&env.cx, missing_user(), &[q1.id])
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn deleting_a_user_returns_their_open_tickets_to_pending() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let agent = env.user("Iris", "iris@a.example", UserProfile::User).await;
        let channel = env.channel("Main").await;
        let (c1, c2) = (
            env.contact("Open One", "5511911112222").await,
            env.contact("Closed One", "5511933334444").await,
        );
        let assigned = |contact, status| NewTicket {
            user_id: Some(agent.id),
            ..new_ticket(contact, Some(channel.id), status)
        };
        let open = env
            .stores
            .tickets
            .create(&env.cx, assigned(c1.id, TicketStatus::Open))
            .await
            .expect(b);
        let closed = env
            .stores
            .tickets
            .create(&env.cx, assigned(c2.id, TicketStatus::Closed))
            .await
            .expect(b);
        assert_eq!(open.user_id, Some(agent.id), "{b}");

        env.stores.users.delete(&env.cx, agent.id).await.expect(b);
        let open = env.stores.tickets.get(&env.cx, open.id).await.expect(b);
        assert_eq!(
            open.status,
            TicketStatus::Pending,
            "{b}: open ticket back in the inbox"
        );
        assert_eq!(open.user_id, None, "{b}");
        let closed = env.stores.tickets.get(&env.cx, closed.id).await.expect(b);
        assert_eq!(
            closed.status,
            TicketStatus::Closed,
            "{b}: closed ticket stays closed"
        );
        assert_eq!(closed.user_id, None, "{b}");
    }
}

#[tokio::test]
async fn deleting_the_tenant_owner_is_a_conflict_and_changes_nothing() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let owner = env
            .user("Owner", "owner@a.example", UserProfile::Admin)
            .await;
        let patch = TenantPatch {
            owner_id: Some(Some(owner.id)),
            ..TenantPatch::default()
        };
        env.stores
            .tenants
            .update(&PlatformCtx::system(), env.tenant, patch)
            .await
            .expect(b);
        let (contact, channel) = (
            env.contact("Client", "5511911112222").await,
            env.channel("Main").await,
        );
        let open = env
            .stores
            .tickets
            .create(
                &env.cx,
                NewTicket {
                    user_id: Some(owner.id),
                    ..new_ticket(contact.id, Some(channel.id), TicketStatus::Open)
                },
            )
            .await
            .expect(b);

        assert_conflict(
            env.stores.users.delete(&env.cx, owner.id).await,
            "ERR_USER_HAS_RECORDS",
            b,
        );
        assert_eq!(
            env.stores.users.get(&env.cx, owner.id).await.expect(b).name,
            "Owner",
            "{b}: still there"
        );
        let open = env.stores.tickets.get(&env.cx, open.id).await.expect(b);
        assert_eq!(
            (open.status, open.user_id),
            (TicketStatus::Open, Some(owner.id)),
            "{b}: the refused delete rolled back the ticket changes"
        );
    }
}

// ----------------------------------------------------------------- queues

#[tokio::test]
async fn queue_create_get_list_update_delete_round_trip() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let created = env
            .stores
            .queues
            .create(
                &env.cx,
                QueueInput {
                    queue: "  Sales ".into(),
                    is_active: true,
                },
            )
            .await
            .expect(b);
        assert_eq!(created.queue, "Sales", "{b}: trimmed");
        assert_eq!(
            created.user_id,
            Some(env.admin.id),
            "{b}: the caller is the editor"
        );
        assert_eq!(created.tenant_id, env.tenant, "{b}");
        assert!(created.is_active, "{b}");
        assert_eq!(
            env.stores.queues.get(&env.cx, created.id).await.expect(b),
            created,
            "{b}"
        );
        let second = env.queue("Support").await;
        let listed: Vec<QueueId> = env
            .stores
            .queues
            .list(&env.cx)
            .await
            .expect(b)
            .iter()
            .map(|q| q.id)
            .collect();
        assert_eq!(listed, vec![created.id, second.id], "{b}: by id");

        let agent = env.user("Jo", "jo@a.example", UserProfile::User).await;
        let updated = env
            .stores
            .queues
            .update(
                &env.cx_as(&agent),
                created.id,
                QueueInput {
                    queue: "Inside Sales".into(),
                    is_active: false,
                },
            )
            .await
            .expect(b);
        let read = env.stores.queues.get(&env.cx, created.id).await.expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(
            (read.queue.as_str(), read.is_active),
            ("Inside Sales", false),
            "{b}"
        );
        assert_eq!(read.user_id, Some(agent.id), "{b}: last editor");

        env.stores
            .queues
            .delete(&env.cx, created.id)
            .await
            .expect(b);
        assert_not_found(
            env.stores.queues.get(&env.cx, created.id).await,
            "ERR_QUEUE_NOT_FOUND",
            b,
        );
        assert_not_found(
            env.stores.queues.delete(&env.cx, created.id).await,
            "ERR_QUEUE_NOT_FOUND",
            b,
        );
        assert_eq!(
            env.stores.queues.list(&env.cx).await.expect(b).len(),
            1,
            "{b}"
        );
    }
}

#[tokio::test]
async fn queue_used_by_a_ticket_cannot_be_deleted() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let queue = env.queue("Sales").await;
        let (contact, channel) = (
            env.contact("Kim", "5511955556666").await,
            env.channel("Main").await,
        );
        let ticket = env
            .stores
            .tickets
            .create(
                &env.cx,
                NewTicket {
                    queue_id: Some(queue.id),
                    ..new_ticket(contact.id, Some(channel.id), TicketStatus::Pending)
                },
            )
            .await
            .expect(b);
        assert_eq!(ticket.queue_id, Some(queue.id), "{b}");
        assert_conflict(
            env.stores.queues.delete(&env.cx, queue.id).await,
            "ERR_QUEUE_TICKET_EXISTS",
            b,
        );
        assert_eq!(
            env.stores
                .queues
                .get(&env.cx, queue.id)
                .await
                .expect(b)
                .queue,
            "Sales",
            "{b}: still there"
        );

        env.stores
            .tickets
            .update(
                &env.cx,
                ticket.id,
                TicketPatch {
                    queue_id: Some(None),
                    ..TicketPatch::default()
                },
            )
            .await
            .expect(b);
        env.stores.queues.delete(&env.cx, queue.id).await.expect(b);
        assert_not_found(
            env.stores.queues.get(&env.cx, queue.id).await,
            "ERR_QUEUE_NOT_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn system_context_creates_queues_without_an_editor() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let queue = env
            .stores
            .queues
            .create(
                &TenantCtx::system(env.tenant),
                QueueInput {
                    queue: "Bot".into(),
                    is_active: true,
                },
            )
            .await
            .expect(b);
        assert_eq!(queue.user_id, None, "{b}");
        assert_eq!(
            env.stores
                .queues
                .get(&env.cx, queue.id)
                .await
                .expect(b)
                .tenant_id,
            env.tenant,
            "{b}"
        );
    }
}

// ------------------------------------------------------- search semantics

/// Names of the users a search returns.
async fn user_search(env: &Env, term: &str) -> Vec<String> {
    let found = env
        .stores
        .users
        .list(&env.cx, Some(term), page(1, 10))
        .await
        .expect(env.backend);
    found.items.into_iter().map(|u| u.name).collect()
}

#[tokio::test]
#[ignore = "known gap: SQLite's lower() folds ASCII only; needs a normalised search column"]
async fn user_search_matches_accented_names_in_any_case() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        env.user("Élida Ramos", "er@a.example", UserProfile::User)
            .await;
        env.user("Elias Rocha", "el@a.example", UserProfile::User)
            .await;
        for term in ["Élida", "élida", "ÉLIDA"] {
            assert_eq!(
                user_search(&env, term).await,
                ["Élida Ramos"],
                "{b}: search {term:?}"
            );
        }
    }
}

#[tokio::test]
async fn user_search_treats_like_wildcards_literally() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        env.user("Ana_Maria", "anam@a.example", UserProfile::User)
            .await;
        env.user("AnaXMaria", "anax@a.example", UserProfile::User)
            .await;
        assert_eq!(
            user_search(&env, "a_m").await,
            ["Ana_Maria"],
            "{b}: '_' is a character, not a wildcard"
        );
        assert!(
            user_search(&env, "%").await.is_empty(),
            "{b}: no name or e-mail contains '%'"
        );
    }
}
