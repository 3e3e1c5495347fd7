//! CRUD and rules of the contact store (numbers, inbound upsert, tags, wallets, custom fields),
//! on SQLite and (when configured) PostgreSQL.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;

use support_crud::*;
use tiktickets_domain::enums::{TicketStatus, UserProfile};
use tiktickets_domain::ids::{ContactId, CustomFieldId, TagId};
use tiktickets_domain::store::contacts::{ContactInput, CustomFieldInput, InboundContact};
use tiktickets_domain::store::tags::Tag;
use tiktickets_test_support::TestDb;

fn inbound(raw: &str, name: Option<&str>, pushname: Option<&str>) -> InboundContact {
    InboundContact {
        number: number(raw),
        name: name.map(str::to_owned),
        pushname: pushname.map(str::to_owned),
        profile_pic_url: None,
        is_user: None,
        is_wa_contact: None,
    }
}

fn tag_ids(tags: &[Tag]) -> Vec<TagId> {
    tags.iter().map(|t| t.id).collect()
}

// --------------------------------------------------------------- contacts

#[tokio::test]
async fn contact_create_get_update_delete_round_trip() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let input = ContactInput {
            name: "  Ana Lima ".into(),
            number: Some(number("+55 (11) 99999-8888")),
            email: Some("ana@example.com".into()),
            profile_pic_url: Some("https://pics.example/ana.jpg".into()),
        };
        let created = env.stores.contacts.create(&env.cx, input).await.expect(b);
        assert_eq!(created.name, "Ana Lima", "{b}: trimmed");
        assert_eq!(
            created.number.as_deref(),
            Some("5511999998888"),
            "{b}: digits only"
        );
        assert_eq!(created.email.as_deref(), Some("ana@example.com"), "{b}");
        assert_eq!(
            created.profile_pic_url.as_deref(),
            Some("https://pics.example/ana.jpg"),
            "{b}"
        );
        assert!(!created.is_group, "{b}");
        assert_eq!(created.tenant_id, env.tenant, "{b}");
        assert_eq!(
            env.stores.contacts.get(&env.cx, created.id).await.expect(b),
            created,
            "{b}"
        );

        let update = ContactInput {
            name: "Ana Lima Souza".into(),
            number: Some(number("5511977776666")),
            email: Some(String::new()),
            profile_pic_url: None,
        };
        let updated = env
            .stores
            .contacts
            .update(&env.cx, created.id, update)
            .await
            .expect(b);
        let read = env.stores.contacts.get(&env.cx, created.id).await.expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(read.name, "Ana Lima Souza", "{b}");
        assert_eq!(read.number.as_deref(), Some("5511977776666"), "{b}");
        assert_eq!(read.email, None, "{b}: an empty e-mail clears it");
        assert_eq!(
            read.profile_pic_url.as_deref(),
            Some("https://pics.example/ana.jpg"),
            "{b}: kept when not given"
        );

        env.stores
            .contacts
            .delete(&env.cx, created.id)
            .await
            .expect(b);
        assert_not_found(
            env.stores.contacts.get(&env.cx, created.id).await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            env.stores.contacts.delete(&env.cx, created.id).await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .contacts
                .update(&env.cx, created.id, contact_input("X", None))
                .await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_eq!(
            env.stores
                .contacts
                .find_by_number(&env.cx, &number("5511977776666"))
                .await
                .expect(b),
            None,
            "{b}"
        );
    }
}

#[tokio::test]
async fn group_numbers_create_group_contacts() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let group = env.contact("Family", "120363012345678901@g.us").await;
        assert!(group.is_group, "{b}");
        assert_eq!(
            group.number.as_deref(),
            Some("120363012345678901@g.us"),
            "{b}"
        );
        let no_number = env
            .stores
            .contacts
            .create(&env.cx, contact_input("Telegram Only", None))
            .await
            .expect(b);
        assert_eq!((no_number.number, no_number.is_group), (None, false), "{b}");
        // Contacts without a number (Instagram, Telegram) may repeat.
        let another = env
            .stores
            .contacts
            .create(&env.cx, contact_input("Instagram Only", None))
            .await
            .expect(b);
        assert_ne!(another.id, no_number.id, "{b}");
        assert_eq!(
            env.stores
                .contacts
                .list(&env.cx, None, page(1, 10))
                .await
                .expect(b)
                .count,
            3,
            "{b}"
        );
    }
}

#[tokio::test]
async fn contact_list_searches_and_pages() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        for (name, n) in [
            ("Daniel", "5521944445555"),
            ("Bruno", "5521911112222"),
            ("Carla", "5521977778888"),
            ("Ana", "5521966667777"),
        ] {
            env.contact(name, n).await;
        }
        let p1 = env
            .stores
            .contacts
            .list(&env.cx, None, page(1, 3))
            .await
            .expect(b);
        assert_eq!(
            p1.items.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["Ana", "Bruno", "Carla"],
            "{b}: by name"
        );
        assert_eq!((p1.count, p1.has_more), (4, true), "{b}");
        let p2 = env
            .stores
            .contacts
            .list(&env.cx, None, page(2, 3))
            .await
            .expect(b);
        assert_eq!(
            p2.items.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["Daniel"],
            "{b}"
        );
        assert_eq!((p2.count, p2.has_more), (4, false), "{b}");

        let by_name = env
            .stores
            .contacts
            .list(&env.cx, Some("BRU"), page(1, 10))
            .await
            .expect(b);
        assert_eq!(
            by_name
                .items
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["Bruno"],
            "{b}"
        );
        assert_eq!((by_name.count, by_name.has_more), (1, false), "{b}");
        let by_number = env
            .stores
            .contacts
            .list(&env.cx, Some("77778"), page(1, 10))
            .await
            .expect(b);
        assert_eq!(
            by_number
                .items
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["Carla"],
            "{b}"
        );
        let none = env
            .stores
            .contacts
            .list(&env.cx, Some("zzz"), page(1, 10))
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
async fn duplicate_contact_number_is_a_conflict() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let first = env.contact("First", "5511999998888").await;
        assert_conflict(
            env.stores
                .contacts
                .create(&env.cx, contact_input("Same", Some("5511999998888")))
                .await,
            "ERR_DUPLICATED_CONTACT",
            &format!("{b}: same form"),
        );
        assert_conflict(
            env.stores
                .contacts
                .create(&env.cx, contact_input("Other form", Some("551199998888")))
                .await,
            "ERR_DUPLICATED_CONTACT",
            &format!("{b}: without the ninth digit"),
        );
        let second = env.contact("Second", "5511911110000").await;
        assert_conflict(
            env.stores
                .contacts
                .update(
                    &env.cx,
                    second.id,
                    contact_input("Second", Some("5511999998888")),
                )
                .await,
            "ERR_DUPLICATED_CONTACT",
            &format!("{b}: update to a used number"),
        );
        assert_eq!(
            env.stores
                .contacts
                .get(&env.cx, second.id)
                .await
                .expect(b)
                .number
                .as_deref(),
            Some("5511911110000"),
            "{b}"
        );
        let all = env
            .stores
            .contacts
            .list(&env.cx, None, page(1, 10))
            .await
            .expect(b);
        assert_eq!(all.count, 2, "{b}");
        // Keeping its own number is not a conflict.
        env.stores
            .contacts
            .update(
                &env.cx,
                first.id,
                contact_input("First Renamed", Some("5511999998888")),
            )
            .await
            .expect(b);
        // The same number in another tenant is a different contact.
        let (_, other_cx) = env.other_tenant("Tenant B", "admin@b.example").await;
        env.stores
            .contacts
            .create(&other_cx, contact_input("B's", Some("5511999998888")))
            .await
            .expect(b);
    }
}

#[tokio::test]
async fn brazilian_ninth_digit_forms_resolve_to_one_contact() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let stored = env.contact("Old Form", "551199998888").await;
        let found = env
            .stores
            .contacts
            .find_by_number(&env.cx, &number("5511999998888"))
            .await
            .expect(b)
            .expect(b);
        assert_eq!(
            found.id, stored.id,
            "{b}: the 13-digit form finds the 12-digit row"
        );
        let found = env
            .stores
            .contacts
            .find_by_number(&env.cx, &number("551199998888@c.us"))
            .await
            .expect(b)
            .expect(b);
        assert_eq!(found.id, stored.id, "{b}: the WhatsApp id finds it");

        let upserted = env
            .stores
            .contacts
            .upsert_inbound(&env.cx, inbound("5511999998888@c.us", Some("New"), None))
            .await
            .expect(b);
        assert_eq!(
            upserted.id, stored.id,
            "{b}: inbound with the ninth digit reuses the contact"
        );
        assert_eq!(
            upserted.number, stored.number,
            "{b}: the stored number is not rewritten by inbound traffic"
        );
        assert_eq!(
            env.stores
                .contacts
                .list(&env.cx, None, page(1, 10))
                .await
                .expect(b)
                .count,
            1,
            "{b}"
        );

        // And the other way round.
        let new_form = env
            .stores
            .contacts
            .upsert_inbound(&env.cx, inbound("5521988887777", None, Some("P")))
            .await
            .expect(b);
        let old_form = env
            .stores
            .contacts
            .upsert_inbound(&env.cx, inbound("552188887777", None, Some("P")))
            .await
            .expect(b);
        assert_eq!(old_form.id, new_form.id, "{b}");
        assert_eq!(
            env.stores
                .contacts
                .list(&env.cx, None, page(1, 10))
                .await
                .expect(b)
                .count,
            2,
            "{b}"
        );
        assert_eq!(
            env.stores
                .contacts
                .find_by_number(&env.cx, &number("5531988887777"))
                .await
                .expect(b),
            None,
            "{b}"
        );
    }
}

#[tokio::test]
async fn upsert_inbound_never_overwrites_the_name_but_refreshes_pushname() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let mut first = inbound("5511944443333", Some("WhatsApp Name"), Some("Push 1"));
        first.is_user = Some(true);
        let created = env
            .stores
            .contacts
            .upsert_inbound(&env.cx, first)
            .await
            .expect(b);
        assert_eq!(created.name, "WhatsApp Name", "{b}");
        assert_eq!(created.pushname.as_deref(), Some("Push 1"), "{b}");
        assert_eq!(created.is_user, Some(true), "{b}");

        let mut second = inbound("5511944443333", Some("Another Name"), Some("Push 2"));
        second.profile_pic_url = Some("https://pics.example/new.jpg".into());
        env.stores
            .contacts
            .upsert_inbound(&env.cx, second)
            .await
            .expect(b);
        let read = env.stores.contacts.get(&env.cx, created.id).await.expect(b);
        assert_eq!(read.name, "WhatsApp Name", "{b}: name never overwritten");
        assert_eq!(
            read.pushname.as_deref(),
            Some("Push 2"),
            "{b}: pushname refreshed"
        );
        assert_eq!(
            read.profile_pic_url.as_deref(),
            Some("https://pics.example/new.jpg"),
            "{b}"
        );
        assert_eq!(read.is_user, Some(true), "{b}: not given, kept");

        let manual = env.contact("Typed By Agent", "5511922221111").await;
        let after = env
            .stores
            .contacts
            .upsert_inbound(&env.cx, inbound("5511922221111", Some("WA"), Some("PN")))
            .await
            .expect(b);
        assert_eq!(after.id, manual.id, "{b}");
        assert_eq!(
            env.stores
                .contacts
                .get(&env.cx, manual.id)
                .await
                .expect(b)
                .name,
            "Typed By Agent",
            "{b}"
        );
    }
}

#[tokio::test]
async fn upsert_inbound_names_a_new_contact_by_pushname_then_number() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let by_push = env
            .stores
            .contacts
            .upsert_inbound(&env.cx, inbound("5511900001111", None, Some("Pushy")))
            .await
            .expect(b);
        assert_eq!(by_push.name, "Pushy", "{b}");
        let by_number = env
            .stores
            .contacts
            .upsert_inbound(&env.cx, inbound("5511900002222", None, None))
            .await
            .expect(b);
        assert_eq!(by_number.name, "5511900002222", "{b}");
        let group = env
            .stores
            .contacts
            .upsert_inbound(&env.cx, inbound("120363999@g.us", Some("Group"), None))
            .await
            .expect(b);
        assert!(group.is_group, "{b}");
    }
}

#[tokio::test]
async fn contact_tags_are_set_and_replaced() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let contact = env.contact("Tagged", "5511987654321").await;
        let (vip, late, new) = (
            env.tag("vip", true).await,
            env.tag("late", true).await,
            env.tag("new", true).await,
        );

        let set = env
            .stores
            .contacts
            .set_tags(&env.cx, contact.id, &[vip.id, late.id, vip.id])
            .await
            .expect(b);
        assert_eq!(
            tag_ids(&set),
            vec![late.id, vip.id],
            "{b}: deduplicated, by label"
        );
        assert_eq!(
            tag_ids(
                &env.stores
                    .contacts
                    .tags(&env.cx, contact.id)
                    .await
                    .expect(b)
            ),
            vec![late.id, vip.id],
            "{b}"
        );

        env.stores
            .contacts
            .set_tags(&env.cx, contact.id, &[new.id])
            .await
            .expect(b);
        assert_eq!(
            tag_ids(
                &env.stores
                    .contacts
                    .tags(&env.cx, contact.id)
                    .await
                    .expect(b)
            ),
            vec![new.id],
            "{b}: replaced"
        );

        assert_not_found(
            env.stores
                .contacts
                .set_tags(&env.cx, contact.id, &[vip.id, TagId::new(MISSING)])
                .await,
            "ERR_NO_TAG_FOUND",
            b,
        );
        assert_eq!(
            tag_ids(
                &env.stores
                    .contacts
                    .tags(&env.cx, contact.id)
                    .await
                    .expect(b)
            ),
            vec![new.id],
            "{b}: unchanged"
        );
        env.stores
            .contacts
            .set_tags(&env.cx, contact.id, &[])
            .await
            .expect(b);
        assert!(
            env.stores
                .contacts
                .tags(&env.cx, contact.id)
                .await
                .expect(b)
                .is_empty(),
            "{b}: cleared"
        );
        assert_not_found(
            env.stores
                .contacts
                .set_tags(&env.cx, missing_contact(), &[vip.id])
                .await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn contact_wallets_are_set_and_replaced() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let contact = env.contact("Owned", "5511987654321").await;
        let u1 = env
            .user("Owner One", "one@a.example", UserProfile::User)
            .await;
        let u2 = env
            .user("Owner Two", "two@a.example", UserProfile::User)
            .await;

        let set = env
            .stores
            .contacts
            .set_wallets(&env.cx, contact.id, &[u2.id, u1.id, u2.id])
            .await
            .expect(b);
        let mut sorted = set.clone();
        sorted.sort();
        assert_eq!(sorted, vec![u1.id, u2.id], "{b}: both owners, once each");
        assert_eq!(set.len(), 2, "{b}");
        env.stores
            .contacts
            .set_wallets(&env.cx, contact.id, &[u2.id])
            .await
            .expect(b);
        assert_eq!(
            env.stores
                .contacts
                .wallets(&env.cx, contact.id)
                .await
                .expect(b),
            vec![u2.id],
            "{b}: replaced"
        );
        assert_not_found(
            env.stores
                .contacts
                .set_wallets(&env.cx, contact.id, &[missing_user()])
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_eq!(
            env.stores
                .contacts
                .wallets(&env.cx, contact.id)
                .await
                .expect(b),
            vec![u2.id],
            "{b}: unchanged"
        );
    }
}

#[tokio::test]
async fn contact_custom_fields_are_set_and_replaced() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let contact = env.contact("Fields", "5511987654321").await;
        let field = |id: Option<CustomFieldId>, name: &str, value: &str| CustomFieldInput {
            id,
            name: name.into(),
            value: value.into(),
        };
        let first = env
            .stores
            .contacts
            .set_custom_fields(
                &env.cx,
                contact.id,
                vec![field(None, "cpf", "123"), field(None, "city", "Recife")],
            )
            .await
            .expect(b);
        let pairs = |fs: &[tiktickets_domain::store::contacts::CustomField]| {
            fs.iter()
                .map(|f| (f.name.clone(), f.value.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            pairs(&first),
            [
                ("cpf".to_owned(), "123".to_owned()),
                ("city".to_owned(), "Recife".to_owned())
            ],
            "{b}"
        );
        assert!(first.iter().all(|f| f.contact_id == contact.id), "{b}");
        let cpf = first[0].id;

        let second = env
            .stores
            .contacts
            .set_custom_fields(
                &env.cx,
                contact.id,
                vec![field(Some(cpf), "cpf", "456"), field(None, "plan", "gold")],
            )
            .await
            .expect(b);
        assert_eq!(
            pairs(&second),
            [
                ("cpf".to_owned(), "456".to_owned()),
                ("plan".to_owned(), "gold".to_owned())
            ],
            "{b}"
        );
        assert_eq!(
            second[0].id, cpf,
            "{b}: the field with an id is updated in place"
        );
        assert_eq!(
            pairs(
                &env.stores
                    .contacts
                    .custom_fields(&env.cx, contact.id)
                    .await
                    .expect(b)
            ),
            pairs(&second),
            "{b}"
        );

        let other = env.contact("Other", "5511900009999").await;
        assert_not_found(
            env.stores
                .contacts
                .set_custom_fields(&env.cx, other.id, vec![field(Some(cpf), "cpf", "stolen")])
                .await,
            "ERR_NO_CUSTOM_FIELD_FOUND",
            &format!("{b}: another contact's field id"),
        );
        assert_eq!(
            env.stores
                .contacts
                .custom_fields(&env.cx, contact.id)
                .await
                .expect(b)[0]
                .value,
            "456",
            "{b}"
        );
        assert!(
            env.stores
                .contacts
                .custom_fields(&env.cx, other.id)
                .await
                .expect(b)
                .is_empty(),
            "{b}"
        );
    }
}

#[tokio::test]
async fn contact_with_a_ticket_cannot_be_deleted() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let contact = env.contact("Has Ticket", "5511987654321").await;
        let channel = env.channel("Main").await;
        env.ticket(contact.id, channel.id, TicketStatus::Closed)
            .await;
        assert_conflict(
            env.stores.contacts.delete(&env.cx, contact.id).await,
            "ERR_CONTACT_TICKETS_REGISTERED",
            b,
        );
        assert_eq!(
            env.stores
                .contacts
                .get(&env.cx, contact.id)
                .await
                .expect(b)
                .name,
            "Has Ticket",
            "{b}: still there"
        );
    }
}

#[tokio::test]
async fn deleting_a_contact_removes_its_tags_and_fields() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let contact = env.contact("Gone", "5511987654321").await;
        let vip = env.tag("vip", true).await;
        env.stores
            .contacts
            .set_tags(&env.cx, contact.id, &[vip.id])
            .await
            .expect(b);
        env.stores
            .contacts
            .set_custom_fields(
                &env.cx,
                contact.id,
                vec![CustomFieldInput {
                    id: None,
                    name: "a".into(),
                    value: "b".into(),
                }],
            )
            .await
            .expect(b);
        env.stores
            .contacts
            .delete(&env.cx, contact.id)
            .await
            .expect(b);
        assert_not_found(
            env.stores.contacts.tags(&env.cx, contact.id).await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        // The tag is free again: deleting it is no longer refused.
        env.stores.tags.delete(&env.cx, vip.id).await.expect(b);
    }
}

#[tokio::test]
async fn contact_ids_that_do_not_exist_are_not_found() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let gone = ContactId::new(MISSING);
        assert_not_found(
            env.stores.contacts.get(&env.cx, gone).await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            env.stores.contacts.tags(&env.cx, gone).await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            env.stores.contacts.wallets(&env.cx, gone).await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            env.stores.contacts.custom_fields(&env.cx, gone).await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            env.stores.contacts.set_wallets(&env.cx, gone, &[]).await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .contacts
                .set_custom_fields(&env.cx, gone, vec![])
                .await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
    }
}

// ------------------------------------------------------- search semantics

/// Names of the contacts a search returns.
async fn contact_search(env: &Env, term: &str) -> Vec<String> {
    let found = env
        .stores
        .contacts
        .list(&env.cx, Some(term), page(1, 10))
        .await
        .expect(env.backend);
    found.items.into_iter().map(|c| c.name).collect()
}

#[tokio::test]
#[ignore = "known gap: SQLite's lower() folds ASCII only, so 'ÂNGELA' does not find 'Ângela'; needs a normalised search column"]
async fn contact_search_matches_accented_names_in_any_case() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        env.contact("Ângela Souza", "5511911112222").await;
        env.contact("Angelo Silva", "5511933334444").await;
        for term in ["Ângela", "ângela", "ÂNGELA"] {
            assert_eq!(
                contact_search(&env, term).await,
                ["Ângela Souza"],
                "{b}: search {term:?}"
            );
        }
    }
}

#[tokio::test]
async fn contact_search_treats_like_wildcards_literally() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        env.contact("50% Off Store", "5511911112222").await;
        env.contact("500 Club", "5511933334444").await;
        assert_eq!(
            contact_search(&env, "50%").await,
            ["50% Off Store"],
            "{b}: '%' is a character, not a wildcard"
        );
        assert!(
            contact_search(&env, "_").await.is_empty(),
            "{b}: no name or number contains '_'"
        );
    }
}
