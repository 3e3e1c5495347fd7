//! Redis presence against a real server (`TEST_REDIS_URL`): shared between instances, stale
//! entries gone after the TTL, keep-alive while the instance lives. Every test uses hashes of
//! its own.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

mod support;

use std::time::Duration;

use deadpool_redis::redis;
use support::{raw, redis_url, unique_prefix};
use tiktickets_domain::ids::{TenantId, UserId};
use tiktickets_realtime::presence::{Presence, PresenceEntry, PresenceStatus, RedisPresence};

const T: TenantId = TenantId::from_verified(1);

fn entry(user: i32, name: &str, status: PresenceStatus) -> PresenceEntry {
    PresenceEntry {
        user: UserId::new(user),
        name: name.into(),
        status,
    }
}

#[tokio::test]
async fn two_instances_share_presence() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("presence");
    let ttl = Duration::from_secs(30);
    let p1 = RedisPresence::with_prefix(&url, ttl, &prefix).unwrap();
    let p2 = RedisPresence::with_prefix(&url, ttl, &prefix).unwrap();
    assert_eq!(p1.key(T), format!("{prefix}:1"));

    p1.set(T, UserId::new(1), "Bea", PresenceStatus::Online)
        .await;
    p2.set(T, UserId::new(2), "Ana", PresenceStatus::Idle).await;
    let both = vec![
        entry(2, "Ana", PresenceStatus::Idle),
        entry(1, "Bea", PresenceStatus::Online),
    ];
    assert_eq!(p1.list(T).await, both);
    assert_eq!(p2.list(T).await, both);
    assert!(p1.list(TenantId::from_verified(2)).await.is_empty());

    // The last write wins, whichever instance made it.
    p2.set(T, UserId::new(1), "Bea", PresenceStatus::Idle).await;
    assert_eq!(p1.list(T).await[1], entry(1, "Bea", PresenceStatus::Idle));

    p2.remove(T, UserId::new(2)).await;
    assert_eq!(
        p1.list(T).await,
        vec![entry(1, "Bea", PresenceStatus::Idle)]
    );

    // The hash expires by itself once nobody writes.
    let mut conn = raw(&url).await;
    let pttl: i64 = redis::cmd("PTTL")
        .arg(p1.key(T))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(pttl > 0 && pttl <= 30_000, "{pttl}");
    let _: i64 = redis::cmd("DEL")
        .arg(p1.key(T))
        .query_async(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn stale_entries_disappear_after_the_ttl() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("stale");
    let ttl = Duration::from_millis(600);
    let crashed = RedisPresence::with_prefix(&url, ttl, &prefix).unwrap();
    let alive = RedisPresence::with_prefix(&url, ttl, &prefix).unwrap();
    crashed
        .set(T, UserId::new(1), "Gone", PresenceStatus::Online)
        .await;
    alive
        .set(T, UserId::new(2), "Kept", PresenceStatus::Online)
        .await;
    assert_eq!(alive.list(T).await.len(), 2);
    let key = alive.key(T);
    let mut conn = raw(&url).await;
    // An old entry and an unreadable one, written by hand.
    let _: i64 = redis::cmd("HSET")
        .arg(&key)
        .arg(3)
        .arg(r#"{"name":"Old","status":"online","at":1000}"#)
        .arg(4)
        .arg("garbage")
        .query_async(&mut conn)
        .await
        .unwrap();

    // The instance that set user 1 dies: nothing re-stamps its entry any more.
    drop(crashed);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        alive.list(T).await,
        vec![entry(2, "Kept", PresenceStatus::Online)],
        "the live instance's user is kept alive, the others are gone"
    );
    let fields: Vec<String> = redis::cmd("HKEYS")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(fields.len(), 1, "gone entries are pruned: {fields:?}");
    assert!(
        fields[0].starts_with("2@"),
        "the live user's field remains: {fields:?}"
    );
    alive.remove(T, UserId::new(2)).await;
    assert!(alive.list(T).await.is_empty());
}

#[tokio::test]
async fn keep_alive_keeps_the_status_another_instance_wrote() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("keepalive");
    let ttl = Duration::from_millis(600);
    let tab1 = RedisPresence::with_prefix(&url, ttl, &prefix).unwrap();
    let tab2 = RedisPresence::with_prefix(&url, ttl, &prefix).unwrap();
    tab1.set(T, UserId::new(5), "Eva", PresenceStatus::Online)
        .await;
    tab2.set(T, UserId::new(5), "Eva", PresenceStatus::Idle)
        .await;
    // Several keep-alive rounds of both instances, past the TTL.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(
        tab1.list(T).await,
        vec![entry(5, "Eva", PresenceStatus::Idle)]
    );
    // Removed on one instance, re-stamped by the other where the user is still connected.
    tab1.remove(T, UserId::new(5)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(tab1.list(T).await.len(), 1);
    tab2.remove(T, UserId::new(5)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(tab1.list(T).await.is_empty());
}

#[tokio::test]
async fn an_unreachable_server_reads_as_nobody_present() {
    // Needs no Redis: nothing listens on port 1.
    let p = RedisPresence::new("redis://127.0.0.1:1", Duration::from_secs(60)).unwrap();
    p.set(T, UserId::new(1), "A", PresenceStatus::Online).await;
    p.remove(T, UserId::new(1)).await;
    assert!(p.list(T).await.is_empty());
    assert!(RedisPresence::new("not a url", Duration::from_secs(1)).is_err());
}
