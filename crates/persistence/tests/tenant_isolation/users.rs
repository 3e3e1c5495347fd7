//! `UserStore`.

use super::*;

use tiktickets_domain::enums::{UserProfile, UserStatus};
use tiktickets_domain::store::users::UserPatch;
use tiktickets_test_support::TestDb;

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
