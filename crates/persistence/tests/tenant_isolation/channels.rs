//! `ChannelStore`.

use super::*;

use tiktickets_domain::enums::ChannelStatus;
use tiktickets_domain::store::channels::SessionState;
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- ChannelStore

#[tokio::test]
async fn channel_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("channels.get(B's channel)"),
                s.channels.get(&cx, b.channel.id).await,
                s.channels.get(&cx, missing_channel()).await,
            );
            assert_eq!(
                s.channels.list(&cx).await.expect("list"),
                m.a_before.channels,
                "[{backend}] {who}: list"
            );
            assert_eq!(
                s.channels.count(&cx).await,
                Ok(1),
                "[{backend}] {who}: count"
            );
            m.denied_as_missing(
                &w("channels.update(B's channel)"),
                s.channels
                    .update(&cx, b.channel.id, channel_input("Hijacked", true))
                    .await,
                s.channels
                    .update(&cx, missing_channel(), channel_input("Hijacked", true))
                    .await,
            )
            .await;
            let state = SessionState {
                status: Some(ChannelStatus::Connected),
                qrcode: Some(Some("qr-hijack".to_owned())),
                number: Some(Some("5599999999999".to_owned())),
                retries: Some(9),
                profile_pic_url: Some(Some("https://evil.example/c.png".to_owned())),
            };
            m.denied_as_missing(
                &w("channels.set_session_state(B's channel)"),
                s.channels
                    .set_session_state(&cx, b.channel.id, state.clone())
                    .await,
                s.channels
                    .set_session_state(&cx, missing_channel(), state)
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("channels.delete(B's channel)"),
                s.channels.delete(&cx, b.channel.id).await,
                s.channels.delete(&cx, missing_channel()).await,
            )
            .await;
        }

        // A new default channel of A unsets A's previous default only.
        let second = s
            .channels
            .create(&a.cx, channel_input("Whatsapp 02", true))
            .await
            .expect("create");
        assert!(
            second.is_default && second.tenant_id == a.tenant.id,
            "[{backend}] {second:?}"
        );
        let first = s.channels.get(&a.cx, a.channel.id).await.expect("get");
        assert!(!first.is_default, "[{backend}] A's old default was unset");
        m.b_unchanged("channels.create(A, default)").await;
        // Making A's first channel the default again, and A's session state: B untouched.
        s.channels
            .update(&a.cx, a.channel.id, channel_input(CHANNEL_NAME, true))
            .await
            .expect("update");
        s.channels
            .set_session_state(
                &a.system_cx,
                a.channel.id,
                SessionState {
                    status: Some(ChannelStatus::Connected),
                    ..SessionState::default()
                },
            )
            .await
            .expect("session state");
        m.b_unchanged("channels.update(A, default) / set_session_state(A)")
            .await;
        s.channels.delete(&a.cx, second.id).await.expect("delete");
        m.b_unchanged("channels.delete(A's channel)").await;
    }
}
