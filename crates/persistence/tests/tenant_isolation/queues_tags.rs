//! `QueueStore` and `TagStore`.

use super::*;

use tiktickets_domain::store::queues::QueueInput;
use tiktickets_domain::store::tags::TagInput;
use tiktickets_test_support::TestDb;

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
