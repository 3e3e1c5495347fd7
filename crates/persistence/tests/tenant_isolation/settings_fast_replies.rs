//! `SettingStore` and `FastReplyStore`.

use super::*;

use tiktickets_domain::store::fast_replies::FastReplyInput;
use tiktickets_test_support::TestDb;

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
