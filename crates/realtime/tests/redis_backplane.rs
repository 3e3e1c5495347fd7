//! The Redis backplane against a real server (`TEST_REDIS_URL`): two instances on one server
//! each deliver every envelope exactly once, malformed messages are skipped, a killed
//! subscription comes back. Every test uses a channel of its own.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

mod support;

use std::sync::Arc;
use std::time::Duration;

use deadpool_redis::redis;
use serde_json::json;
use support::{Collect, raw, redis_url, unique_prefix};
use tiktickets_realtime::backplane::{Backplane, Envelope, EnvelopeSink, RedisBackplane};
use tokio::task::JoinHandle;

fn envelope(event: &str, payload: serde_json::Value) -> Envelope {
    Envelope {
        tenant: 1,
        room: "tenant:1".into(),
        event: event.into(),
        payload,
    }
}

/// Runs a backplane's subscriber into a fresh sink.
fn start(backplane: &Arc<RedisBackplane>) -> (Arc<Collect>, JoinHandle<()>) {
    let sink = Arc::new(Collect::default());
    let backplane = backplane.clone();
    let dyn_sink: Arc<dyn EnvelopeSink> = sink.clone();
    let task = tokio::spawn(async move { backplane.run(dyn_sink).await });
    (sink, task)
}

/// Publishes probes from `publisher` until every sink got one: the subscriptions are up.
async fn until_subscribed(publisher: &RedisBackplane, sinks: &[&Collect]) {
    for _ in 0..200 {
        publisher
            .publish(&envelope("probe", json!(null)))
            .await
            .expect("publish probe");
        tokio::time::sleep(Duration::from_millis(50)).await;
        if sinks.iter().all(|s| !s.of("probe").is_empty()) {
            return;
        }
    }
    panic!("the subscribers never came up");
}

#[tokio::test]
async fn every_instance_gets_each_envelope_exactly_once() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("backplane");
    let a = Arc::new(RedisBackplane::with_prefix(&url, &prefix).unwrap());
    let b = Arc::new(RedisBackplane::with_prefix(&url, &prefix).unwrap());
    let other = Arc::new(RedisBackplane::with_prefix(&url, &unique_prefix("other")).unwrap());
    assert_eq!(a.channel(), format!("{prefix}:events"));
    let (sa, ta) = start(&a);
    let (sb, tb) = start(&b);
    let (so, to) = start(&other);
    until_subscribed(&a, &[&sa, &sb]).await;
    until_subscribed(&other, &[&so]).await;

    let sent = envelope(
        "1:ticketList",
        json!({"type": "chat:create", "payload": {"body": "olá ✓", "id": 42}}),
    );
    a.publish(&sent).await.unwrap();
    // One connection delivers in order: once the marker is in, any duplicate would be too.
    a.publish(&envelope("marker", json!(1))).await.unwrap();
    sa.wait_for("marker").await;
    sb.wait_for("marker").await;
    assert_eq!(
        sa.of("1:ticketList"),
        vec![sent.clone()],
        "publisher's own sink"
    );
    assert_eq!(sb.of("1:ticketList"), vec![sent], "the other instance");
    assert_eq!(sa.of("marker").len(), 1);
    assert!(
        so.of("1:ticketList").is_empty(),
        "another channel sees nothing"
    );
    for task in [ta, tb, to] {
        task.abort();
    }
}

#[tokio::test]
async fn malformed_messages_are_skipped() {
    let Some(url) = redis_url() else { return };
    let a = Arc::new(RedisBackplane::with_prefix(&url, &unique_prefix("malformed")).unwrap());
    let (sink, task) = start(&a);
    until_subscribed(&a, &[&sink]).await;
    let before = sink.all().len();

    let mut conn = raw(&url).await;
    for junk in ["not json", r#"{"tenant":1}"#, "", "[1,2,3]"] {
        let _: i64 = redis::cmd("PUBLISH")
            .arg(a.channel())
            .arg(junk)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
    let good = envelope("1:contactList", json!({"action": "update"}));
    a.publish(&good).await.unwrap();
    sink.wait_for("1:contactList").await;
    let after: Vec<Envelope> = sink.all().split_off(before);
    let non_probe: Vec<Envelope> = after.into_iter().filter(|e| e.event != "probe").collect();
    assert_eq!(non_probe, vec![good], "only the good envelope arrives");
    task.abort();
}

#[tokio::test]
async fn a_killed_subscription_reconnects() {
    let Some(url) = redis_url() else { return };
    let Some((user_url, user)) = with_own_user(&url).await else {
        eprintln!("skipping: TEST_REDIS_URL already carries credentials");
        return;
    };
    let a = Arc::new(RedisBackplane::with_prefix(&user_url, &unique_prefix("reconnect")).unwrap());
    let (sink, task) = start(&a);
    until_subscribed(&a, &[&sink]).await;

    // Kill every connection of this test's own user: the subscriber and the pool's.
    let mut admin = raw(&url).await;
    let killed: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("USER")
        .arg(&user)
        .query_async(&mut admin)
        .await
        .unwrap();
    assert!(killed >= 1, "the subscriber's connection was killed");

    // Back within the first backoff steps.
    let mut delivered = false;
    for i in 0..100 {
        let _ = a.publish(&envelope("after-kill", json!(i))).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        if !sink.of("after-kill").is_empty() {
            delivered = true;
            break;
        }
    }
    task.abort();
    let _: redis::Value = redis::cmd("ACL")
        .arg("DELUSER")
        .arg(&user)
        .query_async(&mut admin)
        .await
        .unwrap();
    assert!(delivered, "the subscription never came back");
}

#[tokio::test]
async fn an_unreachable_server_fails_publish_without_hanging() {
    // Needs no Redis: nothing listens on port 1.
    let bp = RedisBackplane::new("redis://127.0.0.1:1").unwrap();
    let started = std::time::Instant::now();
    assert!(bp.publish(&envelope("x", json!(null))).await.is_err());
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A throwaway ACL user (so its connections can be killed alone) and a URL logging in as it.
async fn with_own_user(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    if rest.contains('@') {
        return None;
    }
    let user = format!("tt_test_{}", uuid::Uuid::new_v4().simple());
    let password = uuid::Uuid::new_v4().simple().to_string();
    let mut admin = raw(url).await;
    let _: redis::Value = redis::cmd("ACL")
        .arg("SETUSER")
        .arg(&user)
        .arg("on")
        .arg(format!(">{password}"))
        .arg("~*")
        .arg("&*")
        .arg("+@all")
        .query_async(&mut admin)
        .await
        .expect("ACL SETUSER");
    Some((format!("{scheme}://{user}:{password}@{rest}"), user))
}
