//! Chat flows, the bot definitions (client-contract.md §13, the bot selector of §8 and the
//! `botTicketActive` setting of §9), end to end.

use serde_json::{Value, json};

use crate::harness::{Session, TestServer};

const NOT_FOUND: &str = "ERR_NO_CHAT_FLOW_FOUND";

fn id_of(v: &Value) -> i64 {
    v["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no numeric id in {v}"))
}

/// The builder's default graph (`ccFlowBuilder/defaultFlow.js`).
fn default_flow() -> Value {
    json!({
        "name": "Fluxo Inicial",
        "nodeList": [
            {"id": "start", "name": "Início", "type": "start", "left": "26px", "top": "100px",
             "ico": "mdi-play", "viewOnly": true, "status": "success", "style": {}},
            {"id": "configurations", "name": "Configurações", "type": "configurations",
             "left": "340px", "top": "100px", "viewOnly": true,
             "ico": "mdi-alert-circle-outline",
             "configurations": {
                 "notOptionsSelectMessage": {"message": "", "stepReturn": "A"},
                 "notResponseMessage": {"time": 10, "type": 1, "destiny": ""},
                 "welcomeMessage": {"message": ""},
                 "maxRetryBotMessage": {"number": 3, "type": 1, "destiny": ""}
             }},
            {"id": "nodeC", "name": "Boas vindas!", "type": "node", "left": "26px",
             "top": "301px", "interactions": [], "conditions": [], "actions": []}
        ],
        "lineList": [
            {"from": "start", "to": "nodeC", "paintStyle": {"strokeWidth": 3, "stroke": "#8db1dd"}}
        ]
    })
}

/// `POST /chat-flow` as the contract describes it: row fields plus `flow`.
async fn create_flow(s: &Session, name: &str) -> Value {
    s.post(
        "/chat-flow",
        &json!({
            "name": name, "celularTeste": "", "isActive": true, "userId": s.user_id,
            "action": 0, "id": null, "flow": default_flow()
        }),
    )
    .await
    .ok()
    .clone()
}

/// The `chatFlow` array of `GET /chat-flow`.
async fn list(s: &Session) -> Vec<Value> {
    let r = s.get("/chat-flow").await;
    r.ok()["chatFlow"]
        .as_array()
        .unwrap_or_else(|| panic!("no chatFlow array: {}", r.text))
        .clone()
}

fn names(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The row with `id` as its owner lists it.
async fn read(s: &Session, id: i64) -> Value {
    list(s)
        .await
        .into_iter()
        .find(|r| r["id"].as_i64() == Some(id))
        .unwrap_or_else(|| panic!("flow {id} not listed"))
}

/// A graph with a media node whose file travels inline (about `kib` KiB of base64).
fn graph_with_media(kib: usize) -> Value {
    let mut flow = default_flow();
    let media = format!("data:image/png;base64,{}", "iVBO".repeat(kib * 256));
    flow["nodeList"][2]["interactions"] = json!([{
        "id": "m1", "type": "MediaField",
        "data": {"media": media, "ext": "png", "type": "image/png", "name": "logo.png",
                 "caption": ""}
    }, {
        "id": "t1", "type": "MessageField", "data": {"message": "Olá {{name}}!"}
    }]);
    flow["nodeList"][2]["conditions"] = json!([{
        "id": "c1", "type": "US", "condition": [], "action": 1, "queueId": 1,
        "nextStepId": null, "userIdDestination": null
    }]);
    flow
}

#[actix_web::test]
async fn chat_flow_create_list_update_delete() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;

        // The contract's shape: `flow` holds the graph.
        let main = create_flow(&admin, "  Main bot ").await;
        let main_id = id_of(&main);
        assert_eq!(main["name"], "Main bot");
        assert_eq!(main["isActive"], true);
        assert_eq!(main["celularTeste"], Value::Null, "'' is no test number");
        assert_eq!(main["userId"].as_i64(), Some(admin.user_id));
        assert_eq!(main["flow"], default_flow());
        assert_eq!(main["tenantId"].as_i64(), Some(admin.tenant_id));

        // The reference's shape (and the newer client's): the body itself is the graph.
        let mut body = default_flow();
        for (k, v) in [
            ("name", json!("Another bot")),
            ("celularTeste", json!("+55 (11) 98765-4321")),
            ("isActive", json!(false)),
            ("id", Value::Null),
            ("userId", json!(admin.user_id.to_string())),
            ("action", json!(0)),
        ] {
            body[k] = v;
        }
        let r = admin.post("/chat-flow", &body).await;
        let other = r.ok().clone();
        let other_id = id_of(&other);
        assert_eq!(other["name"], "Another bot");
        assert_eq!(other["isActive"], false);
        assert_eq!(other["celularTeste"], "+5511987654321");
        assert_eq!(other["userId"].as_i64(), Some(admin.user_id));
        assert_eq!(other["flow"]["nodeList"], default_flow()["nodeList"]);
        assert_eq!(other["flow"]["lineList"], default_flow()["lineList"]);
        assert_eq!(other["flow"]["name"], "Another bot");
        for row_field in ["userId", "action", "isActive", "celularTeste", "id"] {
            assert!(
                other["flow"].get(row_field).is_none(),
                "{row_field} is a column, not part of the graph: {}",
                other["flow"]
            );
        }

        // Any user lists them (the channel page's bot selector), by name.
        let rows = list(&agent).await;
        assert_eq!(names(&rows), vec!["Another bot", "Main bot"]);
        for row in &rows {
            for field in ["id", "name", "isActive", "celularTeste", "flow", "userId"] {
                assert!(row.get(field).is_some(), "{field} missing in {row}");
            }
        }

        // The list dialog: row fields only, the graph stays.
        let r = admin
            .put(
                &format!("/chat-flow/{main_id}"),
                &json!({
                    "name": "Renamed bot", "celularTeste": "5511999990000", "isActive": false,
                    "id": main_id, "userId": agent.user_id, "action": 0
                }),
            )
            .await;
        let edited = r.ok().clone();
        assert_eq!(edited["name"], "Renamed bot");
        assert_eq!(edited["celularTeste"], "5511999990000");
        assert_eq!(edited["isActive"], false);
        assert_eq!(edited["userId"].as_i64(), Some(agent.user_id));
        assert_eq!(edited["flow"], default_flow(), "graph kept");
        assert_eq!(read(&admin, main_id).await, edited);

        // The builder: the whole record with a new graph (media inline, several MB).
        let mut record = read(&admin, main_id).await;
        let big = graph_with_media(3 * 1024);
        record["flow"] = big.clone();
        record["celularTeste"] = Value::Null;
        let r = admin.put(&format!("/chat-flow/{main_id}"), &record).await;
        let saved = r.ok().clone();
        assert_eq!(
            saved["flow"], big,
            "graph replaced, media kept inline as sent"
        );
        assert_eq!(saved["name"], "Renamed bot");
        assert_eq!(saved["celularTeste"], Value::Null, "null clears it");
        assert_eq!(saved["isActive"], false);
        assert_eq!(read(&agent, main_id).await["flow"], big);

        // Delete: soft, gone from the list, then "not found" everywhere.
        let r = admin.delete(&format!("/chat-flow/{main_id}")).await;
        assert_eq!(r.ok()["message"], "Flow deleted");
        assert_eq!(names(&list(&admin).await), vec!["Another bot"]);
        admin
            .delete(&format!("/chat-flow/{main_id}"))
            .await
            .err(404, NOT_FOUND);
        admin
            .put(&format!("/chat-flow/{main_id}"), &json!({"name": "Back"}))
            .await
            .err(404, NOT_FOUND);
        assert_eq!(names(&list(&admin).await), vec!["Another bot"]);
        assert_eq!(read(&admin, other_id).await, other);
    }
}

#[actix_web::test]
async fn chat_flow_writes_need_an_admin() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let flow = create_flow(&admin, "Admin bot").await;
        let path = format!("/chat-flow/{}", id_of(&flow));

        agent
            .post(
                "/chat-flow",
                &json!({"name": "Agent bot", "flow": default_flow()}),
            )
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .put(&path, &json!({"name": "Agent edit", "isActive": false}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent.delete(&path).await.err(403, "ERR_NO_PERMISSION");
        server
            .anon()
            .get("/chat-flow")
            .await
            .err(401, "ERR_TOKEN_NOT_PROVIDED");

        assert_eq!(list(&agent).await, vec![flow]);
    }
}

#[actix_web::test]
async fn chat_flows_of_another_tenant_are_invisible() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let beta = server.new_tenant("Beta").await;
        let flow = create_flow(&admin, "Alpha bot").await;
        let id = id_of(&flow);
        let path = format!("/chat-flow/{id}");
        let beta_flow = create_flow(&beta, "Beta bot").await;

        assert_eq!(names(&list(&beta).await), vec!["Beta bot"]);
        beta.put(
            &path,
            &json!({"name": "Stolen", "isActive": false, "flow": {"nodeList": []}}),
        )
        .await
        .err(404, NOT_FOUND);
        beta.delete(&path).await.err(404, NOT_FOUND);

        // A user of another tenant as the author: 404, nothing written.
        admin
            .post(
                "/chat-flow",
                &json!({"name": "Foreign author", "userId": beta.user_id, "flow": default_flow()}),
            )
            .await
            .err(404, "ERR_NO_USER_FOUND");
        admin
            .put(
                &path,
                &json!({"name": "Foreign author", "userId": beta.user_id}),
            )
            .await
            .err(404, "ERR_NO_USER_FOUND");

        // A channel cannot be given another tenant's flow.
        let channel = server.channel_of(&admin).await;
        admin
            .put(
                &format!("/whatsapp/{channel}"),
                &json!({"chatFlowId": id_of(&beta_flow)}),
            )
            .await
            .err(404, NOT_FOUND);

        assert_eq!(list(&admin).await, vec![flow]);
        assert_eq!(list(&beta).await, vec![beta_flow]);
        let channels = admin.get("/whatsapp").await;
        let row = channels
            .ok()
            .as_array()
            .and_then(|rows| {
                rows.iter()
                    .find(|c| c["id"].as_i64() == Some(channel.into()))
            })
            .cloned()
            .unwrap_or_else(|| panic!("channel {channel} not listed"));
        assert_eq!(row["chatFlowId"], Value::Null);
    }
}

#[actix_web::test]
async fn chat_flow_is_a_channel_bot_and_the_default_bot() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let flow = create_flow(&admin, "Channel bot").await;
        let id = id_of(&flow);
        let channel = server.channel_of(&admin).await;

        let r = admin
            .put(&format!("/whatsapp/{channel}"), &json!({"chatFlowId": id}))
            .await;
        assert_eq!(r.ok()["chatFlowId"].as_i64(), Some(id), "{}", r.text);
        let channels = admin.get("/whatsapp").await;
        let row = channels
            .ok()
            .as_array()
            .and_then(|rows| {
                rows.iter()
                    .find(|c| c["id"].as_i64() == Some(channel.into()))
            })
            .cloned()
            .unwrap_or_else(|| panic!("channel {channel} not listed"));
        assert_eq!(row["chatFlowId"].as_i64(), Some(id));

        let r = admin
            .put(
                "/settings/botTicketActive/",
                &json!({"key": "botTicketActive", "value": id}),
            )
            .await;
        assert_eq!(r.ok()["value"], id.to_string());
        let settings = admin.get("/settings").await;
        let value = settings
            .ok()
            .as_array()
            .and_then(|rows| rows.iter().find(|s| s["key"] == "botTicketActive"))
            .map(|s| s["value"].clone());
        assert_eq!(value, Some(json!(id.to_string())));
    }
}

#[actix_web::test]
async fn chat_flow_bad_input_is_a_client_error() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let flow = create_flow(&admin, "Base").await;
        let path = format!("/chat-flow/{}", id_of(&flow));

        for (method, p) in [("POST", "/chat-flow"), ("PUT", path.as_str())] {
            admin
                .raw(method, p, "application/json", b"{not json")
                .await
                .err(400, "ERR_INVALID_JSON");
            admin
                .raw(method, p, "text/plain", b"{}")
                .await
                .client_error();
        }

        let long = "x".repeat(10_000);
        let bodies = [
            json!([]),
            json!("flow"),
            json!({"name": "Bad", "flow": "x"}),
            json!({"name": "Bad", "flow": [1, 2]}),
            json!({"name": "Bad", "flow": {"nodeList": {}, "lineList": []}}),
            json!({"name": "Bad", "flow": {"nodeList": [], "lineList": 3}}),
            json!({"name": "Bad", "nodeList": "nodes", "lineList": []}),
            json!({"name": long, "flow": default_flow()}),
            json!({"name": "", "flow": default_flow()}),
            json!({"name": "   ", "flow": default_flow()}),
            json!({"name": 7, "flow": default_flow()}),
            json!({"name": "Bad", "isActive": "yes", "flow": default_flow()}),
            json!({"name": "Bad", "userId": "abc", "flow": default_flow()}),
            json!({"name": "Bad", "userId": -1, "flow": default_flow()}),
            json!({"name": "Bad", "userId": 0, "flow": default_flow()}),
            json!({"name": "Bad", "userId": 99_999_999_999_i64, "flow": default_flow()}),
            json!({"name": "Bad", "userId": 987_654, "flow": default_flow()}),
            json!({"name": "Bad", "celularTeste": "call me", "flow": default_flow()}),
            json!({"name": "Bad", "celularTeste": "1".repeat(31), "flow": default_flow()}),
            json!({"name": "Bad", "celularTeste": long, "flow": default_flow()}),
            json!({"name": "Bad", "celularTeste": 5511, "flow": default_flow()}),
        ];
        for body in &bodies {
            let r = admin.post("/chat-flow", body).await;
            r.client_error();
            let r = admin.put(&path, body).await;
            r.client_error();
        }
        admin
            .post("/chat-flow", &json!({"flow": default_flow()}))
            .await
            .err(422, "ERR_VALIDATION");
        admin
            .post("/chat-flow", &json!({"name": long, "flow": default_flow()}))
            .await
            .err(422, "ERR_VALIDATION");
        admin
            .post(
                "/chat-flow",
                &json!({"name": "Bad", "flow": {"nodeList": {}}}),
            )
            .await
            .err(400, "ERR_INVALID_CHAT_FLOW");
        admin
            .post(
                "/chat-flow",
                &json!({"name": "Bad", "celularTeste": "call me", "flow": default_flow()}),
            )
            .await
            .err(400, "ERR_INVALID_CELULAR_TESTE");

        for bad in ["abc", "1.5", "99999999999"] {
            let p = format!("/chat-flow/{bad}");
            admin
                .put(&p, &json!({"name": "x"}))
                .await
                .err(400, "ERR_INVALID_PATH_PARAMETER");
            admin
                .delete(&p)
                .await
                .err(400, "ERR_INVALID_PATH_PARAMETER");
        }
        for missing in ["0", "-1", "987654"] {
            let p = format!("/chat-flow/{missing}");
            admin
                .put(&p, &json!({"name": "x"}))
                .await
                .err(404, NOT_FOUND);
            admin.delete(&p).await.err(404, NOT_FOUND);
        }
        admin
            .get("/chat-flow?pageNumber=-1&searchParam=")
            .await
            .ok();

        assert_eq!(list(&admin).await, vec![flow], "nothing was written");
    }
}
