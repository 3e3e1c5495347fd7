//! Fast replies with media (client-contract.md §10), end to end.

use serde_json::{Value, json};

use crate::harness::{FilePart, Resp, Session, TestServer};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n fake image bytes";
const PDF: &[u8] = b"%PDF-1.4 fake document";

fn id_of(v: &Value) -> i64 {
    v["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no numeric id in {v}"))
}

fn medias(v: &Value) -> Vec<String> {
    v["medias"]
        .as_array()
        .unwrap_or_else(|| panic!("medias is not an array: {v}"))
        .iter()
        .map(|m| m.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The path (and query) of an absolute media URL of this server.
fn local_path<'a>(server: &TestServer, url: &'a str) -> &'a str {
    url.strip_prefix(server.base.as_str())
        .unwrap_or_else(|| panic!("{url} is not under {}", server.base))
}

async fn download(server: &TestServer, url: &str) -> Resp {
    server.anon().get(local_path(server, url)).await
}

fn png(name: &str) -> FilePart<'_> {
    FilePart {
        field: "medias",
        file_name: name,
        mime: "image/png",
        bytes: PNG,
    }
}

async fn create_json(s: &Session, key: &str, message: &str) -> Value {
    s.post("/fastreply", &json!({"key": key, "message": message}))
        .await
        .ok()
        .clone()
}

async fn list(s: &Session) -> Vec<Value> {
    s.get("/fastreply")
        .await
        .ok()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn find(s: &Session, id: i64) -> Option<Value> {
    list(s).await.into_iter().find(|r| r["id"] == id)
}

#[actix_web::test]
async fn fast_reply_json_create_list_update_delete() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let created = create_json(&admin, "  /ola ", "Olá {{name}}!").await;
        assert_eq!(created["key"], "/ola", "{}", server.backend);
        assert_eq!(created["message"], "Olá {{name}}!");
        assert_eq!(medias(&created), Vec::<String>::new());
        assert_eq!(created["tenantId"].as_i64(), Some(admin.tenant_id));
        assert_eq!(created["userId"].as_i64(), Some(admin.user_id));
        assert!(created["createdAt"].is_string() && created["updatedAt"].is_string());
        let id = id_of(&created);
        let empty = admin
            .post("/fastreply", &json!({"key": "/aaa", "message": ""}))
            .await;
        assert_eq!(empty.ok()["message"], "");
        create_json(&admin, "/zzz", "último").await;

        let rows = list(&agent).await;
        let keys: Vec<&str> = rows.iter().filter_map(|r| r["key"].as_str()).collect();
        assert_eq!(keys, vec!["/aaa", "/ola", "/zzz"], "ordered by key");

        let updated = admin
            .put(
                &format!("/fastreply/{id}"),
                &json!({"key": "/oi", "message": "Oi!"}),
            )
            .await;
        assert_eq!(updated.ok()["key"], "/oi");
        assert_eq!(updated.body["message"], "Oi!");
        // A JSON edit without `message` keeps it.
        let kept = admin
            .put(&format!("/fastreply/{id}"), &json!({"key": "/oi2"}))
            .await;
        assert_eq!(kept.ok()["message"], "Oi!");

        let deleted = admin.delete(&format!("/fastreply/{id}")).await;
        assert_eq!(deleted.ok()["message"], "Fast Reply deleted");
        assert!(
            find(&admin, id).await.is_none(),
            "the row itself is gone (defect 13)"
        );
        admin
            .delete(&format!("/fastreply/{id}"))
            .await
            .err(404, "ERR_NO_FAST_REPLY_FOUND");
        admin
            .put(
                &format!("/fastreply/{id}"),
                &json!({"key": "/x", "message": "x"}),
            )
            .await
            .err(404, "ERR_NO_FAST_REPLY_FOUND");
    }
}

#[actix_web::test]
async fn fast_reply_media_lifecycle() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let beta = server.new_tenant("Beta").await;

        // Create: the client's multipart form with one file.
        let r = admin
            .multipart(
                "POST",
                "/fastreply",
                &[("key", "/foto"), ("message", "")],
                &[png("foto.png")],
            )
            .await;
        let reply = r.ok().clone();
        assert_eq!(reply["key"], "/foto", "{}", server.backend);
        let first = medias(&reply);
        assert_eq!(first.len(), 1);
        assert!(
            first[0].starts_with(&format!(
                "{}/public/media/{}/",
                server.base, admin.tenant_id
            )),
            "{}",
            first[0]
        );
        let id = id_of(&reply);

        // The URL opens without a token header, and the bytes are the upload's.
        let got = download(&server, &first[0]).await;
        assert_eq!(got.status, 200, "media download: {}", got.text);
        // (the harness keeps the body as lossy UTF-8 text)
        assert_eq!(got.text, String::from_utf8_lossy(PNG));
        // The same file under another tenant's id does not open.
        let other = local_path(&server, &first[0]).replacen(
            &format!("/public/media/{}/", admin.tenant_id),
            &format!("/public/media/{}/", beta.tenant_id),
            1,
        );
        let foreign = server.anon().get(&other).await;
        assert!(
            (400..500).contains(&foreign.status),
            "{other}: {}",
            foreign.status
        );
        // Nor without its signature.
        let unsigned = local_path(&server, &first[0])
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned();
        assert!((400..500).contains(&server.anon().get(&unsigned).await.status));

        // A second reply, whose medium must not be stealable by URL.
        let other_reply = admin
            .multipart(
                "POST",
                "/fastreply",
                &[("key", "/doc"), ("message", "documento")],
                &[FilePart {
                    field: "medias",
                    file_name: "doc.pdf",
                    mime: "application/pdf",
                    bytes: PDF,
                }],
            )
            .await;
        let foreign_url = medias(other_reply.ok())[0].clone();

        // Edit: keep the stored one (sent back as its URL), add a file, try to steal another.
        let r = admin
            .multipart(
                "PUT",
                &format!("/fastreply/{id}"),
                &[
                    ("key", "/foto"),
                    ("message", "com texto"),
                    ("medias", &first[0]),
                    ("medias", &foreign_url),
                    ("medias", "https://evil.example/x/../../etc/passwd"),
                ],
                &[png("segunda.png")],
            )
            .await;
        let edited = medias(r.ok());
        assert_eq!(r.body["message"], "com texto");
        assert_eq!(edited.len(), 2, "{edited:?}");
        assert_eq!(
            edited[0], first[0],
            "the kept medium comes first, unchanged"
        );
        assert!(!edited.iter().any(|m| {
            m.contains(
                local_path(&server, &foreign_url)
                    .split('?')
                    .next()
                    .unwrap_or("?"),
            )
        }));
        let second = edited[1].clone();
        assert_eq!(download(&server, &second).await.status, 200);

        // Edit again keeping only the new one: the dropped file is deleted from disk.
        let r = admin
            .multipart(
                "PUT",
                &format!("/fastreply/{id}"),
                &[("key", "/foto"), ("message", "x"), ("medias", &second)],
                &[],
            )
            .await;
        assert_eq!(medias(r.ok()), vec![second.clone()]);
        assert_eq!(
            download(&server, &first[0]).await.status,
            404,
            "dropped medium removed"
        );
        assert_eq!(
            download(&server, &foreign_url).await.status,
            200,
            "other reply untouched"
        );

        // delete-images with one URL, then without: the reply stays, its media go.
        let r = admin
            .multipart(
                "PUT",
                &format!("/fastreply/{id}"),
                &[("key", "/foto"), ("message", "x"), ("medias", &second)],
                &[png("terceira.png")],
            )
            .await;
        let both = medias(r.ok());
        assert_eq!(both.len(), 2);
        let r = admin
            .post(
                "/fastreply/delete-images",
                &json!({"fastReplyId": id, "mediaUrl": both[0]}),
            )
            .await;
        assert_eq!(medias(r.ok()), vec![both[1].clone()]);
        assert_eq!(download(&server, &both[0]).await.status, 404);
        admin
            .post(
                "/fastreply/delete-images",
                &json!({"fastReplyId": id, "mediaUrl": both[0]}),
            )
            .await
            .err(404, "ERR_NO_MEDIA_FOUND");
        let r = admin
            .post(
                "/fastreply/delete-images",
                &json!({"fastReplyId": id.to_string()}),
            )
            .await;
        assert!(medias(r.ok()).is_empty());
        assert_eq!(r.body["key"], "/foto");
        assert_eq!(download(&server, &both[1]).await.status, 404);

        // Deleting a reply deletes its files.
        let doc_id = id_of(&other_reply.body);
        admin.delete(&format!("/fastreply/{doc_id}")).await.ok();
        assert_eq!(
            download(&server, &foreign_url).await.status,
            404,
            "files go with the row"
        );
    }
}

#[actix_web::test]
async fn fast_reply_keys_are_unique_per_tenant() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let beta = server.new_tenant("Beta").await;
        let a = create_json(&admin, "/ola", "a").await;
        let b = create_json(&admin, "/tchau", "b").await;
        admin
            .post("/fastreply", &json!({"key": "/ola", "message": "dup"}))
            .await
            .err(409, "ERR_FAST_REPLY_EXISTS");
        admin
            .multipart(
                "POST",
                "/fastreply",
                &[("key", " /ola"), ("message", "dup")],
                &[png("x.png")],
            )
            .await
            .err(409, "ERR_FAST_REPLY_EXISTS");
        admin
            .put(
                &format!("/fastreply/{}", id_of(&b)),
                &json!({"key": "/ola", "message": "b"}),
            )
            .await
            .err(409, "ERR_FAST_REPLY_EXISTS");
        // Saving a reply under its own key is fine; another tenant may use the key.
        admin
            .put(
                &format!("/fastreply/{}", id_of(&a)),
                &json!({"key": "/ola", "message": "a2"}),
            )
            .await
            .ok();
        create_json(&beta, "/ola", "beta").await;
        assert_eq!(list(&admin).await.len(), 2);
    }
}

#[actix_web::test]
async fn fast_reply_writes_need_an_admin_and_other_tenants_see_nothing() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let beta = server.new_tenant("Beta").await;
        let r = admin
            .multipart(
                "POST",
                "/fastreply",
                &[("key", "/mine"), ("message", "meu")],
                &[png("a.png")],
            )
            .await;
        let reply = r.ok().clone();
        let id = id_of(&reply);
        let url = medias(&reply)[0].clone();

        assert_eq!(list(&agent).await.len(), 1);
        agent
            .post("/fastreply", &json!({"key": "/agent", "message": "x"}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .multipart(
                "POST",
                "/fastreply",
                &[("key", "/agent"), ("message", "x")],
                &[],
            )
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .put(
                &format!("/fastreply/{id}"),
                &json!({"key": "/x", "message": "x"}),
            )
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .delete(&format!("/fastreply/{id}"))
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .post("/fastreply/delete-images", &json!({"fastReplyId": id}))
            .await
            .err(403, "ERR_NO_PERMISSION");

        assert!(list(&beta).await.is_empty());
        beta.put(
            &format!("/fastreply/{id}"),
            &json!({"key": "/stolen", "message": "x", "medias": []}),
        )
        .await
        .err(404, "ERR_NO_FAST_REPLY_FOUND");
        beta.multipart(
            "PUT",
            &format!("/fastreply/{id}"),
            &[("key", "/stolen"), ("message", "x")],
            &[],
        )
        .await
        .err(404, "ERR_NO_FAST_REPLY_FOUND");
        beta.delete(&format!("/fastreply/{id}"))
            .await
            .err(404, "ERR_NO_FAST_REPLY_FOUND");
        beta.post(
            "/fastreply/delete-images",
            &json!({"fastReplyId": id, "mediaUrl": url}),
        )
        .await
        .err(404, "ERR_NO_FAST_REPLY_FOUND");
        beta.post("/fastreply/delete-images", &json!({"fastReplyId": id}))
            .await
            .err(404, "ERR_NO_FAST_REPLY_FOUND");

        let row = find(&admin, id)
            .await
            .unwrap_or_else(|| panic!("reply {id} vanished"));
        assert_eq!(row["key"], "/mine");
        assert_eq!(row["message"], "meu");
        assert_eq!(medias(&row).len(), 1);
        assert_eq!(
            download(&server, &medias(&row)[0]).await.status,
            200,
            "file still there"
        );
    }
}

#[actix_web::test]
async fn fast_reply_bad_input_is_a_client_error() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let id = id_of(&create_json(&admin, "/base", "base").await);
        let path = format!("/fastreply/{id}");
        admin
            .raw("POST", "/fastreply", "application/json", b"{not json")
            .await
            .client_error();
        admin
            .raw("PUT", &path, "application/json", b"{not json")
            .await
            .client_error();
        admin
            .raw("POST", "/fastreply", "text/plain", b"key=x")
            .await
            .client_error();
        admin
            .raw(
                "POST",
                "/fastreply",
                "multipart/form-data; boundary=zz",
                b"garbage",
            )
            .await
            .client_error();
        for body in [
            json!({}),
            json!({"message": "no key"}),
            json!({"key": "", "message": "x"}),
            json!({"key": "   ", "message": "x"}),
            json!({"key": 5, "message": "x"}),
            json!({"key": "/k", "message": 5}),
            json!({"key": "x".repeat(10_000), "message": "x"}),
            json!({"key": "/k", "message": "x".repeat(10_001)}),
            json!({"key": "/k", "medias": "not a list"}),
            json!([1]),
        ] {
            admin.post("/fastreply", &body).await.client_error();
            admin.put(&path, &body).await.client_error();
        }
        let long_key = "k".repeat(10_000);
        admin
            .multipart(
                "POST",
                "/fastreply",
                &[("key", &long_key), ("message", "x")],
                &[],
            )
            .await
            .err(422, "ERR_VALIDATION");
        admin
            .multipart("POST", "/fastreply", &[("message", "no key")], &[])
            .await
            .err(422, "ERR_VALIDATION");
        let long_message = "m".repeat(10_001);
        admin
            .multipart(
                "PUT",
                &path,
                &[("key", "/base"), ("message", &long_message)],
                &[],
            )
            .await
            .err(422, "ERR_VALIDATION");
        for body in [
            json!({}),
            json!({"fastReplyId": "abc"}),
            json!({"fastReplyId": -1}),
            json!({"fastReplyId": 1.5}),
            json!({"fastReplyId": null}),
            json!({"fastReplyId": id, "mediaUrl": 5}),
            json!({"fastReplyId": id, "mediaUrl": "x".repeat(10_000)}),
        ] {
            admin
                .post("/fastreply/delete-images", &body)
                .await
                .client_error();
        }
        admin
            .raw(
                "POST",
                "/fastreply/delete-images",
                "application/json",
                b"{not json",
            )
            .await
            .client_error();
        for bad in ["abc", "1.5", "99999999999"] {
            admin
                .put(&format!("/fastreply/{bad}"), &json!({"key": "/x"}))
                .await
                .client_error();
            admin
                .delete(&format!("/fastreply/{bad}"))
                .await
                .client_error();
        }
        for missing in ["0", "-1"] {
            admin
                .delete(&format!("/fastreply/{missing}"))
                .await
                .err(404, "ERR_NO_FAST_REPLY_FOUND");
        }
        let rows = list(&admin).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["key"], "/base");
        assert_eq!(rows[0]["message"], "base");
    }
}
