//! Bad input on every route, driven by the generated OpenAPI document so that a new route is
//! covered as soon as it exists: no token → 401 on every protected route; malformed JSON,
//! non-numeric and out-of-range ids, bad page numbers → a 4xx with an `ERR_` code, never a
//! 5xx.

use serde_json::Value;

use crate::harness::{Resp, Session, TestServer};

/// Every operation of the document: (method, path template, protected, has JSON body).
fn operations(doc: &Value) -> Vec<(String, String, bool, bool)> {
    let mut ops = Vec::new();
    let Some(paths) = doc["paths"].as_object() else {
        return ops;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let protected = op["security"].as_array().is_some_and(|s| !s.is_empty());
            let json_body = op["requestBody"]["content"]["application/json"].is_object();
            ops.push((method.to_uppercase(), path.clone(), protected, json_body));
        }
    }
    ops
}

/// Replaces every `{param}` of a path template.
fn fill(path: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push_str(value);
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

async fn call(s: &Session, method: &str, path: &str, body: Option<&[u8]>) -> Resp {
    match body {
        Some(b) => s.raw(method, path, "application/json", b).await,
        None => s.raw(method, path, "application/json", b"").await,
    }
}

#[track_caller]
fn never_5xx(r: &Resp, what: &str) {
    assert!(r.status < 500, "{what} answered {}: {}", r.status, r.text);
    if r.status >= 400 {
        assert!(
            r.body["error"]
                .as_str()
                .is_some_and(|c| c.starts_with("ERR_")),
            "{what} answered {} without an ERR_ code: {}",
            r.status,
            r.text
        );
    }
}

#[actix_web::test]
async fn every_protected_route_refuses_a_missing_token_with_401() {
    for server in TestServer::all().await {
        let doc = server.anon().get("/api-docs/openapi.json").await;
        let ops = operations(doc.ok());
        assert!(ops.len() >= 60, "only {} operations documented", ops.len());
        let anon = server.anon();
        for (method, path, protected, _) in &ops {
            let r = call(&anon, method, &fill(path, "1"), Some(b"{}")).await;
            if *protected {
                assert_eq!(r.status, 401, "{method} {path} without a token: {}", r.text);
                r.client_error();
            } else {
                never_5xx(&r, &format!("{method} {path} (public)"));
            }
        }
    }
}

#[actix_web::test]
async fn malformed_bodies_and_ids_are_4xx_never_5xx() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let superadmin = server.superadmin().await;
        server.inbound(&admin, "5511900009999", "Rita", "oi").await;
        let doc = server.anon().get("/api-docs/openapi.json").await;
        let ops = operations(doc.ok());
        for who in [&admin, &superadmin] {
            for (method, path, protected, json_body) in &ops {
                if !protected || (path.starts_with("/auth/logout")) {
                    continue;
                }
                for id in ["abc", "-1", "0", "99999999999", "1.5"] {
                    let p = fill(path, id);
                    let r = call(who, method, &p, Some(b"{}")).await;
                    never_5xx(&r, &format!("{method} {p}"));
                }
                if *json_body {
                    for body in [
                        &b"{\"broken\": "[..],
                        b"[]",
                        b"\"text\"",
                        b"{\"id\": {\"nested\": [1, 2, {}]}, \"name\": 12, \"status\": false}",
                    ] {
                        let p = fill(path, "1");
                        let r = call(who, method, &p, Some(body)).await;
                        never_5xx(
                            &r,
                            &format!("{method} {p} body {}", String::from_utf8_lossy(body)),
                        );
                        if body.starts_with(b"{\"broken") {
                            assert!(r.status >= 400, "{method} {p} accepted malformed JSON");
                        }
                    }
                }
                if method == "GET" {
                    for q in ["pageNumber=-1", "pageNumber=abc", "pageNumber=0"] {
                        let p = format!("{}?{q}", fill(path, "1"));
                        let r = call(who, method, &p, None).await;
                        never_5xx(&r, &format!("GET {p}"));
                    }
                }
            }
        }
    }
}

#[actix_web::test]
async fn oversized_bodies_are_refused_with_413() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let huge = vec![b'x'; 17 * 1024 * 1024];
        let mut body = b"{\"queue\": \"".to_vec();
        body.extend_from_slice(&huge);
        body.extend_from_slice(b"\"}");
        let r = admin.raw("POST", "/queue", "application/json", &body).await;
        assert_eq!(r.status, 413, "{}", &r.text[..r.text.len().min(200)]);
        r.client_error();
    }
}
