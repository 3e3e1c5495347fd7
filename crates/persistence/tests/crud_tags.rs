//! CRUD and rules of the tag store, on SQLite and (when configured) PostgreSQL.

mod support_crud;

use support_crud::*;
use tiktickets_domain::ids::TagId;
use tiktickets_domain::store::tags::Tag;
use tiktickets_test_support::TestDb;

fn tag_ids(tags: &[Tag]) -> Vec<TagId> {
    tags.iter().map(|t| t.id).collect()
}

// ------------------------------------------------------------------- tags

#[tokio::test]
async fn tag_create_get_list_update_delete_round_trip() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let mut input = tag_input("  vip ", true);
        input.auto_tag = Some("gold".into());
        let created = env.stores.tags.create(&env.cx, input).await.expect(b);
        assert_eq!(created.tag, "vip", "{b}: trimmed");
        assert_eq!(
            (created.color.as_str(), created.is_active),
            ("#ff0000", true),
            "{b}"
        );
        assert_eq!(created.auto_tag.as_deref(), Some("gold"), "{b}");
        assert_eq!(created.user_id, Some(env.admin.id), "{b}");
        assert_eq!(
            env.stores.tags.get(&env.cx, created.id).await.expect(b),
            created,
            "{b}"
        );

        let mut update = tag_input("premium", false);
        update.color = "#00ff00".into();
        update.auto_tag = Some("  ".into());
        let updated = env
            .stores
            .tags
            .update(&env.cx, created.id, update)
            .await
            .expect(b);
        let read = env.stores.tags.get(&env.cx, created.id).await.expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(
            (read.tag.as_str(), read.color.as_str(), read.is_active),
            ("premium", "#00ff00", false),
            "{b}"
        );
        assert_eq!(
            read.auto_tag, None,
            "{b}: a blank auto-tag is stored as none"
        );

        env.stores.tags.delete(&env.cx, created.id).await.expect(b);
        assert_not_found(
            env.stores.tags.get(&env.cx, created.id).await,
            "ERR_NO_TAG_FOUND",
            b,
        );
        assert_not_found(
            env.stores.tags.delete(&env.cx, created.id).await,
            "ERR_NO_TAG_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .tags
                .update(&env.cx, created.id, tag_input("x", true))
                .await,
            "ERR_NO_TAG_FOUND",
            b,
        );
        assert!(
            env.stores
                .tags
                .list(&env.cx, false)
                .await
                .expect(b)
                .is_empty(),
            "{b}"
        );
    }
}

#[tokio::test]
async fn duplicate_tag_label_is_a_conflict() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        env.tag("vip", true).await;
        assert_conflict(
            env.stores
                .tags
                .create(&env.cx, tag_input("vip", false))
                .await,
            "ERR_TAG_ALREADY_EXISTS",
            b,
        );
        let other = env.tag("regular", true).await;
        assert_conflict(
            env.stores
                .tags
                .update(&env.cx, other.id, tag_input("vip", true))
                .await,
            "ERR_TAG_ALREADY_EXISTS",
            &format!("{b}: update to a used label"),
        );
        assert_eq!(
            env.stores.tags.get(&env.cx, other.id).await.expect(b).tag,
            "regular",
            "{b}"
        );
        assert_eq!(
            env.stores.tags.list(&env.cx, false).await.expect(b).len(),
            2,
            "{b}"
        );
        let (_, other_cx) = env.other_tenant("Tenant B", "admin@b.example").await;
        env.stores
            .tags
            .create(&other_cx, tag_input("vip", true))
            .await
            .expect(b);
    }
}

#[tokio::test]
async fn tag_attached_to_a_contact_cannot_be_deleted() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let tag = env.tag("vip", true).await;
        let contact = env.contact("Tagged", "5511987654321").await;
        env.stores
            .contacts
            .set_tags(&env.cx, contact.id, &[tag.id])
            .await
            .expect(b);
        assert_conflict(
            env.stores.tags.delete(&env.cx, tag.id).await,
            "ERR_TAG_CONTACTS_EXISTS",
            b,
        );
        assert_eq!(
            env.stores.tags.get(&env.cx, tag.id).await.expect(b).tag,
            "vip",
            "{b}: still there"
        );
        assert_eq!(
            tag_ids(
                &env.stores
                    .contacts
                    .tags(&env.cx, contact.id)
                    .await
                    .expect(b)
            ),
            vec![tag.id],
            "{b}"
        );

        env.stores
            .contacts
            .set_tags(&env.cx, contact.id, &[])
            .await
            .expect(b);
        env.stores.tags.delete(&env.cx, tag.id).await.expect(b);
        assert_not_found(
            env.stores.tags.get(&env.cx, tag.id).await,
            "ERR_NO_TAG_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn tag_list_can_keep_only_active_tags() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let zeta = env.tag("zeta", true).await;
        let alpha = env.tag("alpha", true).await;
        let off = env.tag("mid", false).await;
        assert_eq!(
            tag_ids(&env.stores.tags.list(&env.cx, false).await.expect(b)),
            vec![alpha.id, off.id, zeta.id],
            "{b}: all, by label"
        );
        assert_eq!(
            tag_ids(&env.stores.tags.list(&env.cx, true).await.expect(b)),
            vec![alpha.id, zeta.id],
            "{b}: active only"
        );
    }
}
