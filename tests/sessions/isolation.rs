//! Two tenants, one session each, in the same process: a customer who writes to both
//! companies becomes two contacts and two tickets, and nothing one session reports touches
//! the other tenant's rows, even when the provider ids are the same.

use tiktickets_test_support::TestDb;

use crate::rig::{
    Rig, chromium_turn, connect, fake, manager_of, message_where, ticket_of_number, tickets_of,
};

#[actix_web::test]
async fn two_tenants_never_see_each_others_messages() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let rig = Rig::start(TestDb::sqlite(), &[]).await;
    let alpha = &rig.admin;
    let beta = rig.server.new_tenant("Beta").await;
    let a_channel = rig.channel(alpha, "Alpha WhatsApp").await;
    let b_channel = rig.channel(&beta, "Beta WhatsApp").await;
    connect(&rig.server, alpha, a_channel, "5511888880010@c.us").await;
    connect(&rig.server, &beta, b_channel, "5511888880020@c.us").await;

    let srv = &rig.server;
    let a_id = fake(srv, a_channel,
        "window.__fake.receive({from: '5511999990009@c.us', body: 'para a Alpha', notifyName: 'Rita'})").await;
    let b_id = fake(srv, b_channel,
        "window.__fake.receive({from: '5511999990009@c.us', body: 'para a Beta', notifyName: 'Rita'})").await;
    let a_ticket = ticket_of_number(alpha, "5511999990009").await;
    let b_ticket = ticket_of_number(&beta, "5511999990009").await;
    assert_ne!(a_ticket["id"], b_ticket["id"]);
    assert_ne!(a_ticket["contact"]["id"], b_ticket["contact"]["id"]);
    let a_msg = message_where(
        alpha,
        a_ticket["id"].as_i64().unwrap_or_default(),
        "Alpha's message",
        |m| m["body"] == "para a Alpha",
    )
    .await;
    let b_msg = message_where(
        &beta,
        b_ticket["id"].as_i64().unwrap_or_default(),
        "Beta's message",
        |m| m["body"] == "para a Beta",
    )
    .await;
    for t in tickets_of(alpha).await {
        assert_ne!(t["lastMessage"], "para a Beta", "{t}");
    }
    for t in tickets_of(&beta).await {
        assert_ne!(t["lastMessage"], "para a Alpha", "{t}");
    }

    // Both pages number their messages alike; an edit on Alpha's page changes Alpha's row
    // only, and the same id revoked on Beta's page flags Beta's row only.
    assert_eq!(a_id, b_id, "the fake pages hand out the same ids");
    let id = a_id.as_str().unwrap_or_default();
    fake(
        srv,
        a_channel,
        &format!("window.__fake.edit('{id}', 'editado na Alpha'); true"),
    )
    .await;
    message_where(
        alpha,
        a_ticket["id"].as_i64().unwrap_or_default(),
        "Alpha's edit",
        |m| m["id"] == a_msg["id"] && m["edited"] == "editado na Alpha",
    )
    .await;
    fake(
        srv,
        b_channel,
        &format!("window.__fake.revoke('{id}'); true"),
    )
    .await;
    message_where(
        &beta,
        b_ticket["id"].as_i64().unwrap_or_default(),
        "Beta's revoke",
        |m| m["id"] == b_msg["id"] && m["isDeleted"] == true,
    )
    .await;
    let b_after = message_where(
        &beta,
        b_ticket["id"].as_i64().unwrap_or_default(),
        "Beta's row",
        |m| m["id"] == b_msg["id"],
    )
    .await;
    assert!(
        b_after["edited"].is_null(),
        "Alpha's edit reached Beta: {b_after}"
    );
    let a_after = message_where(
        alpha,
        a_ticket["id"].as_i64().unwrap_or_default(),
        "Alpha's row",
        |m| m["id"] == a_msg["id"],
    )
    .await;
    assert_eq!(
        a_after["isDeleted"], false,
        "Beta's revoke reached Alpha: {a_after}"
    );
    manager_of(&rig.server).shutdown().await;
}
