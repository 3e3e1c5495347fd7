//! With Redis, instances share the channels: exactly one runs each session (the holder of the
//! channel's lease), and when it stops another takes over on the same profile.

use std::time::Duration;

use tiktickets_test_support::{TestDb, missing_service};
use tiktickets_whatsapp_session::Phase;

use crate::rig::{Rig, chromium_turn, connect, eventually, live, manager_of, status_is};

#[actix_web::test]
async fn with_redis_one_instance_runs_a_session_and_another_takes_over_when_it_stops() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let Ok(redis) = std::env::var("TEST_REDIS_URL") else {
        missing_service("TEST_REDIS_URL is not set (no Redis for the session lease test)");
        return;
    };
    let db = if std::env::var("TEST_DATABASE_URL").is_ok() {
        let Some(db) = TestDb::postgres().await else {
            return;
        };
        db
    } else {
        TestDb::sqlite()
    };
    let shared = [
        ("redis.url", redis.as_str()),
        ("sessions.lease_ttl_ms", "1500"),
    ];
    let rig = Rig::start(db, &shared).await;
    let admin = &rig.admin;
    let channel = rig.channel(admin, "Compartilhado").await;
    connect(&rig.server, admin, channel, "5511888880030@c.us").await;

    // A second instance boots on the same database and finds the channel CONNECTED, but the
    // first one holds the lease: it waits and launches nothing.
    let two = rig.restarted(&shared).await;
    eventually("the second instance to know the session", || async {
        manager_of(&two).live(tiktickets_domain::ids::WhatsappId::new(channel))
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let waiting = live(&two, channel).status();
    assert_eq!(waiting.browser_launches, 0, "{waiting:?}");
    assert_eq!(waiting.phase, Phase::Starting, "{waiting:?}");
    assert_eq!(live(&rig.server, channel).status().browser_launches, 1);
    assert_eq!(live(&rig.server, channel).status().phase, Phase::Connected);

    // The first instance stops (releasing the lease): the second takes the session over on
    // the same profile, without a QR code.
    manager_of(&rig.server).shutdown().await;
    let taken = eventually("the second instance to connect the session", || async {
        let s = live(&two, channel).status();
        (s.phase == Phase::Connected).then_some(s)
    })
    .await;
    assert_eq!(taken.browser_launches, 1, "{taken:?}");
    assert_eq!(taken.qr_shown, 0, "{taken:?}");
    status_is(&two.admin().await, channel, "CONNECTED").await;
    manager_of(&two).shutdown().await;
}
