//! Settings (client-contract.md §9) and business hours (§9.1), end to end.

use serde_json::{Value, json};

use crate::harness::{Session, TestServer};

async fn setting(s: &Session, key: &str) -> Option<Value> {
    let list = s.get("/settings").await;
    list.ok()
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["key"] == key))
        .cloned()
}

async fn setting_value(s: &Session, key: &str) -> String {
    setting(s, key)
        .await
        .and_then(|r| r["value"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("setting {key} missing"))
}

fn week() -> Value {
    let labels = [
        "Domingo",
        "Segunda-Feira",
        "Terça-Feira",
        "Quarta-Feira",
        "Quinta-Feira",
        "Sexta-Feira",
        "Sábado",
    ];
    Value::Array(
        labels
            .iter()
            .enumerate()
            .map(|(day, label)| {
                let kind = match day {
                    0 => "C",
                    6 => "O",
                    _ => "H",
                };
                json!({"day": day, "label": label, "type": kind,
                       "hr1": "08:00", "hr2": "12:00", "hr3": "13:30", "hr4": "18:00"})
            })
            .collect(),
    )
}

fn week_with(day: usize, field: &str, value: Value) -> Value {
    let mut w = week();
    if let Some(obj) = w.get_mut(day).and_then(Value::as_object_mut) {
        obj.insert(field.to_owned(), value);
    }
    w
}

// ---------------------------------------------------------------- settings

#[actix_web::test]
async fn settings_list_and_update() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let list = agent.get("/settings").await;
        let rows = list.ok().as_array().cloned().unwrap_or_default();
        for key in [
            "NotViewAssignedTickets",
            "NotViewTicketsChatBot",
            "DirectTicketsToWallets",
            "ignoreGroupMsg",
            "rejectCalls",
            "callRejectMessage",
            "botTicketActive",
        ] {
            let row = rows.iter().find(|r| r["key"] == key);
            let row = row.unwrap_or_else(|| panic!("{key} missing ({})", server.backend));
            assert!(row["value"].is_string() && row["id"].is_number(), "{row}");
            assert_eq!(row["tenantId"].as_i64(), Some(admin.tenant_id));
            assert!(row["createdAt"].is_string() && row["updatedAt"].is_string());
        }

        // The client's call: trailing slash, `{key, value}`.
        let r = admin
            .put(
                "/settings/rejectCalls/",
                &json!({"key": "rejectCalls", "value": "enabled"}),
            )
            .await;
        assert_eq!(r.ok()["key"], "rejectCalls");
        assert_eq!(r.body["value"], "enabled");
        assert_eq!(r.body["tenantId"].as_i64(), Some(admin.tenant_id));
        assert_eq!(setting_value(&agent, "rejectCalls").await, "enabled");

        // The body's key may be left out; numbers are stored as their text.
        let r = admin
            .put("/settings/daysToClose", &json!({"value": 30}))
            .await;
        assert_eq!(r.ok()["value"], "30");
        let r = admin
            .put(
                "/settings/botTicketActive/",
                &json!({"key": "botTicketActive", "value": 12}),
            )
            .await;
        assert_eq!(r.ok()["value"], "12");
        let r = admin
            .put(
                "/settings/botTicketActive/",
                &json!({"key": "botTicketActive", "value": ""}),
            )
            .await;
        assert_eq!(r.ok()["value"], "");
        let text = "Não atendemos chamadas; envie uma mensagem.";
        let r = admin
            .put(
                "/settings/callRejectMessage/",
                &json!({"key": "callRejectMessage", "value": text}),
            )
            .await;
        assert_eq!(r.ok()["value"], text);
        assert_eq!(setting_value(&admin, "callRejectMessage").await, text);
        assert_eq!(setting_value(&admin, "daysToClose").await, "30");
    }
}

#[actix_web::test]
async fn setting_rules_refuse_bad_keys_and_values() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let before = setting_value(&admin, "rejectCalls").await;
        admin
            .put(
                "/settings/rejectCalls/",
                &json!({"key": "ignoreGroupMsg", "value": "enabled"}),
            )
            .await
            .err(400, "ERR_SETTING_KEY_MISMATCH");
        admin
            .put(
                "/settings/noSuchKey/",
                &json!({"key": "noSuchKey", "value": "enabled"}),
            )
            .await
            .err(404, "ERR_NO_SETTING_FOUND");
        admin
            .put("/settings/rejectcalls", &json!({"value": "enabled"}))
            .await
            .err(404, "ERR_NO_SETTING_FOUND");
        for (key, value) in [
            ("rejectCalls", json!("yes")),
            ("rejectCalls", json!("")),
            ("rejectCalls", json!(true)),
            ("rejectCalls", json!(1)),
            ("ignoreGroupMsg", json!("Enabled")),
            ("daysToClose", json!(0)),
            ("daysToClose", json!(-3)),
            ("daysToClose", json!(3651)),
            ("daysToClose", json!(7.5)),
            ("daysToClose", json!("seven")),
            ("botTicketActive", json!(0)),
            ("botTicketActive", json!("abc")),
            ("callRejectMessage", json!("x".repeat(1001))),
        ] {
            admin
                .put(
                    &format!("/settings/{key}/"),
                    &json!({"key": key, "value": value}),
                )
                .await
                .err(400, "ERR_INVALID_SETTING_VALUE");
        }
        for body in [
            json!({"key": "rejectCalls"}),
            json!({"key": "rejectCalls", "value": null}),
            json!({"key": "rejectCalls", "value": {"a": 1}}),
            json!({"key": "rejectCalls", "value": ["enabled"]}),
            json!({"key": 5, "value": "enabled"}),
            json!({"key": "x".repeat(10_000), "value": "enabled"}),
            json!({"key": "rejectCalls", "value": "x".repeat(10_000)}),
            json!("enabled"),
        ] {
            admin
                .put("/settings/rejectCalls/", &body)
                .await
                .client_error();
        }
        admin
            .raw(
                "PUT",
                "/settings/rejectCalls/",
                "application/json",
                b"{not json",
            )
            .await
            .client_error();
        assert_eq!(setting_value(&admin, "rejectCalls").await, before);
    }
}

#[actix_web::test]
async fn settings_need_an_admin_and_stay_in_their_tenant() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let beta = server.new_tenant("Beta").await;
        let before = setting_value(&admin, "rejectCalls").await;
        agent
            .put(
                "/settings/rejectCalls/",
                &json!({"key": "rejectCalls", "value": "enabled"}),
            )
            .await
            .err(403, "ERR_NO_PERMISSION");
        assert_eq!(setting_value(&admin, "rejectCalls").await, before);

        let beta_before = setting_value(&beta, "ignoreGroupMsg").await;
        admin
            .put(
                "/settings/ignoreGroupMsg/",
                &json!({"key": "ignoreGroupMsg", "value": "disabled"}),
            )
            .await
            .ok();
        beta.put(
            "/settings/ignoreGroupMsg/",
            &json!({"key": "ignoreGroupMsg", "value": "enabled"}),
        )
        .await
        .ok();
        assert_eq!(setting_value(&admin, "ignoreGroupMsg").await, "disabled");
        assert_eq!(beta_before, "enabled");
        let beta_rows = beta.get("/settings").await;
        assert!(beta_rows.ok().as_array().is_some_and(|rows| {
            rows.iter()
                .all(|r| r["tenantId"].as_i64() == Some(beta.tenant_id))
        }));
        server
            .anon()
            .get("/settings")
            .await
            .err(401, "ERR_TOKEN_NOT_PROVIDED");
    }
}

// ---------------------------------------------------------------- business hours

#[actix_web::test]
async fn business_hours_read_and_replace() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let r = agent.get("/tenants/business-hours").await;
        let days = r.ok()["businessHours"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(days.len(), 7, "{} {}", server.backend, r.text);
        assert!(
            days.iter()
                .all(|d| d["day"].is_number() && d["type"].is_string() && d["hr1"].is_string())
        );
        assert!(r.body["messageBusinessHours"].is_string());

        let saved = admin.put("/tenants/business-hours/", &week()).await;
        assert_eq!(saved.ok()["businessHours"], week());
        assert!(saved.body["messageBusinessHours"].is_string());
        let read = agent.get("/tenants/business-hours").await;
        assert_eq!(read.ok()["businessHours"], week());

        // Days may arrive as `value` (the select's field) and as text.
        let mut alt = week();
        for (i, d) in alt.as_array_mut().into_iter().flatten().enumerate() {
            if let Some(obj) = d.as_object_mut() {
                obj.remove("day");
                if i % 2 == 0 {
                    obj.insert("value".into(), json!(i));
                } else {
                    obj.insert("value".into(), json!(i.to_string()));
                }
            }
        }
        let saved = admin.put("/tenants/business-hours", &alt).await;
        let days = saved.ok()["businessHours"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(days.len(), 7);
        assert!(
            days.iter()
                .enumerate()
                .all(|(i, d)| d["day"].as_u64() == Some(i as u64)),
            "{days:?}"
        );

        let msg = "Estamos fora do horário, {{name}}. Voltamos às 8h.";
        let r = admin
            .put(
                "/tenants/message-business-hours/",
                &json!({"messageBusinessHours": msg}),
            )
            .await;
        assert_eq!(r.ok()["messageBusinessHours"], msg);
        assert_eq!(r.body["businessHours"].as_array().map(Vec::len), Some(7));
        let read = agent.get("/tenants/business-hours").await;
        assert_eq!(read.ok()["messageBusinessHours"], msg);
    }
}

#[actix_web::test]
async fn business_hours_bad_input_is_refused_and_changes_nothing() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        admin.put("/tenants/business-hours", &week()).await.ok();
        let dup = {
            let mut w = week();
            if let Some(a) = w.as_array_mut() {
                let first = a[0].clone();
                a.push(first);
                a.remove(1);
            }
            w
        };
        for bad in [
            week_with(1, "hr1", json!("25:00")),
            week_with(1, "hr2", json!("8h")),
            week_with(2, "hr3", json!("")),
            week_with(2, "hr4", json!(1800)),
            week_with(3, "hr2", json!("07:00")),
            week_with(3, "type", json!("X")),
            week_with(3, "type", json!("open")),
            week_with(4, "day", json!(7)),
            week_with(4, "day", json!(-1)),
            week_with(4, "label", json!("")),
            week_with(4, "label", json!("x".repeat(10_000))),
            dup,
            json!({}),
            json!("week"),
            json!([1, 2, 3]),
            json!(null),
        ] {
            admin
                .put("/tenants/business-hours", &bad)
                .await
                .err(400, "ERR_INVALID_BUSINESS_HOURS");
        }
        admin
            .raw(
                "PUT",
                "/tenants/business-hours",
                "application/json",
                b"[{not json",
            )
            .await
            .client_error();
        let read = admin.get("/tenants/business-hours").await;
        assert_eq!(read.ok()["businessHours"], week());

        let before = read.body["messageBusinessHours"].clone();
        for body in [
            json!({"messageBusinessHours": ""}),
            json!({"messageBusinessHours": "   "}),
            json!({}),
            json!({"messageBusinessHours": null}),
        ] {
            admin
                .put("/tenants/message-business-hours", &body)
                .await
                .err(400, "ERR_NO_MESSAGE_INFORMATION");
        }
        admin
            .put(
                "/tenants/message-business-hours",
                &json!({"messageBusinessHours": "x".repeat(10_001)}),
            )
            .await
            .err(422, "ERR_VALIDATION");
        admin
            .put(
                "/tenants/message-business-hours",
                &json!({"messageBusinessHours": 42}),
            )
            .await
            .client_error();
        admin
            .raw(
                "PUT",
                "/tenants/message-business-hours",
                "application/json",
                b"{not json",
            )
            .await
            .client_error();
        let read = admin.get("/tenants/business-hours").await;
        assert_eq!(read.ok()["messageBusinessHours"], before);
    }
}

#[actix_web::test]
async fn business_hours_need_an_admin_and_stay_in_their_tenant() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let beta = server.new_tenant("Beta").await;
        admin.put("/tenants/business-hours", &week()).await.ok();
        admin
            .put(
                "/tenants/message-business-hours",
                &json!({"messageBusinessHours": "Alpha away"}),
            )
            .await
            .ok();

        agent
            .put("/tenants/business-hours", &week_with(1, "type", json!("C")))
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .put(
                "/tenants/message-business-hours",
                &json!({"messageBusinessHours": "hijacked"}),
            )
            .await
            .err(403, "ERR_NO_PERMISSION");

        let beta_week = week_with(1, "type", json!("C"));
        beta.put("/tenants/business-hours", &beta_week).await.ok();
        beta.put(
            "/tenants/message-business-hours",
            &json!({"messageBusinessHours": "Beta away"}),
        )
        .await
        .ok();
        let b = beta.get("/tenants/business-hours").await;
        assert_eq!(b.ok()["businessHours"], beta_week);
        assert_eq!(b.body["messageBusinessHours"], "Beta away");

        let a = admin.get("/tenants/business-hours").await;
        assert_eq!(a.ok()["businessHours"], week());
        assert_eq!(a.body["messageBusinessHours"], "Alpha away");
    }
}
