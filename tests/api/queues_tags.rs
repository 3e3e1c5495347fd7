//! Queues (client-contract.md §6) and tags (§11), end to end.

use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{TicketChannel, TicketStatus};
use tiktickets_domain::ids::{QueueId, TagId, TenantId};
use tiktickets_domain::phone::normalize;
use tiktickets_domain::store::contacts::{Contact, ContactInput};
use tiktickets_domain::store::tickets::NewTicket;

use crate::harness::{Session, TestServer};

fn cx_of(s: &Session) -> TenantCtx {
    TenantCtx::system(TenantId::from_verified(
        i32::try_from(s.tenant_id).unwrap_or_default(),
    ))
}

fn id_of(v: &Value) -> i64 {
    v["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no numeric id in {v}"))
}

async fn contact(server: &TestServer, owner: &Session, number: &str) -> Contact {
    let input = ContactInput {
        name: format!("Contact {number}"),
        number: Some(normalize(number).unwrap_or_else(|e| panic!("number {number}: {e}"))),
        email: None,
        profile_pic_url: None,
    };
    server
        .prepared
        .state
        .stores
        .contacts
        .create(&cx_of(owner), input)
        .await
        .unwrap_or_else(|e| panic!("create contact: {e}"))
}

async fn create_queue(s: &Session, name: &str) -> Value {
    s.post(
        "/queue",
        &json!({"queue": name, "isActive": true, "id": null}),
    )
    .await
    .ok()
    .clone()
}

async fn create_tag(s: &Session, tag: &str, color: &str) -> Value {
    s.post(
        "/tags",
        &json!({"id": null, "tag": tag, "color": color, "isActive": true, "autoTag": ""}),
    )
    .await
    .ok()
    .clone()
}

fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not an array: {list}"))
        .iter()
        .map(|q| q[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

// ---------------------------------------------------------------- queues

#[actix_web::test]
async fn queue_create_list_update_delete() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let created = create_queue(&admin, "  Vendas  ").await;
        assert_eq!(created["queue"], "Vendas", "{}", server.backend);
        assert_eq!(created["isActive"], true);
        assert_eq!(created["tenantId"].as_i64(), Some(admin.tenant_id));
        assert_eq!(created["userId"].as_i64(), Some(admin.user_id));
        assert!(created["createdAt"].is_string() && created["updatedAt"].is_string());
        let id = id_of(&created);

        // isActive defaults to true; the client's `id: null` is ignored.
        let second = admin.post("/queue", &json!({"queue": "Atendimento"})).await;
        assert_eq!(second.ok()["isActive"], true);
        let third = create_queue(&admin, "suporte").await;

        let list = admin.get("/queue").await;
        let listed = names(list.ok(), "queue");
        let mut sorted = listed.clone();
        sorted.sort_by_key(|n| n.to_lowercase());
        assert_eq!(listed, sorted, "ordered by name");
        assert!(listed.contains(&"Vendas".to_owned()));
        let row = list
            .body
            .as_array()
            .and_then(|a| a.iter().find(|q| q["id"] == id));
        assert!(row.is_some_and(|q| q["isActive"] == true && q["tenantId"].is_number()));

        let updated = admin
            .put(
                &format!("/queue/{id}"),
                &json!({"id": id, "queue": "Vendas B2B", "isActive": false}),
            )
            .await;
        assert_eq!(updated.ok()["queue"], "Vendas B2B");
        assert_eq!(updated.body["isActive"], false);
        assert_eq!(id_of(&updated.body), id);

        // isActive absent on an update keeps the stored value.
        let renamed = admin
            .put(&format!("/queue/{id}"), &json!({"queue": "Vendas"}))
            .await;
        assert_eq!(renamed.ok()["isActive"], false);

        let deleted = admin.delete(&format!("/queue/{}", id_of(&third))).await;
        assert_eq!(deleted.ok()["message"], "Queue deleted");
        let after = admin.get("/queue").await;
        assert!(
            !after
                .ok()
                .as_array()
                .is_some_and(|a| a.iter().any(|q| q["id"] == third["id"]))
        );
        admin
            .put(&format!("/queue/{}", id_of(&third)), &json!({"queue": "x"}))
            .await
            .err(404, "ERR_QUEUE_NOT_FOUND");
        admin
            .delete(&format!("/queue/{}", id_of(&third)))
            .await
            .err(404, "ERR_QUEUE_NOT_FOUND");
    }
}

#[actix_web::test]
async fn queue_used_by_a_ticket_cannot_be_deleted() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let queue = create_queue(&admin, "Financeiro").await;
        let qid = id_of(&queue);
        let c = contact(&server, &admin, "5511988887777").await;
        server
            .prepared
            .state
            .stores
            .tickets
            .create(
                &cx_of(&admin),
                NewTicket {
                    contact_id: c.id,
                    whatsapp_id: None,
                    status: TicketStatus::Pending,
                    user_id: None,
                    queue_id: Some(QueueId::new(i32::try_from(qid).unwrap_or_default())),
                    is_group: false,
                    channel: TicketChannel::Whatsapp,
                    is_active_demand: false,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("create ticket: {e}"));
        admin
            .delete(&format!("/queue/{qid}"))
            .await
            .err(409, "ERR_QUEUE_TICKET_EXISTS");
        let list = admin.get("/queue").await;
        assert!(
            list.ok()
                .as_array()
                .is_some_and(|a| a.iter().any(|q| q["id"] == qid))
        );
    }
}

#[actix_web::test]
async fn queue_writes_need_an_admin_and_reads_do_not() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let queue = create_queue(&admin, "Suporte").await;
        let id = id_of(&queue);
        assert!(
            agent
                .get("/queue")
                .await
                .ok()
                .as_array()
                .is_some_and(|a| !a.is_empty())
        );
        agent
            .post("/queue", &json!({"queue": "Agent queue", "isActive": true}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .put(
                &format!("/queue/{id}"),
                &json!({"queue": "Hijacked", "isActive": false}),
            )
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .delete(&format!("/queue/{id}"))
            .await
            .err(403, "ERR_NO_PERMISSION");
        let list = admin.get("/queue").await;
        let row = list
            .ok()
            .as_array()
            .and_then(|a| a.iter().find(|q| q["id"] == id))
            .cloned();
        assert_eq!(row.map(|r| r["queue"].clone()), Some(json!("Suporte")));
        assert_eq!(
            names(&list.body, "queue").len(),
            1,
            "the agent created nothing"
        );
        server
            .anon()
            .get("/queue")
            .await
            .err(401, "ERR_TOKEN_NOT_PROVIDED");
    }
}

#[actix_web::test]
async fn queues_of_another_tenant_are_invisible() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let beta = server.new_tenant("Beta").await;
        let queue = create_queue(&admin, "Alpha only").await;
        let id = id_of(&queue);
        beta.put(
            &format!("/queue/{id}"),
            &json!({"queue": "Stolen", "isActive": false}),
        )
        .await
        .err(404, "ERR_QUEUE_NOT_FOUND");
        beta.delete(&format!("/queue/{id}"))
            .await
            .err(404, "ERR_QUEUE_NOT_FOUND");
        assert!(!names(beta.get("/queue").await.ok(), "queue").contains(&"Alpha only".to_owned()));
        let mine = admin.get("/queue").await;
        let row = mine
            .ok()
            .as_array()
            .and_then(|a| a.iter().find(|q| q["id"] == id))
            .cloned();
        let row = row.unwrap_or_else(|| panic!("queue {id} vanished"));
        assert_eq!(row["queue"], "Alpha only");
        assert_eq!(row["isActive"], true);
        let own = create_queue(&beta, "Beta queue").await;
        assert_eq!(own["tenantId"].as_i64(), Some(beta.tenant_id));
    }
}

#[actix_web::test]
async fn queue_bad_input_is_a_client_error() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let id = id_of(&create_queue(&admin, "Base").await);
        let path = format!("/queue/{id}");
        admin
            .raw("POST", "/queue", "application/json", b"{not json")
            .await
            .client_error();
        admin
            .raw("PUT", &path, "application/json", b"{not json")
            .await
            .client_error();
        for body in [
            json!({}),
            json!({"isActive": true}),
            json!({"queue": 5}),
            json!({"queue": null}),
            json!({"queue": "ok", "isActive": "maybe"}),
            json!({"queue": ""}),
            json!({"queue": "   "}),
            json!({"queue": "x".repeat(10_000)}),
            json!({"queue": "x".repeat(256)}),
            json!([1, 2]),
        ] {
            admin.post("/queue", &body).await.client_error();
            admin.put(&path, &body).await.client_error();
        }
        admin
            .post("/queue", &json!({"queue": "x".repeat(10_000)}))
            .await
            .err(422, "ERR_VALIDATION");
        for bad in ["abc", "1.5", "99999999999"] {
            admin
                .put(&format!("/queue/{bad}"), &json!({"queue": "x"}))
                .await
                .client_error();
            admin.delete(&format!("/queue/{bad}")).await.client_error();
        }
        for missing in ["0", "-1", "2147483647"] {
            admin
                .put(&format!("/queue/{missing}"), &json!({"queue": "x"}))
                .await
                .err(404, "ERR_QUEUE_NOT_FOUND");
            admin
                .delete(&format!("/queue/{missing}"))
                .await
                .err(404, "ERR_QUEUE_NOT_FOUND");
        }
        let list = admin.get("/queue").await;
        assert_eq!(names(list.ok(), "queue"), vec!["Base".to_owned()]);
    }
}

// ---------------------------------------------------------------- tags

#[actix_web::test]
async fn tag_create_list_update_delete() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let created = admin
            .post(
                "/tags",
                &json!({"id": null, "tag": " VIP ", "color": "#FF0000", "isActive": true, "autoTag": "promo"}),
            )
            .await;
        let tag = created.ok().clone();
        assert_eq!(tag["tag"], "VIP", "{}", server.backend);
        assert_eq!(tag["color"], "#FF0000");
        assert_eq!(tag["isActive"], true);
        assert_eq!(tag["autoTag"], "promo");
        assert_eq!(tag["tenantId"].as_i64(), Some(admin.tenant_id));
        assert_eq!(tag["userId"].as_i64(), Some(admin.user_id));
        let id = id_of(&tag);

        let short = create_tag(&admin, "alpha", "#abc").await;
        assert_eq!(short["autoTag"], Value::Null, "an empty autoTag is none");
        let inactive = admin
            .post(
                "/tags",
                &json!({"tag": "Old", "color": "#00ff00", "isActive": false}),
            )
            .await;
        assert_eq!(inactive.ok()["isActive"], false);

        for query in [
            "/tags/?isActive=null",
            "/tags",
            "/tags?isActive=false",
            "/tags?isActive=",
        ] {
            let list = admin.get(query).await;
            let listed = names(list.ok(), "tag");
            assert_eq!(listed.len(), 3, "{query}: {listed:?}");
            let mut sorted = listed.clone();
            sorted.sort();
            assert_eq!(listed, sorted, "{query}: ordered by tag");
            let row = list
                .body
                .as_array()
                .and_then(|a| a.iter().find(|t| t["id"] == id));
            assert!(row.is_some_and(|t| t["color"] == "#FF0000" && t["autoTag"] == "promo"));
        }
        let active = admin.get("/tags/?isActive=true").await;
        let active = names(active.ok(), "tag");
        assert_eq!(active.len(), 2);
        assert!(!active.contains(&"Old".to_owned()));

        let updated = admin
            .put(
                &format!("/tags/{id}"),
                &json!({"id": id, "tag": "VIP Gold", "color": "#123456", "isActive": false, "autoTag": ""}),
            )
            .await;
        assert_eq!(updated.ok()["tag"], "VIP Gold");
        assert_eq!(updated.body["color"], "#123456");
        assert_eq!(updated.body["isActive"], false);
        assert_eq!(updated.body["autoTag"], Value::Null);
        let kept = admin
            .put(
                &format!("/tags/{id}"),
                &json!({"tag": "VIP Gold", "color": "#123456"}),
            )
            .await;
        assert_eq!(
            kept.ok()["isActive"],
            false,
            "isActive absent keeps the stored value"
        );

        let deleted = admin.delete(&format!("/tags/{}", id_of(&short))).await;
        assert_eq!(deleted.ok()["message"], "Tag deleted");
        assert!(!names(admin.get("/tags").await.ok(), "tag").contains(&"alpha".to_owned()));
        admin
            .delete(&format!("/tags/{}", id_of(&short)))
            .await
            .err(404, "ERR_NO_TAG_FOUND");
    }
}

#[actix_web::test]
async fn tag_labels_are_unique_and_tags_on_contacts_stay() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let vip = create_tag(&admin, "VIP", "#ff0000").await;
        let other = create_tag(&admin, "Other", "#00ff00").await;
        admin
            .post("/tags", &json!({"tag": "VIP", "color": "#000000"}))
            .await
            .err(409, "ERR_TAG_ALREADY_EXISTS");
        admin
            .put(
                &format!("/tags/{}", id_of(&other)),
                &json!({"tag": "VIP", "color": "#000000"}),
            )
            .await
            .err(409, "ERR_TAG_ALREADY_EXISTS");

        // Another tenant may use the same label.
        let beta = server.new_tenant("Beta").await;
        create_tag(&beta, "VIP", "#ff0000").await;

        let c = contact(&server, &admin, "5511977776666").await;
        let tag_id = TagId::new(i32::try_from(id_of(&vip)).unwrap_or_default());
        server
            .prepared
            .state
            .stores
            .contacts
            .set_tags(&cx_of(&admin), c.id, &[tag_id])
            .await
            .unwrap_or_else(|e| panic!("tag the contact: {e}"));
        admin
            .delete(&format!("/tags/{}", id_of(&vip)))
            .await
            .err(409, "ERR_TAG_CONTACTS_EXISTS");
        assert!(names(admin.get("/tags").await.ok(), "tag").contains(&"VIP".to_owned()));
    }
}

#[actix_web::test]
async fn tag_writes_need_an_admin_and_other_tenants_see_nothing() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let beta = server.new_tenant("Beta").await;
        let tag = create_tag(&admin, "Mine", "#112233").await;
        let id = id_of(&tag);
        let path = format!("/tags/{id}");

        assert_eq!(
            names(agent.get("/tags/?isActive=null").await.ok(), "tag"),
            vec!["Mine"]
        );
        agent
            .post("/tags", &json!({"tag": "Agent", "color": "#112233"}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .put(&path, &json!({"tag": "Agent", "color": "#000000"}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent.delete(&path).await.err(403, "ERR_NO_PERMISSION");

        assert!(names(beta.get("/tags").await.ok(), "tag").is_empty());
        beta.put(
            &path,
            &json!({"tag": "Stolen", "color": "#000000", "isActive": false}),
        )
        .await
        .err(404, "ERR_NO_TAG_FOUND");
        beta.delete(&path).await.err(404, "ERR_NO_TAG_FOUND");

        let list = admin.get("/tags").await;
        let rows = list.ok().as_array().cloned().unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["tag"], "Mine");
        assert_eq!(rows[0]["color"], "#112233");
        assert_eq!(rows[0]["isActive"], true);
    }
}

#[actix_web::test]
async fn tag_bad_input_is_a_client_error() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let id = id_of(&create_tag(&admin, "Base", "#abcdef").await);
        let path = format!("/tags/{id}");
        admin
            .raw("POST", "/tags", "application/json", b"{not json")
            .await
            .client_error();
        admin
            .raw("PUT", &path, "application/json", b"{not json")
            .await
            .client_error();
        for color in [
            "red",
            "#12345",
            "#1234567",
            "#gggggg",
            "",
            "ff0000",
            "#",
            "#ff00ff00",
            "# ff000",
        ] {
            admin
                .post("/tags", &json!({"tag": "Bad colour", "color": color}))
                .await
                .err(422, "ERR_VALIDATION");
            admin
                .put(&path, &json!({"tag": "Base", "color": color}))
                .await
                .err(422, "ERR_VALIDATION");
        }
        for body in [
            json!({}),
            json!({"tag": "No colour"}),
            json!({"color": "#ffffff"}),
            json!({"tag": 7, "color": "#ffffff"}),
            json!({"tag": "x", "color": 16_777_215}),
            json!({"tag": "x", "color": "#ffffff", "isActive": "yes"}),
            json!({"tag": "", "color": "#ffffff"}),
            json!({"tag": "   ", "color": "#ffffff"}),
            json!({"tag": "x".repeat(10_000), "color": "#ffffff"}),
            json!({"tag": "x", "color": "#ffffff", "autoTag": "y".repeat(256)}),
            json!({"tag": "x", "color": "#ffffff", "autoTag": 12}),
        ] {
            admin.post("/tags", &body).await.client_error();
            admin.put(&path, &body).await.client_error();
        }
        admin
            .get("/tags?isActive=maybe")
            .await
            .err(400, "ERR_INVALID_QUERY");
        for bad in ["abc", "1.5", "99999999999"] {
            admin
                .put(
                    &format!("/tags/{bad}"),
                    &json!({"tag": "x", "color": "#fff"}),
                )
                .await
                .client_error();
            admin.delete(&format!("/tags/{bad}")).await.client_error();
        }
        for missing in ["0", "-1"] {
            admin
                .put(
                    &format!("/tags/{missing}"),
                    &json!({"tag": "x", "color": "#fff"}),
                )
                .await
                .err(404, "ERR_NO_TAG_FOUND");
            admin
                .delete(&format!("/tags/{missing}"))
                .await
                .err(404, "ERR_NO_TAG_FOUND");
        }
        let list = admin.get("/tags").await;
        let rows = list.ok().as_array().cloned().unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["tag"], "Base");
        assert_eq!(rows[0]["color"], "#abcdef");
    }
}
