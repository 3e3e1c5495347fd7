//! `UserStore::queues_of_many`: the queues of a page of users in one read, equal to asking
//! user by user, and never another tenant's, on every backend.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;

use support_crud::*;
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::ids::UserId;
use tiktickets_test_support::TestDb;

#[tokio::test]
async fn queues_of_many_equals_the_per_user_reads_and_stays_in_the_tenant() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let cx = env.cx;
        let a1 = env.user("A1", "a1@a.example", UserProfile::User).await;
        let a2 = env.user("A2", "a2@a.example", UserProfile::User).await;
        let none = env.user("A3", "a3@a.example", UserProfile::User).await;
        let q1 = env.queue("Q1").await;
        let q2 = env.queue("Q2").await;
        let users = &env.stores.users;
        users
            .set_queues(&cx, a1.id, &[q2.id, q1.id])
            .await
            .expect(b);
        users.set_queues(&cx, a2.id, &[q2.id]).await.expect(b);

        let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        let b_user = env
            .stores
            .users
            .create(&cx_b, new_user("B1", "b1@b.example", UserProfile::User));
        let b_user = b_user.await.expect(b);
        let b_queue = env
            .stores
            .queues
            .create(
                &cx_b,
                tiktickets_domain::store::queues::QueueInput {
                    queue: "QB".into(),
                    is_active: true,
                },
            )
            .await
            .expect(b);
        users
            .set_queues(&cx_b, b_user.id, &[b_queue.id])
            .await
            .expect(b);

        let ids = [a1.id, a2.id, none.id, b_user.id];
        let batch = users.queues_of_many(&cx, &ids).await.expect(b);
        let mut expected: Vec<(UserId, i32)> = Vec::new();
        for id in [a1.id, a2.id, none.id] {
            for q in users.queues(&cx, id).await.expect(b) {
                expected.push((id, q.id.get()));
            }
        }
        let got: Vec<(UserId, i32)> = batch.iter().map(|(u, q)| (*u, q.id.get())).collect();
        assert_eq!(got, expected, "{b}");
        assert_eq!(got.len(), 3, "{b}: a1 has two queues, a2 one, a3 none");
        assert!(
            got.iter().all(|(u, _)| *u != b_user.id),
            "{b}: another tenant's user id yields nothing"
        );
        assert!(
            users.queues_of_many(&cx, &[]).await.expect(b).is_empty(),
            "{b}"
        );
    }
}
