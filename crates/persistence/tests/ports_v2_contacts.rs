//! The contact-port additions (`query` with its filters and the wallet visibility rule,
//! `get_many`, `tags_of_many`, `count_created_between`) and `UserStore::rehash_password`, on
//! every backend.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;

use chrono::Duration;
use support_crud::*;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::ids::ContactId;
use tiktickets_domain::store::contacts::{Contact, ContactQuery};
use tiktickets_domain::store::users::UserPatch;
use tiktickets_test_support::TestDb;

fn names(contacts: &[Contact]) -> Vec<&str> {
    contacts.iter().map(|c| c.name.as_str()).collect()
}

async fn query(env: &Env, cx: &TenantCtx, q: ContactQuery) -> (u64, Vec<String>) {
    let page = env.stores.contacts.query(cx, &q).await.expect(env.backend);
    (
        page.count,
        names(&page.items).into_iter().map(str::to_owned).collect(),
    )
}

fn all() -> ContactQuery {
    ContactQuery::all(page(1, 100))
}

#[tokio::test]
async fn contact_query_filters() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let cx = env.cx;
        let agent = env
            .user("Agent", "agent@a.example", UserProfile::User)
            .await;
        let other = env
            .user("Other", "other@a.example", UserProfile::User)
            .await;
        // Names chosen so that "by name" is easy to read.
        let ana = env.contact("Ana Free", "5511911110001").await;
        let bia = env.contact("Bia Mine", "5511911110002").await;
        let caio = env.contact("Caio Theirs", "5511911110003").await;
        let duda = env.contact("Duda Shared", "5511911110004").await;
        let group = env.contact("Eva Group", "120363012345678901@g.us").await;
        let vip = env.tag("VIP", true).await;
        let late = env.tag("Late", true).await;
        for (contact, users) in [
            (bia.id, vec![agent.id]),
            (caio.id, vec![other.id]),
            (duda.id, vec![agent.id, other.id]),
        ] {
            env.stores
                .contacts
                .set_wallets(&cx, contact, &users)
                .await
                .expect(b);
        }
        env.stores
            .contacts
            .set_tags(&cx, ana.id, &[vip.id])
            .await
            .expect(b);
        env.stores
            .contacts
            .set_tags(&cx, caio.id, &[vip.id, late.id])
            .await
            .expect(b);

        // Tenant B: a contact without wallet (would be "visible" to anyone) and a tagged one.
        let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        let b_contact = env
            .stores
            .contacts
            .create(&cx_b, contact_input("Ana B", Some("5511911110001")))
            .await
            .expect(b);
        let tag_b = env
            .stores
            .tags
            .create(&cx_b, tag_input("VIP", true))
            .await
            .expect(b);
        env.stores
            .contacts
            .set_tags(&cx_b, b_contact.id, &[tag_b.id])
            .await
            .expect(b);

        let all_names = vec![
            "Ana Free",
            "Bia Mine",
            "Caio Theirs",
            "Duda Shared",
            "Eva Group",
        ];
        assert_eq!(
            query(&env, &cx, all()).await,
            (5, strings(&all_names)),
            "{b}"
        );

        // Search: name case-insensitively, or number.
        let search = |s: &str| ContactQuery {
            search: Some(s.to_owned()),
            ..all()
        };
        assert_eq!(
            query(&env, &cx, search("aNA")).await,
            (1, strings(&["Ana Free"])),
            "{b}"
        );
        assert_eq!(
            query(&env, &cx, search("1110003")).await,
            (1, strings(&["Caio Theirs"])),
            "{b}"
        );
        assert_eq!(
            query(&env, &cx, search("%")).await.0,
            0,
            "{b}: % is literal"
        );

        // Tags: any of them; B's tag id matches nothing in A.
        let tagged = |tags| ContactQuery {
            tag_ids: tags,
            ..all()
        };
        assert_eq!(
            query(&env, &cx, tagged(vec![vip.id])).await,
            (2, strings(&["Ana Free", "Caio Theirs"])),
            "{b}"
        );
        assert_eq!(
            query(&env, &cx, tagged(vec![late.id, vip.id])).await.0,
            2,
            "{b}: each contact once"
        );
        assert_eq!(query(&env, &cx, tagged(vec![tag_b.id])).await.0, 0, "{b}");

        // Wallets of given users.
        let wallets = |users| ContactQuery {
            wallet_ids: users,
            ..all()
        };
        assert_eq!(
            query(&env, &cx, wallets(vec![agent.id])).await,
            (2, strings(&["Bia Mine", "Duda Shared"])),
            "{b}"
        );
        assert_eq!(
            query(&env, &cx, wallets(vec![agent.id, other.id])).await,
            (3, strings(&["Bia Mine", "Caio Theirs", "Duda Shared"])),
            "{b}"
        );

        // Rule C-9: no wallet, or in the agent's wallet.
        let visible = |user| ContactQuery {
            visible_to: Some(user),
            ..all()
        };
        assert_eq!(
            query(&env, &env.cx_as(&agent), visible(agent.id)).await,
            (
                4,
                strings(&["Ana Free", "Bia Mine", "Duda Shared", "Eva Group"])
            ),
            "{b}: Caio is only in the other agent's wallet"
        );
        assert_eq!(
            query(&env, &cx, visible(other.id)).await,
            (
                4,
                strings(&["Ana Free", "Caio Theirs", "Duda Shared", "Eva Group"])
            ),
            "{b}"
        );
        // A's agent id in B's context: only B's contacts.
        assert_eq!(
            query(&env, &cx_b, visible(agent.id)).await,
            (1, strings(&["Ana B"])),
            "{b}"
        );

        // Groups, dates, combination and paging.
        let no_groups = ContactQuery {
            exclude_groups: true,
            ..all()
        };
        assert_eq!(query(&env, &cx, no_groups.clone()).await.0, 4, "{b}");
        assert!(group.is_group, "{b}");
        let window = ContactQuery {
            created_from: Some(bia.created_at),
            created_to: Some(duda.created_at),
            ..all()
        };
        assert_eq!(
            query(&env, &cx, window).await,
            (2, strings(&["Bia Mine", "Caio Theirs"])),
            "{b}: [from, to)"
        );
        let future = ContactQuery {
            created_from: Some(group.created_at + Duration::seconds(1)),
            ..all()
        };
        assert_eq!(query(&env, &cx, future).await.0, 0, "{b}");
        let combined = ContactQuery {
            visible_to: Some(agent.id),
            exclude_groups: true,
            tag_ids: vec![vip.id],
            ..all()
        };
        assert_eq!(
            query(&env, &cx, combined).await,
            (1, strings(&["Ana Free"])),
            "{b}"
        );
        let second_page = ContactQuery {
            page: page(2, 2),
            ..no_groups
        };
        assert_eq!(
            query(&env, &cx, second_page).await,
            (4, strings(&["Caio Theirs", "Duda Shared"])),
            "{b}: count of all matches, items of page 2"
        );
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn get_many_and_tags_of_many_ignore_other_tenants() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let cx = env.cx;
        let c1 = env.contact("One", "5511911110001").await;
        let c2 = env.contact("Two", "5511911110002").await;
        let c3 = env.contact("Three", "5511911110003").await;
        let vip = env.tag("VIP", true).await;
        let late = env.tag("Late", true).await;
        env.stores
            .contacts
            .set_tags(&cx, c1.id, &[vip.id, late.id])
            .await
            .expect(b);
        env.stores
            .contacts
            .set_tags(&cx, c3.id, &[vip.id])
            .await
            .expect(b);
        let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        let cb = env
            .stores
            .contacts
            .create(&cx_b, contact_input("B", Some("5511911110009")))
            .await
            .expect(b);
        let tag_b = env
            .stores
            .tags
            .create(&cx_b, tag_input("B tag", true))
            .await
            .expect(b);
        env.stores
            .contacts
            .set_tags(&cx_b, cb.id, &[tag_b.id])
            .await
            .expect(b);

        let mut got = env
            .stores
            .contacts
            .get_many(&cx, &[c3.id, cb.id, missing_contact(), c1.id, c1.id])
            .await
            .expect(b);
        got.sort_by_key(|c| c.id.get());
        assert_eq!(
            got,
            vec![c1.clone(), c3.clone()],
            "{b}: B's and unknown ids skipped"
        );
        assert!(
            env.stores
                .contacts
                .get_many(&cx, &[])
                .await
                .expect(b)
                .is_empty(),
            "{b}"
        );
        assert!(
            env.stores
                .contacts
                .get_many(&cx, &[cb.id])
                .await
                .expect(b)
                .is_empty(),
            "{b}"
        );

        let mut pairs: Vec<(ContactId, String)> = env
            .stores
            .contacts
            .tags_of_many(&cx, &[c1.id, c2.id, c3.id, cb.id])
            .await
            .expect(b)
            .into_iter()
            .map(|(c, t)| (c, t.tag))
            .collect();
        pairs.sort_by(|x, y| (x.0.get(), &x.1).cmp(&(y.0.get(), &y.1)));
        assert_eq!(
            pairs,
            vec![
                (c1.id, "Late".to_owned()),
                (c1.id, "VIP".to_owned()),
                (c3.id, "VIP".to_owned()),
            ],
            "{b}: no pair of B's contact"
        );
        let full = env
            .stores
            .contacts
            .tags_of_many(&cx, &[c3.id])
            .await
            .expect(b);
        assert_eq!(full, vec![(c3.id, vip.clone())], "{b}: whole tag rows");
        assert!(
            env.stores
                .contacts
                .tags_of_many(&cx, &[cb.id])
                .await
                .expect(b)
                .is_empty(),
            "{b}"
        );
        assert_eq!(
            env.stores
                .contacts
                .tags_of_many(&cx_b, &[c1.id, cb.id])
                .await
                .expect(b),
            vec![(cb.id, tag_b)],
            "{b}: B sees only its own pairs"
        );
    }
}

#[tokio::test]
async fn count_created_between_is_half_open_and_scoped() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let first = env.contact("One", "5511911110001").await;
        let second = env.contact("Two", "5511911110002").await;
        let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        env.stores
            .contacts
            .create(&cx_b, contact_input("B", Some("5511911110009")))
            .await
            .expect(b);
        let count = |from, to| env.stores.contacts.count_created_between(&env.cx, from, to);
        let wide = (
            first.created_at - Duration::hours(1),
            second.created_at + Duration::hours(1),
        );
        assert_eq!(
            count(wide.0, wide.1).await.expect(b),
            2,
            "{b}: B's not counted"
        );
        assert_eq!(
            count(first.created_at, second.created_at).await.expect(b),
            1,
            "{b}: from inclusive, to exclusive"
        );
        assert_eq!(count(at(1, 0), at(2, 0)).await.expect(b), 0, "{b}");
    }
}

#[tokio::test]
async fn rehash_password_keeps_the_token_version() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let user = env
            .user("Agent", "agent@a.example", UserProfile::User)
            .await;
        // A password change bumps the version ...
        let changed = env
            .stores
            .users
            .update(
                &env.cx,
                user.id,
                UserPatch {
                    password_hash: Some("$2b$10$bcrypt".to_owned()),
                    ..UserPatch::default()
                },
            )
            .await
            .expect(b);
        assert_eq!(changed.token_version, user.token_version + 1, "{b}");
        // ... a rehash of the same password does not.
        env.stores
            .users
            .rehash_password(&env.cx, user.id, "$argon2id$v=19$m=19456,t=2,p=1$new")
            .await
            .expect(b);
        assert_eq!(
            env.stores
                .users
                .password_hash(&env.cx, user.id)
                .await
                .expect(b),
            "$argon2id$v=19$m=19456,t=2,p=1$new",
            "{b}"
        );
        let after = env.stores.users.get(&env.cx, user.id).await.expect(b);
        assert_eq!(after.token_version, changed.token_version, "{b}");
        let login = env
            .stores
            .tenants
            .find_login("agent@a.example")
            .await
            .expect(b)
            .expect("login record");
        assert_eq!(
            login.password_hash, "$argon2id$v=19$m=19456,t=2,p=1$new",
            "{b}"
        );

        // Another tenant cannot rehash A's user; an empty hash is refused.
        let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        assert_not_found(
            env.stores.users.rehash_password(&cx_b, user.id, "x").await,
            "ERR_NO_USER_FOUND",
            &format!("{b}: A's user from B"),
        );
        assert_not_found(
            env.stores
                .users
                .rehash_password(&env.cx, missing_user(), "x")
                .await,
            "ERR_NO_USER_FOUND",
            &format!("{b}: unknown user"),
        );
        assert_eq!(
            env.stores
                .users
                .password_hash(&env.cx, user.id)
                .await
                .expect(b),
            "$argon2id$v=19$m=19456,t=2,p=1$new",
            "{b}: unchanged by the refused calls"
        );
        assert!(
            env.stores
                .users
                .rehash_password(&env.cx, user.id, "")
                .await
                .is_err(),
            "{b}"
        );
    }
}
