//! CRUD and rules of the chat-flow store, on SQLite and (when configured) PostgreSQL.

#![allow(clippy::expect_used, reason = "tests")]

mod support_crud;

use serde_json::{Value, json};
use support_crud::*;
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::ids::{ChatFlowId, UserId};
use tiktickets_domain::store::chat_flows::{ChatFlow, ChatFlowInput};
use tiktickets_test_support::TestDb;

const NOT_FOUND: &str = "ERR_NO_CHAT_FLOW_FOUND";

/// A builder-like graph with a media node carrying inline base64.
fn graph(marker: &str) -> Value {
    json!({
        "name": marker,
        "nodeList": [
            {"id": "start", "type": "start", "name": "Início", "left": "26px", "top": "100px"},
            {"id": "configurations", "type": "configurations",
             "configurations": {"welcomeMessage": {"message": "Olá"},
                                "maxRetryBotMessage": {"number": 3, "type": 1, "destiny": ""}}},
            {"id": "nodeC", "type": "node", "name": marker,
             "interactions": [{"id": "i1", "type": "MediaField",
                               "data": {"media": "data:image/png;base64,iVBORw0KGgo=",
                                        "ext": "png", "type": "image/png", "name": "a.png"}}],
             "conditions": [{"id": "c1", "type": "US", "condition": [], "action": 1,
                             "queueId": 1, "nextStepId": null}],
             "actions": []}
        ],
        "lineList": [{"from": "start", "to": "nodeC", "paintStyle": {"strokeWidth": 3}}]
    })
}

fn flow_input(name: &str, user: Option<UserId>) -> ChatFlowInput {
    ChatFlowInput {
        name: name.to_owned(),
        flow: graph(name),
        is_active: true,
        celular_teste: None,
        user_id: user,
    }
}

fn ids(flows: &[ChatFlow]) -> Vec<ChatFlowId> {
    flows.iter().map(|f| f.id).collect()
}

async fn create(env: &Env, name: &str) -> ChatFlow {
    env.stores
        .chat_flows
        .create(&env.cx, flow_input(name, Some(env.admin.id)))
        .await
        .expect(env.backend)
}

#[tokio::test]
async fn chat_flow_create_get_list_update_delete_round_trip() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let mut input = flow_input("  Main bot ", Some(env.admin.id));
        input.celular_teste = Some("+5511987654321".into());
        let created = env.stores.chat_flows.create(&env.cx, input).await.expect(b);
        assert_eq!(created.name, "Main bot", "{b}: trimmed");
        assert_eq!(
            created.flow,
            graph("  Main bot "),
            "{b}: graph stored as sent"
        );
        assert!(created.is_active && !created.is_deleted, "{b}");
        assert_eq!(created.celular_teste.as_deref(), Some("+5511987654321"));
        assert_eq!(created.user_id, Some(env.admin.id), "{b}");
        assert_eq!(created.tenant_id, env.tenant, "{b}");
        assert_eq!(
            env.stores
                .chat_flows
                .get(&env.cx, created.id)
                .await
                .expect(b),
            created,
            "{b}"
        );

        let agent = env
            .user("Agent", "agent@a.example", UserProfile::User)
            .await;
        let update = ChatFlowInput {
            name: "Renamed".into(),
            flow: json!({"nodeList": [], "lineList": []}),
            is_active: false,
            celular_teste: None,
            user_id: Some(agent.id),
        };
        let updated = env
            .stores
            .chat_flows
            .update(&env.cx, created.id, update)
            .await
            .expect(b);
        let read = env
            .stores
            .chat_flows
            .get(&env.cx, created.id)
            .await
            .expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(
            (
                read.name.as_str(),
                read.is_active,
                read.celular_teste.as_deref()
            ),
            ("Renamed", false, None),
            "{b}"
        );
        assert_eq!(read.flow, json!({"nodeList": [], "lineList": []}), "{b}");
        assert_eq!(read.user_id, Some(agent.id), "{b}");
        assert_eq!(read.created_at, created.created_at, "{b}");

        env.stores
            .chat_flows
            .delete(&env.cx, created.id)
            .await
            .expect(b);
        assert_not_found(
            env.stores.chat_flows.get(&env.cx, created.id).await,
            NOT_FOUND,
            b,
        );
        assert_not_found(
            env.stores.chat_flows.delete(&env.cx, created.id).await,
            NOT_FOUND,
            &format!("{b}: deleting twice"),
        );
        assert_not_found(
            env.stores
                .chat_flows
                .update(&env.cx, created.id, flow_input("Back", None))
                .await,
            NOT_FOUND,
            &format!("{b}: a deleted flow cannot be revived by an update"),
        );
        assert!(
            env.stores
                .chat_flows
                .list(&env.cx)
                .await
                .expect(b)
                .is_empty(),
            "{b}"
        );
    }
}

#[tokio::test]
async fn chat_flow_list_is_by_name_and_skips_deleted_flows() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let zeta = create(&env, "zeta").await;
        let alpha = create(&env, "alpha").await;
        let gone = create(&env, "mid").await;
        assert_eq!(
            ids(&env.stores.chat_flows.list(&env.cx).await.expect(b)),
            vec![alpha.id, gone.id, zeta.id],
            "{b}"
        );
        env.stores
            .chat_flows
            .delete(&env.cx, gone.id)
            .await
            .expect(b);
        assert_eq!(
            ids(&env.stores.chat_flows.list(&env.cx).await.expect(b)),
            vec![alpha.id, zeta.id],
            "{b}: deleted flows are not listed"
        );
        assert_not_found(
            env.stores
                .chat_flows
                .get(&env.cx, ChatFlowId::new(MISSING))
                .await,
            NOT_FOUND,
            b,
        );
        assert_not_found(
            env.stores
                .chat_flows
                .delete(&env.cx, ChatFlowId::new(MISSING))
                .await,
            NOT_FOUND,
            b,
        );
    }
}

#[tokio::test]
async fn chat_flow_bad_input_is_invalid_and_writes_nothing() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let base = create(&env, "Base").await;
        let cases: Vec<(ChatFlowInput, &str)> = vec![
            (
                ChatFlowInput {
                    name: "   ".into(),
                    ..flow_input("x", None)
                },
                "ERR_FIELD_REQUIRED",
            ),
            (
                ChatFlowInput {
                    name: "x".repeat(10_000),
                    ..flow_input("x", None)
                },
                "ERR_FIELD_TOO_LONG",
            ),
            (
                ChatFlowInput {
                    flow: json!([1, 2]),
                    ..flow_input("x", None)
                },
                "ERR_INVALID_CHAT_FLOW",
            ),
            (
                ChatFlowInput {
                    flow: json!({"nodeList": {"a": 1}, "lineList": []}),
                    ..flow_input("x", None)
                },
                "ERR_INVALID_CHAT_FLOW",
            ),
            (
                ChatFlowInput {
                    flow: json!({"nodeList": [], "lineList": "none"}),
                    ..flow_input("x", None)
                },
                "ERR_INVALID_CHAT_FLOW",
            ),
            (
                ChatFlowInput {
                    celular_teste: Some("55 11 9".into()),
                    ..flow_input("x", None)
                },
                "ERR_INVALID_CELULAR_TESTE",
            ),
            (
                ChatFlowInput {
                    celular_teste: Some("1".repeat(31)),
                    ..flow_input("x", None)
                },
                "ERR_INVALID_CELULAR_TESTE",
            ),
        ];
        for (input, code) in cases {
            assert_invalid(
                env.stores.chat_flows.create(&env.cx, input.clone()).await,
                code,
                &format!("{b}: create {code}"),
            );
            assert_invalid(
                env.stores.chat_flows.update(&env.cx, base.id, input).await,
                code,
                &format!("{b}: update {code}"),
            );
        }
        assert_not_found(
            env.stores
                .chat_flows
                .create(&env.cx, flow_input("Ghost author", Some(missing_user())))
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_eq!(
            env.stores.chat_flows.list(&env.cx).await.expect(b),
            vec![base],
            "{b}: nothing written"
        );
    }
}

#[tokio::test]
async fn chat_flows_are_isolated_between_tenants() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, b_cx) = env.other_tenant("Tenant B", "admin@b.example").await;
        let b_admin = b_cx.user_id().expect("B acts as a user");
        let theirs = env
            .stores
            .chat_flows
            .create(&b_cx, flow_input("B bot", Some(b_admin)))
            .await
            .expect(b);
        let ours = create(&env, "A bot").await;

        // Tenant A cannot see, change or delete B's flow.
        assert_not_found(
            env.stores.chat_flows.get(&env.cx, theirs.id).await,
            NOT_FOUND,
            b,
        );
        assert_not_found(
            env.stores
                .chat_flows
                .update(&env.cx, theirs.id, flow_input("Stolen", None))
                .await,
            NOT_FOUND,
            b,
        );
        assert_not_found(
            env.stores.chat_flows.delete(&env.cx, theirs.id).await,
            NOT_FOUND,
            b,
        );
        assert_eq!(
            ids(&env.stores.chat_flows.list(&env.cx).await.expect(b)),
            vec![ours.id],
            "{b}"
        );

        // A user of B cannot be the author of A's flows, on create or update.
        assert_not_found(
            env.stores
                .chat_flows
                .create(&env.cx, flow_input("Foreign author", Some(b_admin)))
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .chat_flows
                .update(
                    &env.cx,
                    ours.id,
                    flow_input("Foreign author", Some(b_admin)),
                )
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_eq!(
            env.stores.chat_flows.get(&env.cx, ours.id).await.expect(b),
            ours,
            "{b}: A's flow unchanged"
        );

        // B's flow is untouched and still B's only flow.
        assert_eq!(
            env.stores.chat_flows.get(&b_cx, theirs.id).await.expect(b),
            theirs,
            "{b}: B's flow unchanged"
        );
        assert_eq!(
            ids(&env.stores.chat_flows.list(&b_cx).await.expect(b)),
            vec![theirs.id],
            "{b}"
        );

        // A channel of A may use A's flow, not B's.
        let mut channel = channel_input("Bot channel", false);
        channel.chat_flow_id = Some(theirs.id);
        assert_not_found(
            env.stores.channels.create(&env.cx, channel.clone()).await,
            NOT_FOUND,
            b,
        );
        channel.chat_flow_id = Some(ours.id);
        let created = env.stores.channels.create(&env.cx, channel).await.expect(b);
        assert_eq!(created.chat_flow_id, Some(ours.id), "{b}");
    }
}

#[tokio::test]
async fn chat_flow_keeps_a_multi_megabyte_graph_intact() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let mut flow = graph("Big");
        let media = format!("data:video/mp4;base64,{}", "QUJD".repeat(750_000));
        flow["nodeList"][2]["interactions"][0]["data"]["media"] = Value::String(media);
        let input = ChatFlowInput {
            flow: flow.clone(),
            ..flow_input("Big", None)
        };
        let created = env.stores.chat_flows.create(&env.cx, input).await.expect(b);
        let read = env
            .stores
            .chat_flows
            .get(&env.cx, created.id)
            .await
            .expect(b);
        assert_eq!(read.flow, flow, "{b}: 3 MB of inline media round-trips");
    }
}
