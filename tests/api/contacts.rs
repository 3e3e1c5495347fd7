//! Contacts (client-contract.md §5, §4.3, §4.6; behaviour.md §3.7; rules C-1..C-9): CRUD,
//! list filters and agent visibility, tags and wallets, CSV import and export, tenant isolation.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{TicketChannel, TicketStatus};
use tiktickets_domain::ids::{ContactId, TenantId};
use tiktickets_domain::store::tags::TagInput;
use tiktickets_domain::store::tickets::NewTicket;

use crate::harness::{FilePart, Resp, Session, TestServer};

fn system_cx(of: &Session) -> TenantCtx {
    TenantCtx::system(TenantId::from_verified(
        i32::try_from(of.tenant_id).unwrap(),
    ))
}

/// A tag of the session's tenant, made through the store (the tag routes are another area).
async fn tag(server: &TestServer, of: &Session, label: &str) -> i64 {
    let tag = server
        .prepared
        .state
        .stores
        .tags
        .create(
            &system_cx(of),
            TagInput {
                tag: label.to_owned(),
                color: "#ff0000".to_owned(),
                is_active: true,
                auto_tag: None,
            },
        )
        .await
        .expect("create tag");
    i64::from(tag.id.get())
}

/// An open ticket of a contact, made through the store.
async fn ticket_for(server: &TestServer, of: &Session, contact: i64) {
    server
        .prepared
        .state
        .stores
        .tickets
        .create(
            &system_cx(of),
            NewTicket {
                contact_id: ContactId::new(i32::try_from(contact).unwrap()),
                whatsapp_id: None,
                status: TicketStatus::Open,
                user_id: None,
                queue_id: None,
                is_group: false,
                channel: TicketChannel::Whatsapp,
                is_active_demand: true,
            },
        )
        .await
        .expect("create ticket");
}

/// Creates a contact and returns its body.
async fn contact(s: &Session, name: &str, number: &str) -> Value {
    let r = s
        .post(
            "/contacts",
            &json!({"name": name, "number": number, "email": ""}),
        )
        .await;
    r.ok().clone()
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("numeric id")
}

fn names(r: &Resp) -> Vec<String> {
    let mut names: Vec<String> = r.ok()["contacts"]
        .as_array()
        .expect("contacts array")
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// Every contact of the tenant whose name or number contains `term`.
async fn count_matching(s: &Session, term: &str) -> i64 {
    let r = s.get(&format!("/contacts?searchParam={term}")).await;
    r.ok()["count"].as_i64().expect("numeric count")
}

#[actix_web::test]
async fn create_show_update_delete() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let vip = tag(&server, &admin, "VIP").await;

        let r = admin
            .post(
                "/contacts",
                &json!({
                    "name": "  Maria Souza  ",
                    "number": "+55 (11) 98888-7777",
                    "email": "",
                    "wallets": [{"id": agent.user_id, "name": "ignored"}],
                    "tags": [vip.to_string()],
                    "extraInfo": [{"name": "CPF", "value": "123"}, {"id": null, "name": "Cidade", "value": 42}],
                }),
            )
            .await;
        let c = r.ok().clone();
        let cid = id(&c);
        assert_eq!(c["name"], "Maria Souza", "{}", server.backend);
        assert_eq!(c["number"], "5511988887777");
        assert!(c["email"].is_null());
        assert!(c.get("profilePicUrl").is_some());
        assert!(
            c.get("instagramPK").is_some() && c.get("isWAContact").is_some(),
            "{c}"
        );
        assert!(
            c.get("instagramPk").is_none(),
            "reference column names only: {c}"
        );
        assert_eq!(c["tags"][0]["id"], vip);
        assert_eq!(c["tags"][0]["tag"], "VIP");
        assert_eq!(c["wallets"][0]["id"], agent.user_id);
        assert!(
            c["wallets"][0]["name"]
                .as_str()
                .unwrap()
                .starts_with("Agent")
        );
        let extra = c["extraInfo"].as_array().unwrap();
        assert_eq!(extra.len(), 2);
        assert_eq!(extra[0]["name"], "CPF");
        assert_eq!(extra[1]["value"], "42");
        let cpf_id = extra[0]["id"].as_i64().unwrap();

        // The side panel and the edit form read the same shape.
        let shown = admin.get(&format!("/contacts/{cid}")).await;
        assert_eq!(shown.ok()["number"], "5511988887777");
        assert_eq!(shown.body["wallets"][0]["id"], agent.user_id);
        assert_eq!(shown.body["extraInfo"].as_array().unwrap().len(), 2);

        // Update without a number keeps it (fix of C-3); extraInfo: kept id updated, the
        // other deleted, a new one added; wallets absent stay; tags [] clears.
        let r = admin
            .put(
                &format!("/contacts/{cid}"),
                &json!({
                    "name": "Maria S.",
                    "email": "maria@example.com",
                    "extraInfo": [{"id": cpf_id, "name": "CPF", "value": "999"}, {"name": "Novo", "value": "x"}],
                    "tags": [],
                }),
            )
            .await;
        let u = r.ok();
        assert_eq!(u["name"], "Maria S.");
        assert_eq!(u["number"], "5511988887777");
        assert_eq!(u["email"], "maria@example.com");
        assert_eq!(u["tags"], json!([]));
        assert_eq!(u["wallets"][0]["id"], agent.user_id);
        let extra = u["extraInfo"].as_array().unwrap();
        assert_eq!(extra.len(), 2);
        assert_eq!(extra[0]["id"], cpf_id);
        assert_eq!(extra[0]["value"], "999");
        assert_eq!(extra[1]["name"], "Novo");

        // A new number, formatted; email "" clears.
        let r = admin
            .put(
                &format!("/contacts/{cid}"),
                &json!({"number": "55 21 97777-6666", "email": "", "wallets": []}),
            )
            .await;
        assert_eq!(r.ok()["number"], "5521977776666");
        assert!(r.body["email"].is_null());
        assert_eq!(r.body["name"], "Maria S.");
        assert_eq!(r.body["wallets"], json!([]));

        // An agent may create and edit contacts too.
        let a = contact(&agent, "Cliente do agente", "5511955554444").await;
        assert_eq!(a["name"], "Cliente do agente");

        let r = admin.delete(&format!("/contacts/{cid}")).await;
        assert_eq!(r.ok()["message"], "Contact deleted");
        admin
            .get(&format!("/contacts/{cid}"))
            .await
            .err(404, "ERR_NO_CONTACT_FOUND");
        admin
            .delete(&format!("/contacts/{cid}"))
            .await
            .err(404, "ERR_NO_CONTACT_FOUND");
    }
}

#[actix_web::test]
async fn create_refuses_bad_input_and_writes_nothing() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let long = "x".repeat(10_000);
        let cases = [
            (json!({"number": "5511999990001"}), 422, "ERR_VALIDATION"),
            (
                json!({"name": "   ", "number": "5511999990001"}),
                422,
                "ERR_VALIDATION",
            ),
            (json!({"name": "Sem número"}), 422, "ERR_VALIDATION"),
            (
                json!({"name": "Curto", "number": "1234567"}),
                400,
                "ERR_INVALID_NUMBER",
            ),
            (
                json!({"name": "Letras", "number": "abc55119999"}),
                400,
                "ERR_INVALID_NUMBER",
            ),
            (
                json!({"name": "Grupo", "number": "120363012345678901@g.us"}),
                400,
                "ERR_INVALID_NUMBER",
            ),
            (
                json!({"name": long, "number": "5511999990001"}),
                422,
                "ERR_VALIDATION",
            ),
            (
                json!({"name": "Longo", "number": long}),
                422,
                "ERR_VALIDATION",
            ),
            (
                json!({"name": "Mail", "number": "5511999990001", "email": "not-an-email"}),
                400,
                "ERR_INVALID_EMAIL",
            ),
            (
                json!({"name": "Mail", "number": "5511999990001", "email": long}),
                422,
                "ERR_VALIDATION",
            ),
            (
                json!({"name": "Extra", "number": "5511999990001", "extraInfo": [{"value": "no name"}]}),
                422,
                "ERR_VALIDATION",
            ),
            (
                json!({"name": "Extra", "number": "5511999990001", "extraInfo": [{"name": "n", "value": long}]}),
                422,
                "ERR_VALIDATION",
            ),
            (
                json!({"name": ["x"], "number": "5511999990001"}),
                400,
                "ERR_INVALID_BODY",
            ),
            (
                json!({"name": "T", "number": "5511999990001", "wallets": "x"}),
                400,
                "ERR_INVALID_BODY",
            ),
            (
                json!({"name": "T", "number": "5511999990001", "wallets": [0]}),
                400,
                "ERR_INVALID_BODY",
            ),
            (
                json!({"name": "T", "number": "5511999990001", "tags": [-3]}),
                400,
                "ERR_INVALID_BODY",
            ),
            (
                json!({"name": "T", "number": "5511999990001", "tags": ["abc"]}),
                400,
                "ERR_INVALID_BODY",
            ),
            (
                json!({"name": "T", "number": "5511999990001", "extraInfo": "x"}),
                400,
                "ERR_INVALID_BODY",
            ),
            (
                json!({"name": "T", "number": "5511999990001", "tags": [999999]}),
                404,
                "ERR_NO_TAG_FOUND",
            ),
            (
                json!({"name": "T", "number": "5511999990001", "wallets": [999999]}),
                404,
                "ERR_NO_USER_FOUND",
            ),
            (json!("just text"), 400, "ERR_INVALID_BODY"),
        ];
        for (body, status, code) in cases {
            let r = admin.post("/contacts", &body).await;
            assert_eq!(r.status, status, "{} {body}: {}", server.backend, r.text);
            r.err(status, code);
        }
        admin
            .raw("POST", "/contacts", "application/json", b"{not json")
            .await
            .err(400, "ERR_INVALID_JSON");
        admin.post("/contacts", &json!([1, 2])).await.client_error();
        admin
            .raw("POST", "/contacts", "text/plain", b"name=x")
            .await
            .client_error();
        assert_eq!(count_matching(&admin, "5511999990001").await, 0);
        server
            .anon()
            .post(
                "/contacts",
                &json!({"name": "x", "number": "5511999990001"}),
            )
            .await
            .err(401, "ERR_TOKEN_NOT_PROVIDED");
    }
}

#[actix_web::test]
async fn duplicate_numbers_conflict_in_both_brazilian_forms() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let first = contact(&admin, "Primeiro", "5511999998888").await;
        for number in ["5511999998888", "+55 11 99999-8888", "551199998888"] {
            admin
                .post("/contacts", &json!({"name": "Outro", "number": number}))
                .await
                .err(409, "ERR_DUPLICATED_CONTACT");
        }
        // Typed without the ninth digit, found when typed with it.
        let old = contact(&admin, "Antigo", "552188887777").await;
        admin
            .post(
                "/contacts",
                &json!({"name": "Novo", "number": "5521988887777"}),
            )
            .await
            .err(409, "ERR_DUPLICATED_CONTACT");
        // Moving another contact onto a taken number is refused and changes nothing.
        let r = admin
            .put(
                &format!("/contacts/{}", id(&old)),
                &json!({"name": "Renomeado", "number": "551199998888"}),
            )
            .await;
        r.err(409, "ERR_DUPLICATED_CONTACT");
        let back = admin.get(&format!("/contacts/{}", id(&old))).await;
        assert_eq!(back.ok()["name"], "Antigo");
        // Saving a contact with its own number (either form) is fine.
        let r = admin
            .put(
                &format!("/contacts/{}", id(&first)),
                &json!({"name": "Primeiro", "number": "551199998888"}),
            )
            .await;
        assert_eq!(r.ok()["name"], "Primeiro");
    }
}

#[actix_web::test]
async fn list_searches_filters_and_pages() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let vip = tag(&server, &admin, "VIP").await;
        let other = tag(&server, &admin, "Outro").await;
        let pct = contact(&admin, "100% real", "5511911110001").await;
        contact(&admin, "a_b", "5511911110002").await;
        contact(&admin, "axb", "5511911110003").await;
        let abc = contact(&admin, "ABC Ltda", "5511911110004").await;

        let r = admin.get("/contacts?searchParam=%25").await;
        assert_eq!(names(&r), vec!["100% real"], "{}", server.backend);
        let r = admin.get("/contacts?searchParam=_").await;
        assert_eq!(names(&r), vec!["a_b"]);
        let r = admin.get("/contacts?searchParam=abc").await;
        assert_eq!(names(&r), vec!["ABC Ltda"], "case-insensitive");
        let r = admin.get("/contacts?searchParam=110003").await;
        assert_eq!(names(&r), vec!["axb"], "by number");
        let r = admin
            .get("/contacts?searchParam=%27%20OR%201%3D1%20--")
            .await;
        assert_eq!(r.ok()["count"], 0, "the search is data, not SQL");

        admin
            .put(
                &format!("/contact-tags/{}", id(&pct)),
                &json!({"tags": [vip]}),
            )
            .await
            .ok();
        admin
            .put(
                &format!("/contact-tags/{}", id(&abc)),
                &json!({"tags": [other]}),
            )
            .await
            .ok();
        admin
            .put(
                &format!("/contact-wallet/{}", id(&abc)),
                &json!({"wallets": [agent.user_id]}),
            )
            .await
            .ok();
        let r = admin.get(&format!("/contacts?tags[]={vip}")).await;
        assert_eq!(names(&r), vec!["100% real"]);
        let r = admin
            .get(&format!("/contacts?tags[]={vip}&tags[]={other}"))
            .await;
        assert_eq!(names(&r), vec!["100% real", "ABC Ltda"]);
        let r = admin
            .get(&format!("/contacts?wallets[]={}", agent.user_id))
            .await;
        assert_eq!(names(&r), vec!["ABC Ltda"]);
        let r = admin
            .get(&format!(
                "/contacts?searchParam=&tags[]={other}&wallets[]={}",
                agent.user_id
            ))
            .await;
        assert_eq!(names(&r), vec!["ABC Ltda"]);

        // Row fields the table reads; count is a number.
        let r = admin.get("/contacts?searchParam=null&pageNumber=1").await;
        let body = r.ok();
        assert_eq!(body["count"], 4);
        assert_eq!(body["hasMore"], false);
        let row = &body["contacts"][0];
        for field in [
            "id",
            "name",
            "number",
            "email",
            "profilePicUrl",
            "instagramPK",
            "telegramId",
        ] {
            assert!(row.get(field).is_some(), "row lacks {field}: {row}");
        }

        // 40 per page.
        for i in 0..38 {
            contact(
                &admin,
                &format!("Pagina {i:02}"),
                &format!("55119222{i:05}"),
            )
            .await;
        }
        let p1 = admin.get("/contacts?pageNumber=1").await;
        assert_eq!(p1.ok()["contacts"].as_array().unwrap().len(), 40);
        assert_eq!(p1.body["count"], 42);
        assert_eq!(p1.body["hasMore"], true);
        let p2 = admin.get("/contacts?pageNumber=2").await;
        assert_eq!(p2.ok()["contacts"].as_array().unwrap().len(), 2);
        assert_eq!(p2.body["hasMore"], false);

        for bad in [
            "pageNumber=0",
            "pageNumber=-1",
            "pageNumber=abc",
            "pageNumber=1.5",
        ] {
            admin
                .get(&format!("/contacts?{bad}"))
                .await
                .err(400, "ERR_INVALID_PAGE");
        }
        for bad in ["tags[]=abc", "tags[]=0", "wallets[]=-2", "wallets[]=x"] {
            admin.get(&format!("/contacts?{bad}")).await.client_error();
        }
        let long = "x".repeat(10_000);
        admin
            .get(&format!("/contacts?searchParam={long}"))
            .await
            .client_error();
        server
            .anon()
            .get("/contacts")
            .await
            .err(401, "ERR_TOKEN_NOT_PROVIDED");
    }
}

#[actix_web::test]
async fn agents_see_only_wallet_less_contacts_and_their_own() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let me = server.agent(&admin).await;
        let other = server.agent(&admin).await;
        contact(&admin, "Livre", "5511933330001").await;
        let mine = contact(&admin, "Meu", "5511933330002").await;
        let theirs = contact(&admin, "Deles", "5511933330003").await;
        let shared = contact(&admin, "Compartilhado", "5511933330004").await;
        for (c, owners) in [
            (&mine, vec![me.user_id]),
            (&theirs, vec![other.user_id]),
            (&shared, vec![me.user_id, other.user_id]),
        ] {
            admin
                .put(
                    &format!("/contact-wallet/{}", id(c)),
                    &json!({"wallets": owners}),
                )
                .await
                .ok();
        }
        let r = me.get("/contacts").await;
        assert_eq!(
            names(&r),
            vec!["Compartilhado", "Livre", "Meu"],
            "{}",
            server.backend
        );
        assert_eq!(r.body["count"], 3);
        let r = other.get("/contacts").await;
        assert_eq!(names(&r), vec!["Compartilhado", "Deles", "Livre"]);
        let r = admin.get("/contacts").await;
        assert_eq!(names(&r).len(), 4, "admins see every contact");
        // Filtering by another agent's wallet shows only what is also visible to me.
        let r = me
            .get(&format!("/contacts?wallets[]={}", other.user_id))
            .await;
        assert_eq!(names(&r), vec!["Compartilhado"]);
        // The export follows the same rule.
        let r = me.post("/contacts/export", &json!({})).await;
        if let Some(csv) = download(&server, &r).await {
            assert!(csv.contains("Meu") && csv.contains("Livre"), "{csv}");
            assert!(!csv.contains("Deles"), "{csv}");
        }
    }
}

#[actix_web::test]
async fn other_tenants_ids_are_not_found_and_nothing_is_written() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let beta = server.new_tenant("Beta").await;
        let beta_agent = server.agent(&beta).await;
        let beta_tag = tag(&server, &beta, "Beta VIP").await;
        let r = beta
            .post(
                "/contacts",
                &json!({"name": "Cliente Beta", "number": "5531977770000",
                        "extraInfo": [{"name": "Plano", "value": "Ouro"}],
                        "tags": [beta_tag], "wallets": [beta_agent.user_id]}),
            )
            .await;
        let beta_contact = r.ok().clone();
        let bid = id(&beta_contact);
        let beta_field = beta_contact["extraInfo"][0]["id"].as_i64().unwrap();

        // The other tenant's contact is invisible to every route.
        admin
            .get(&format!("/contacts/{bid}"))
            .await
            .err(404, "ERR_NO_CONTACT_FOUND");
        admin
            .put(
                &format!("/contacts/{bid}"),
                &json!({"name": "Hacked", "number": "5531977770001"}),
            )
            .await
            .err(404, "ERR_NO_CONTACT_FOUND");
        admin
            .delete(&format!("/contacts/{bid}"))
            .await
            .err(404, "ERR_NO_CONTACT_FOUND");
        admin
            .put(&format!("/contact-tags/{bid}"), &json!({"tags": []}))
            .await
            .err(404, "ERR_NO_CONTACT_FOUND");
        admin
            .put(&format!("/contact-wallet/{bid}"), &json!({"wallets": []}))
            .await
            .err(404, "ERR_NO_CONTACT_FOUND");
        assert_eq!(count_matching(&admin, "Beta").await, 0);
        // The same number is free in another tenant.
        contact(&admin, "Mesmo número", "5531977770000").await;

        // Beta's contact is unchanged.
        let back = beta.get(&format!("/contacts/{bid}")).await;
        let back = back.ok();
        assert_eq!(back["name"], "Cliente Beta");
        assert_eq!(back["tags"][0]["id"], beta_tag);
        assert_eq!(back["wallets"][0]["id"], beta_agent.user_id);
        assert_eq!(back["extraInfo"][0]["value"], "Ouro");

        // Beta's tags and users cannot be referenced; nothing half-written.
        admin
            .post(
                "/contacts",
                &json!({"name": "Com tag alheia", "number": "5511944440001", "tags": [beta_tag]}),
            )
            .await
            .err(404, "ERR_NO_TAG_FOUND");
        admin
            .post(
                "/contacts",
                &json!({"name": "Com carteira alheia", "number": "5511944440002", "wallets": [beta_agent.user_id]}),
            )
            .await
            .err(404, "ERR_NO_USER_FOUND");
        assert_eq!(count_matching(&admin, "alheia").await, 0);
        assert_eq!(count_matching(&admin, "551194444000").await, 0);

        let own = contact(&admin, "Meu contato", "5511944440003").await;
        let oid = id(&own);
        let own_tag = tag(&server, &admin, "Local").await;
        admin
            .put(&format!("/contact-tags/{oid}"), &json!({"tags": [own_tag]}))
            .await
            .ok();
        for body in [
            json!({"name": "Mudou", "tags": [beta_tag]}),
            json!({"name": "Mudou", "wallets": [beta_agent.user_id]}),
            json!({"name": "Mudou", "extraInfo": [{"id": beta_field, "name": "Plano", "value": "Roubado"}]}),
        ] {
            let r = admin.put(&format!("/contacts/{oid}"), &body).await;
            assert_eq!(r.status, 404, "{body}: {}", r.text);
        }
        admin
            .put(
                &format!("/contact-tags/{oid}"),
                &json!({"tags": [own_tag, beta_tag]}),
            )
            .await
            .err(404, "ERR_NO_TAG_FOUND");
        admin
            .put(
                &format!("/contact-wallet/{oid}"),
                &json!({"wallets": [beta_agent.user_id]}),
            )
            .await
            .err(404, "ERR_NO_USER_FOUND");
        let back = admin.get(&format!("/contacts/{oid}")).await;
        let back = back.ok();
        assert_eq!(back["name"], "Meu contato");
        assert_eq!(back["tags"][0]["id"], own_tag);
        assert_eq!(back["wallets"], json!([]));
        assert_eq!(back["extraInfo"], json!([]));
        let beta_back = beta.get(&format!("/contacts/{bid}")).await;
        assert_eq!(beta_back.ok()["extraInfo"][0]["value"], "Ouro");

        // Filters with foreign ids match nothing.
        let r = admin.get(&format!("/contacts?tags[]={beta_tag}")).await;
        assert_eq!(r.ok()["count"], 0);
        let r = admin
            .get(&format!("/contacts?wallets[]={}", beta_agent.user_id))
            .await;
        assert_eq!(r.ok()["count"], 0);
    }
}

#[actix_web::test]
async fn delete_is_refused_while_tickets_exist() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let c = contact(&admin, "Com ticket", "5511966660000").await;
        ticket_for(&server, &admin, id(&c)).await;
        admin
            .delete(&format!("/contacts/{}", id(&c)))
            .await
            .err(409, "ERR_CONTACT_TICKETS_REGISTERED");
        assert_eq!(
            admin.get(&format!("/contacts/{}", id(&c))).await.ok()["name"],
            "Com ticket"
        );
        for bad in ["abc", "1.5", "99999999999"] {
            let r = admin.delete(&format!("/contacts/{bad}")).await;
            r.err(400, "ERR_INVALID_PATH_PARAMETER");
        }
        for missing in ["0", "-1", "999999"] {
            admin
                .delete(&format!("/contacts/{missing}"))
                .await
                .err(404, "ERR_NO_CONTACT_FOUND");
            admin
                .get(&format!("/contacts/{missing}"))
                .await
                .err(404, "ERR_NO_CONTACT_FOUND");
        }
        admin
            .get("/contacts/abc")
            .await
            .err(400, "ERR_INVALID_PATH_PARAMETER");
    }
}

#[actix_web::test]
async fn tag_and_wallet_routes_replace_and_validate() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let a = tag(&server, &admin, "A").await;
        let b = tag(&server, &admin, "B").await;
        let c = contact(&admin, "Etiquetado", "5511977770000").await;
        let cid = id(&c);

        let r = admin
            .put(
                &format!("/contact-tags/{cid}"),
                &json!({"tags": [{"id": a}, b.to_string(), a]}),
            )
            .await;
        let tags: Vec<i64> = r.ok()["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        assert_eq!(tags.len(), 2, "{}", server.backend);
        assert!(tags.contains(&a) && tags.contains(&b));
        assert_eq!(r.body["name"], "Etiquetado");
        let r = admin
            .put(&format!("/contact-tags/{cid}"), &json!({"tags": [b]}))
            .await;
        assert_eq!(r.ok()["tags"].as_array().unwrap().len(), 1);
        assert_eq!(r.body["tags"][0]["tag"], "B");

        let r = agent
            .put(
                &format!("/contact-wallet/{cid}"),
                &json!({"wallets": [agent.user_id, admin.user_id]}),
            )
            .await;
        assert_eq!(r.ok()["wallets"].as_array().unwrap().len(), 2);
        let r = admin
            .put(&format!("/contact-wallet/{cid}"), &json!({"wallets": []}))
            .await;
        assert_eq!(r.ok()["wallets"], json!([]));

        for (path, body) in [
            ("contact-tags", json!({})),
            ("contact-tags", json!({"tags": "1"})),
            ("contact-tags", json!({"tags": [0]})),
            ("contact-tags", json!({"tags": null})),
            ("contact-wallet", json!({"wallets": [{"name": "x"}]})),
            ("contact-wallet", json!({"wallets": [true]})),
        ] {
            let r = admin.put(&format!("/{path}/{cid}"), &body).await;
            r.err(400, "ERR_INVALID_BODY");
        }
        let many: Vec<i64> = (1..=501).collect();
        admin
            .put(&format!("/contact-tags/{cid}"), &json!({"tags": many}))
            .await
            .err(422, "ERR_VALIDATION");
        admin
            .raw(
                "PUT",
                &format!("/contact-wallet/{cid}"),
                "application/json",
                b"{not json",
            )
            .await
            .err(400, "ERR_INVALID_JSON");
        admin
            .put("/contact-tags/abc", &json!({"tags": []}))
            .await
            .err(400, "ERR_INVALID_PATH_PARAMETER");
        admin
            .put("/contact-wallet/999999", &json!({"wallets": []}))
            .await
            .err(404, "ERR_NO_CONTACT_FOUND");
        let back = admin.get(&format!("/contacts/{cid}")).await;
        assert_eq!(back.ok()["tags"][0]["tag"], "B");
    }
}

#[actix_web::test]
async fn update_validates_before_writing() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let c = contact(&admin, "Original", "5511988880000").await;
        let path = format!("/contacts/{}", id(&c));
        let long = "y".repeat(10_000);
        for (body, status) in [
            (json!({"name": "  "}), 422),
            (json!({"name": long}), 422),
            (json!({"name": "Novo", "number": "123"}), 400),
            (
                json!({"name": "Novo", "number": "120363012345678901@g.us"}),
                400,
            ),
            (json!({"name": "Novo", "email": "x"}), 400),
            (
                json!({"name": "Novo", "extraInfo": [{"id": 999999, "name": "a", "value": "b"}]}),
                404,
            ),
            (json!({"name": "Novo", "tags": [999999]}), 404),
            (json!({"name": "Novo", "wallets": [999999]}), 404),
            (json!({"name": 5, "tags": "x"}), 400),
        ] {
            let r = admin.put(&path, &body).await;
            assert_eq!(r.status, status, "{body}: {}", r.text);
            r.client_error();
        }
        admin
            .raw("PUT", &path, "application/json", b"{not json")
            .await
            .err(400, "ERR_INVALID_JSON");
        let back = admin.get(&path).await;
        assert_eq!(back.ok()["name"], "Original");
        assert_eq!(back.body["number"], "5511988880000");
        // A blank number keeps the current one; the name may arrive as a number.
        let r = admin.put(&path, &json!({"name": 123, "number": ""})).await;
        assert_eq!(r.ok()["name"], "123");
        assert_eq!(r.body["number"], "5511988880000");
    }
}

fn csv_part<'a>(name: &'a str, bytes: &'a [u8]) -> FilePart<'a> {
    FilePart {
        field: "file",
        file_name: name,
        mime: "text/csv",
        bytes,
    }
}

#[actix_web::test]
async fn csv_import_creates_finds_and_tags() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let vip = tag(&server, &admin, "Importado").await;
        let old_tag = tag(&server, &admin, "Antigo").await;
        // An existing contact stored in the 12-digit form, with a tag to be replaced.
        let existing = contact(&admin, "Já existe", "552198887777").await;
        admin
            .put(
                &format!("/contact-tags/{}", id(&existing)),
                &json!({"tags": [old_tag]}),
            )
            .await
            .ok();

        let file = "\u{feff}Nome;Número;E-mail\r\n\
                    \"Silva; Ana\";+55 (11) 91234-5678;ana@example.com\r\n\
                    Repetida;5511912345678;\r\n\
                    Existe de novo;5521998887777;\r\n\
                    Curto;123456789;\r\n\
                    ;5531912340000;email-invalido\r\n\
                    \r\n";
        let r = admin
            .multipart(
                "POST",
                "/contacts/upload",
                &[
                    ("tagsIds", &format!("[{vip}]")),
                    ("wallets", &agent.user_id.to_string()),
                ],
                &[csv_part("contatos.csv", file.as_bytes())],
            )
            .await;
        let created = r.ok().as_array().expect("array of new contacts").clone();
        let mut new_names: Vec<&str> = created
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        new_names.sort_unstable();
        assert_eq!(
            new_names,
            vec!["5531912340000", "Silva; Ana"],
            "{}",
            server.backend
        );
        let ana = created.iter().find(|c| c["name"] == "Silva; Ana").unwrap();
        assert_eq!(ana["number"], "5511912345678");
        assert_eq!(ana["email"], "ana@example.com");
        let nameless = created
            .iter()
            .find(|c| c["name"] == "5531912340000")
            .unwrap();
        assert!(nameless["email"].is_null(), "a malformed e-mail is dropped");
        assert_eq!(
            count_matching(&admin, "123456789").await,
            0,
            "short numbers skipped"
        );

        // Tags and wallets replaced on new and existing rows alike (C-6).
        for cid in [id(ana), id(&existing)] {
            let c = admin.get(&format!("/contacts/{cid}")).await;
            let c = c.ok();
            assert_eq!(c["tags"].as_array().unwrap().len(), 1, "{c}");
            assert_eq!(c["tags"][0]["id"], vip);
            assert_eq!(c["wallets"][0]["id"], agent.user_id);
        }
        let e = admin.get(&format!("/contacts/{}", id(&existing))).await;
        assert_eq!(
            e.ok()["name"],
            "Já existe",
            "existing contacts keep their name"
        );

        // Importing the same file again creates nothing; comma files with `tags` work.
        let r = admin
            .multipart(
                "POST",
                "/contacts/upload",
                &[],
                &[csv_part("contatos.csv", file.as_bytes())],
            )
            .await;
        assert_eq!(r.ok(), &json!([]));
        let comma = "name,number,email\nBruno,5511987650000,bruno@example.com\n";
        let r = agent
            .multipart(
                "POST",
                "/contacts/upload",
                &[("tags", &format!("{vip},{old_tag}"))],
                &[csv_part("lista.txt", comma.as_bytes())],
            )
            .await;
        let created = r.ok().as_array().unwrap().clone();
        assert_eq!(created.len(), 1);
        let tags = admin.get(&format!("/contacts/{}", id(&created[0]))).await;
        assert_eq!(tags.ok()["tags"].as_array().unwrap().len(), 2);
        // Windows-1252 text (Excel on Brazilian Windows).
        let latin: Vec<u8> = b"Nome;Telefone\nJo\xe3o;5511976540000\n".to_vec();
        let r = admin
            .multipart(
                "POST",
                "/contacts/upload",
                &[],
                &[csv_part("w.csv", &latin)],
            )
            .await;
        assert_eq!(r.ok()[0]["name"], "João");
    }
}

#[actix_web::test]
async fn csv_import_refuses_bad_files_before_writing() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let beta = server.new_tenant("Beta").await;
        let beta_tag = tag(&server, &beta, "Beta").await;
        let good = b"nome,numero\nNovo,5511955550000\n";

        let xlsx = FilePart {
            field: "file",
            file_name: "contatos.xlsx",
            mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes: b"PK\x03\x04rest-of-zip",
        };
        admin
            .multipart("POST", "/contacts/upload", &[], &[xlsx])
            .await
            .err(400, "ERR_UNSUPPORTED_FILE_TYPE");
        let disguised = csv_part("contatos.csv", b"PK\x03\x04rest-of-zip");
        admin
            .multipart("POST", "/contacts/upload", &[], &[disguised])
            .await
            .err(400, "ERR_UNSUPPORTED_FILE_TYPE");
        let xls = csv_part("old.XLS", good);
        admin
            .multipart("POST", "/contacts/upload", &[], &[xls])
            .await
            .err(400, "ERR_UNSUPPORTED_FILE_TYPE");
        admin
            .multipart("POST", "/contacts/upload", &[("tagsIds", "[]")], &[])
            .await
            .err(400, "ERR_NO_FILE");
        for (bytes, code) in [
            (&b"a,b\nNovo,5511955550000\n"[..], "ERR_INVALID_FILE"),
            (&b""[..], "ERR_INVALID_FILE"),
            (
                &b"nome,numero\n\"Novo,5511955550000\n"[..],
                "ERR_INVALID_FILE",
            ),
            (&b"nome,numero\x00\x01\x02"[..], "ERR_INVALID_FILE"),
        ] {
            admin
                .multipart("POST", "/contacts/upload", &[], &[csv_part("c.csv", bytes)])
                .await
                .err(400, code);
        }
        let mut big = String::from("nome,numero\n");
        for i in 0..50_001 {
            big.push_str(&format!("C{i},55119{i:08}\n"));
        }
        admin
            .multipart(
                "POST",
                "/contacts/upload",
                &[],
                &[csv_part("big.csv", big.as_bytes())],
            )
            .await
            .err(400, "ERR_TOO_MANY_ROWS");
        for (field, value, status, code) in [
            ("tagsIds", format!("[{beta_tag}]"), 404, "ERR_NO_TAG_FOUND"),
            ("tags", "999999".to_owned(), 404, "ERR_NO_TAG_FOUND"),
            (
                "wallets",
                beta.user_id.to_string(),
                404,
                "ERR_NO_USER_FOUND",
            ),
            ("tagsIds", "[\"x\"]".to_owned(), 400, "ERR_INVALID_BODY"),
            ("tagsIds", "[1,".to_owned(), 400, "ERR_INVALID_BODY"),
            ("tags", "1,abc".to_owned(), 400, "ERR_INVALID_BODY"),
            ("wallets", "-1".to_owned(), 400, "ERR_INVALID_BODY"),
        ] {
            let r = admin
                .multipart(
                    "POST",
                    "/contacts/upload",
                    &[(field, &value)],
                    &[csv_part("c.csv", good)],
                )
                .await;
            assert_eq!(r.status, status, "{field}={value}: {}", r.text);
            r.err(status, code);
        }
        assert_eq!(
            count_matching(&admin, "5511955550000").await,
            0,
            "{}",
            server.backend
        );
        admin
            .post("/contacts/upload", &json!({"file": "nome,numero"}))
            .await
            .client_error();
        server
            .anon()
            .multipart("POST", "/contacts/upload", &[], &[csv_part("c.csv", good)])
            .await
            .err(401, "ERR_TOKEN_NOT_PROVIDED");
        // The good file still imports.
        let r = admin
            .multipart(
                "POST",
                "/contacts/upload",
                &[("tagsIds", "null")],
                &[csv_part("c.csv", good)],
            )
            .await;
        assert_eq!(r.ok().as_array().unwrap().len(), 1);
    }
}

/// Downloads an export link without a token; `None` (with a note) while the media route is
/// not there yet.
async fn download(server: &TestServer, export: &Resp) -> Option<String> {
    let link = export.ok()["downloadLink"]
        .as_str()
        .expect("downloadLink")
        .to_owned();
    assert!(
        link.starts_with(&server.base),
        "absolute link on this server: {link}"
    );
    assert!(
        link.contains("/public/media/") && link.contains("token="),
        "{link}"
    );
    let path = link.strip_prefix(&server.base).unwrap();
    let r = server.anon().get(path).await;
    if r.status == 404 && r.body["error"] == "ERR_ROUTE_NOT_FOUND" {
        eprintln!("skipping the export download check: GET /public/media is not routed yet");
        return None;
    }
    assert_eq!(r.status, 200, "download without a token: {}", r.text);
    Some(r.text)
}

#[actix_web::test]
async fn export_gives_a_link_to_a_csv_file() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        contact(&admin, "Silva, \"Ana\"", "5511900001111").await;
        admin
            .post(
                "/contacts",
                &json!({"name": "=HYPERLINK(\"x\")", "number": "5511900002222", "email": "h@example.com"}),
            )
            .await
            .ok();
        let r = admin.post("/contacts/export", &json!({})).await;
        if let Some(csv) = download(&server, &r).await {
            let csv = csv.trim_start_matches('\u{feff}');
            let mut lines = csv.lines();
            assert_eq!(
                lines.next(),
                Some("id,name,number,email"),
                "{}",
                server.backend
            );
            assert!(
                csv.contains(",\"Silva, \"\"Ana\"\"\",5511900001111,"),
                "{csv}"
            );
            assert!(
                csv.contains("\"'=HYPERLINK(\"\"x\"\")\",5511900002222,h@example.com"),
                "{csv}"
            );
        }
        // Without a body at all (the client sends none), and only for the caller's tenant.
        let beta = server.new_tenant("Beta").await;
        let r = beta
            .raw("POST", "/contacts/export", "application/json", b"")
            .await;
        if let Some(csv) = download(&server, &r).await {
            assert!(!csv.contains("Silva"), "{csv}");
        }
        server
            .anon()
            .post("/contacts/export", &json!({}))
            .await
            .err(401, "ERR_TOKEN_NOT_PROVIDED");
    }
}

#[actix_web::test]
async fn sync_and_phone_import_need_a_whatsapp_session() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        for path in ["/contacts/sync", "/contacts/import"] {
            admin
                .post(path, &json!({}))
                .await
                .err(409, "ERR_WAPP_SESSIONS_NOT_AVAILABLE");
            agent
                .post(path, &json!({}))
                .await
                .err(409, "ERR_WAPP_SESSIONS_NOT_AVAILABLE");
            server
                .anon()
                .post(path, &json!({}))
                .await
                .err(401, "ERR_TOKEN_NOT_PROVIDED");
        }
    }
}
