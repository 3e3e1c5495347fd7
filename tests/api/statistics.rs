//! Dashboard, panel and report data (client-contract.md §14, §12 "contacts-report",
//! behaviour.md §3.16), end to end, on real tickets and contacts.

use chrono::{Days, Utc};
use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{TicketChannel, TicketStatus};
use tiktickets_domain::ids::{ContactId, QueueId, TagId, TenantId, UserId};
use tiktickets_domain::phone::normalize;
use tiktickets_domain::store::contacts::{Contact, ContactInput};
use tiktickets_domain::store::queues::QueueInput;
use tiktickets_domain::store::tags::TagInput;
use tiktickets_domain::store::tickets::{NewTicket, Ticket, TicketPatch};

use crate::harness::{Session, TestServer};

const MIN: i64 = 60_000;

fn cx_of(s: &Session) -> TenantCtx {
    TenantCtx::system(TenantId::from_verified(
        i32::try_from(s.tenant_id).unwrap_or_default(),
    ))
}

fn user_of(s: &Session) -> UserId {
    UserId::new(i32::try_from(s.user_id).unwrap_or_default())
}

/// `startDate=yesterday&endDate=tomorrow` (UTC), robust to a test run crossing midnight.
fn around_today(prefix: &str) -> String {
    let today = Utc::now().date_naive();
    let from = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    let to = today.checked_add_days(Days::new(1)).unwrap_or(today);
    format!("{prefix}startDate={from}&endDate={to}")
}

async fn contact(server: &TestServer, owner: &Session, number: &str) -> Contact {
    let input = ContactInput {
        name: format!("Contact {number}"),
        number: Some(normalize(number).unwrap_or_else(|e| panic!("number {number}: {e}"))),
        email: Some(format!("c{number}@mail.test")),
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

struct Spec {
    status: TicketStatus,
    user: Option<UserId>,
    queue: Option<QueueId>,
    channel: TicketChannel,
    is_group: bool,
    active: bool,
    /// Minutes between creation and the start of the attendance.
    wait: Option<i64>,
    /// Minutes of attendance until closing.
    attend: Option<i64>,
}

impl Spec {
    fn new(status: TicketStatus) -> Self {
        Self {
            status,
            user: None,
            queue: None,
            channel: TicketChannel::Whatsapp,
            is_group: false,
            active: false,
            wait: None,
            attend: None,
        }
    }
}

async fn ticket(server: &TestServer, owner: &Session, contact: ContactId, spec: Spec) -> Ticket {
    let stores = &server.prepared.state.stores;
    let cx = cx_of(owner);
    let new = NewTicket {
        contact_id: contact,
        whatsapp_id: None,
        status: TicketStatus::Open,
        user_id: spec.user,
        queue_id: spec.queue,
        is_group: spec.is_group,
        channel: spec.channel,
        is_active_demand: spec.active,
    };
    let t = stores
        .tickets
        .create(&cx, new)
        .await
        .unwrap_or_else(|e| panic!("create ticket: {e}"));
    let started = spec.wait.map(|w| t.created_at.timestamp_millis() + w * MIN);
    let closed = started.zip(spec.attend).map(|(s, a)| s + a * MIN);
    let patch = TicketPatch {
        status: Some(spec.status),
        started_attendance_at: Some(started),
        closed_at: Some(closed),
        ..TicketPatch::default()
    };
    stores
        .tickets
        .update(&cx, t.id, patch)
        .await
        .unwrap_or_else(|e| panic!("update ticket: {e}"))
}

/// A tenant with an agent, a queue "Vendas", four contacts and four tickets:
/// t1 open (agent, Vendas, active demand, waited 5 min), t2 closed (agent, telegram, waited
/// 10 min, attended 30 min), t3 pending (nobody), t4 a pending group ticket.
struct World {
    admin: Session,
    agent: Session,
    vendas: QueueId,
    contacts: Vec<Contact>,
    tickets: Vec<Ticket>,
}

async fn world(server: &TestServer, name: &str) -> World {
    let admin = server.new_tenant(name).await;
    let agent = server.agent(&admin).await;
    let cx = cx_of(&admin);
    let vendas = server
        .prepared
        .state
        .stores
        .queues
        .create(
            &cx,
            QueueInput {
                queue: "Vendas".into(),
                is_active: true,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("queue: {e}"))
        .id;
    let mut contacts = Vec::new();
    for n in [
        "5511987650001",
        "5521987650002",
        "5531987650003",
        "5511987650004",
    ] {
        contacts.push(contact(server, &admin, n).await);
    }
    let me = Some(user_of(&agent));
    let specs = [
        Spec {
            user: me,
            queue: Some(vendas),
            active: true,
            wait: Some(5),
            ..Spec::new(TicketStatus::Open)
        },
        Spec {
            user: me,
            channel: TicketChannel::Telegram,
            wait: Some(10),
            attend: Some(30),
            ..Spec::new(TicketStatus::Closed)
        },
        Spec::new(TicketStatus::Pending),
        Spec {
            is_group: true,
            ..Spec::new(TicketStatus::Pending)
        },
    ];
    let mut tickets = Vec::new();
    for (c, spec) in contacts.iter().zip(specs) {
        tickets.push(ticket(server, &admin, c.id, spec).await);
    }
    World {
        admin,
        agent,
        vendas,
        contacts,
        tickets,
    }
}

/// Another tenant with one ticket of its own, which must never be counted by `World`.
async fn noise(server: &TestServer) -> Session {
    let other = server.new_tenant("Stats Noise").await;
    let c = contact(server, &other, "5511912340000").await;
    ticket(
        server,
        &other,
        c.id,
        Spec {
            wait: Some(1),
            attend: Some(1),
            ..Spec::new(TicketStatus::Closed)
        },
    )
    .await;
    other
}

fn first(v: &Value) -> &Value {
    v.get(0).unwrap_or_else(|| panic!("empty array: {v}"))
}

fn find<'a>(rows: &'a Value, key: &str, value: &str) -> &'a Value {
    rows.as_array()
        .and_then(|a| a.iter().find(|r| r[key] == value))
        .unwrap_or_else(|| panic!("no row with {key}={value} in {rows}"))
}

#[actix_web::test]
async fn times_count_real_tickets_of_the_tenant() {
    for server in TestServer::all().await {
        let w = world(&server, "Stats Times").await;
        let other = noise(&server).await;
        let q = around_today("?isGroup=false&");
        let r = w.admin.get(&format!("/statistics-tickets-times{q}")).await;
        let row = first(r.ok());
        assert_eq!(
            row["qtd_total_atendimentos"], 3,
            "{}: {row}",
            server.backend
        );
        assert_eq!(row["qtd_demanda_ativa"], 1);
        assert_eq!(row["qtd_demanda_receptiva"], 2);
        assert_eq!(row["new_contacts"], 4, "the tenant's contacts only");
        assert_eq!(row["tma"], json!({"hours": 0, "minutes": 30, "seconds": 0}));
        assert_eq!(
            row["tme"],
            json!({"hours": 0, "minutes": 7, "seconds": 30}),
            "(5 + 10) / 2 minutes"
        );

        // Defaults (the last 7 days), groups included, and the queue filter.
        let all = w.admin.get("/statistics-tickets-times").await;
        assert_eq!(first(all.ok())["qtd_total_atendimentos"], 4);
        let vendas = w
            .admin
            .get(&format!(
                "/statistics-tickets-times{q}&queuesIds[]={}",
                w.vendas.get()
            ))
            .await;
        assert_eq!(first(vendas.ok())["qtd_total_atendimentos"], 1);

        // Agents: only the tickets assigned to them.
        let mine = w.agent.get(&format!("/statistics-tickets-times{q}")).await;
        let mine = first(mine.ok());
        assert_eq!(mine["qtd_total_atendimentos"], 2);
        assert_eq!(mine["new_contacts"], 2);
        let idle = server.agent(&w.admin).await;
        let idle = idle.get("/statistics-tickets-times").await;
        assert_eq!(first(idle.ok())["qtd_total_atendimentos"], 0);
        assert_eq!(
            first(idle.ok())["tma"],
            json!({"hours": 0, "minutes": 0, "seconds": 0})
        );

        // The other tenant sees its one ticket.
        let theirs = other.get(&format!("/statistics-tickets-times{q}")).await;
        assert_eq!(first(theirs.ok())["qtd_total_atendimentos"], 1);
        assert_eq!(first(theirs.ok())["new_contacts"], 1);
        assert_eq!(w.tickets.len(), 4);
    }
}

#[actix_web::test]
async fn shares_and_evolution_are_numbers() {
    for server in TestServer::all().await {
        let w = world(&server, "Stats Shares").await;
        noise(&server).await;
        let q = around_today("?isGroup=false&");
        let queues = w.admin.get(&format!("/statistics-tickets-queue{q}")).await;
        let queues = queues.ok();
        let v = find(queues, "label", "Vendas");
        assert_eq!(
            (v["qtd"].as_i64(), v["pertentual"].as_f64()),
            (Some(1), Some(33.33))
        );
        let none = find(queues, "label", "Não informado");
        assert_eq!(
            (none["qtd"].as_i64(), none["pertentual"].as_f64()),
            (Some(2), Some(66.67))
        );

        let channels = w
            .admin
            .get(&format!("/statistics-tickets-channels{q}"))
            .await;
        let channels = channels.ok();
        assert_eq!(channels.as_array().map(Vec::len), Some(2));
        assert_eq!(find(channels, "label", "whatsapp")["qtd"], 2);
        assert_eq!(find(channels, "label", "telegram")["pertentual"], 33.33);

        let today = Utc::now().date_naive();
        let period = w
            .admin
            .get(&format!("/statistics-tickets-evolution-by-period{q}"))
            .await;
        let day = find(period.ok(), "dt_ref", &today.to_string());
        assert_eq!(day["label"], today.format("%d/%m/%Y").to_string());
        assert_eq!(day["qtd"], 3);

        let evo = w
            .admin
            .get(&format!("/statistics-tickets-evolution-channels{q}"))
            .await;
        let evo = evo.ok();
        let tele = find(evo, "label", "telegram");
        assert_eq!(tele["dt_referencia"], today.format("%d/%m/%Y").to_string());
        assert_eq!(tele["dt_ref"], today.to_string());
        assert_eq!(tele["qtd"], 1);
        assert!(tele["pertentual"].is_number());

        // An agent's shares cover only their tickets.
        let mine = w
            .agent
            .get(&format!("/statistics-tickets-channels{q}"))
            .await;
        assert_eq!(find(mine.ok(), "label", "telegram")["pertentual"], 50.0);
        let mine = w.agent.get(&format!("/statistics-tickets-queue{q}")).await;
        assert_eq!(find(mine.ok(), "label", "Vendas")["qtd"], 1);
    }
}

#[actix_web::test]
async fn per_user_reports_measure_each_agent() {
    for server in TestServer::all().await {
        let w = world(&server, "Stats Users").await;
        noise(&server).await;
        let q = around_today("?");
        let detail = w
            .admin
            .get(&format!("/statistics-tickets-per-users-detail{q}"))
            .await;
        let detail = detail.ok();
        assert_eq!(
            detail.as_array().map(Vec::len),
            Some(2),
            "admin and agent: {detail}"
        );
        let agent = find(detail, "email", &w.agent.email);
        assert_eq!(agent["qtd_total_atendimentos"], 2);
        assert_eq!(agent["qtd_pendentes"], 0);
        assert_eq!(agent["qtd_em_atendimento"], 1);
        assert_eq!(agent["qtd_resolvidos"], 1);
        assert_eq!(
            agent["tma"],
            json!({"hours": 0, "minutes": 30, "seconds": 0})
        );
        assert_eq!(
            agent["tme"],
            json!({"hours": 0, "minutes": 7, "seconds": 30})
        );
        assert!(agent["name"].is_string());
        assert_eq!(
            find(detail, "email", &w.admin.email)["qtd_total_atendimentos"],
            0
        );

        let times = w.admin.get(&format!("/statistics-per-users{q}")).await;
        let row = find(times.ok(), "email", &w.agent.email);
        assert_eq!(row["qtd_por_usuario"], 2);
        assert_eq!(row["qtd_resolvidos"], 1);
        assert_eq!(row["menor_tempo_por_usuario"], 30.0);
        assert_eq!(row["maior_tempo_por_usuario"], 30.0);
        assert_eq!(row["tempo_medio_por_usuario"], 30.0);

        // Agents see only their own row.
        let own = w.agent.get(&format!("/statistics-per-users{q}")).await;
        assert_eq!(own.ok().as_array().map(Vec::len), Some(1));
        assert_eq!(first(own.ok())["email"], w.agent.email.as_str());
        let own = w
            .agent
            .get(&format!("/statistics-tickets-per-users-detail{q}"))
            .await;
        assert_eq!(first(own.ok())["qtd_total_atendimentos"], 2);
    }
}

#[actix_web::test]
async fn bad_dates_and_filters_are_4xx() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let paths = [
            "/statistics-tickets-times",
            "/statistics-tickets-queue",
            "/statistics-tickets-channels",
            "/statistics-tickets-evolution-channels",
            "/statistics-tickets-evolution-by-period",
            "/statistics-tickets-per-users-detail",
            "/statistics-per-users",
            "/contacts-report",
        ];
        for path in paths {
            admin.get(path).await.ok();
            admin
                .get(&format!("{path}?startDate=2026-02-30"))
                .await
                .err(400, "ERR_INVALID_DATE");
            admin
                .get(&format!("{path}?startDate=yesterday"))
                .await
                .err(400, "ERR_INVALID_DATE");
            admin
                .get(&format!("{path}?startDate=2026-03-10&endDate=2026-03-01"))
                .await
                .err(400, "ERR_INVALID_DATE_RANGE");
            admin
                .get(&format!("{path}?startDate=2020-01-01&endDate=2026-01-01"))
                .await
                .err(400, "ERR_INVALID_DATE_RANGE");
            server.anon().get(path).await.client_error();
        }
        for path in &paths[..7] {
            for bad in [
                "queuesIds[]=abc",
                "queuesIds[]=0",
                "queuesIds[]=-3",
                "isGroup=maybe",
            ] {
                admin.get(&format!("{path}?{bad}")).await.client_error();
            }
        }
        admin
            .get("/dash-tickets-queues?dateStart=2026-03-10&dateEnd=2026-03-01")
            .await
            .err(400, "ERR_INVALID_DATE_RANGE");
        for bad in [
            "status[]=archived",
            "queuesIds[]=x",
            "showAll=perhaps",
            "dateEnd=10/03/2026",
        ] {
            admin
                .get(&format!("/dash-tickets-queues?{bad}"))
                .await
                .client_error();
        }
        for bad in [
            "ddds[]=SP",
            "ddds[]=1",
            "ddds[]=123",
            "tags[]=x",
            "wallets[]=0",
        ] {
            admin
                .get(&format!("/contacts-report?{bad}"))
                .await
                .client_error();
        }
        let long = "x".repeat(10_000);
        admin
            .get(&format!("/contacts-report?searchParam={long}"))
            .await
            .client_error();
    }
}

#[actix_web::test]
async fn panel_lists_tickets_with_their_relations() {
    for server in TestServer::all().await {
        let w = world(&server, "Stats Panel").await;
        let other = noise(&server).await;
        let q = around_today("?");
        let path = |extra: &str| {
            format!("/dash-tickets-queues{q}{extra}")
                .replace("startDate", "dateStart")
                .replace("endDate", "dateEnd")
        };

        let all = w.admin.get(&path("&showAll=true")).await;
        let rows = all.ok().as_array().cloned().unwrap_or_default();
        assert_eq!(rows.len(), 4, "{}: {}", server.backend, all.text);
        let updated: Vec<&str> = rows
            .iter()
            .filter_map(|r| r["updatedAt"].as_str())
            .collect();
        let mut sorted = updated.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(updated, sorted, "newest update first");
        let t1 = rows
            .iter()
            .find(|r| r["id"] == w.tickets[0].id.get())
            .unwrap_or_else(|| panic!("t1 missing"));
        assert_eq!(t1["status"], "open");
        assert_eq!(t1["queue"], "Vendas");
        assert_eq!(t1["queueId"], w.vendas.get());
        assert_eq!(t1["user"]["id"], w.agent.user_id);
        assert_eq!(t1["user"]["profile"], "user");
        assert_eq!(t1["contact"]["id"], w.contacts[0].id.get());
        assert_eq!(t1["contact"]["number"], "5511987650001");
        assert_eq!(t1["name"], w.contacts[0].name.as_str());
        assert!(t1["whatsapp"].is_null());
        let t3 = rows
            .iter()
            .find(|r| r["id"] == w.tickets[2].id.get())
            .unwrap_or_else(|| panic!("t3 missing"));
        assert!(t3["user"].is_null() && t3["queue"].is_null());

        let closed = w.admin.get(&path("&showAll=true&status[]=closed")).await;
        assert_eq!(closed.ok().as_array().map(Vec::len), Some(1));
        let vendas = w
            .admin
            .get(&path(&format!(
                "&showAll=true&queuesIds[]={}",
                w.vendas.get()
            )))
            .await;
        assert_eq!(vendas.ok().as_array().map(Vec::len), Some(1));

        // Agents: their queues' tickets and their own, even when asking showAll.
        let mine = w.agent.get(&path("&showAll=true")).await;
        let ids: Vec<i64> = mine
            .ok()
            .as_array()
            .map(|a| a.iter().filter_map(|r| r["id"].as_i64()).collect())
            .unwrap_or_default();
        assert_eq!(ids.len(), 2, "{ids:?}");
        let member = server.agent(&w.admin).await;
        server
            .prepared
            .state
            .stores
            .users
            .set_queues(&cx_of(&w.admin), user_of(&member), &[w.vendas])
            .await
            .unwrap_or_else(|e| panic!("set queues: {e}"));
        let queue_view = member.get(&path("")).await;
        let rows = queue_view.ok().as_array().cloned().unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["id"], w.tickets[0].id.get());

        // The other tenant never sees ours.
        let theirs = other.get(&path("&showAll=true")).await;
        assert_eq!(theirs.ok().as_array().map(Vec::len), Some(1));
    }
}

#[actix_web::test]
async fn contacts_report_filters_by_tags_wallets_and_area_codes() {
    for server in TestServer::all().await {
        let w = world(&server, "Stats Report").await;
        let other = noise(&server).await;
        let stores = &server.prepared.state.stores;
        let cx = cx_of(&w.admin);
        let vip = stores
            .tags
            .create(
                &cx,
                TagInput {
                    tag: "VIP".into(),
                    color: "#ff0000".into(),
                    is_active: true,
                    auto_tag: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("tag: {e}"));
        stores
            .contacts
            .set_tags(&cx, w.contacts[0].id, &[vip.id])
            .await
            .unwrap_or_else(|e| panic!("set tags: {e}"));
        stores
            .contacts
            .set_wallets(&cx, w.contacts[2].id, &[user_of(&w.agent)])
            .await
            .unwrap_or_else(|e| panic!("set wallets: {e}"));

        let q = around_today("?");
        let numbers = |v: &Value| -> Vec<String> {
            v["contacts"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c["number"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let all = w.admin.get(&format!("/contacts-report{q}")).await;
        assert_eq!(numbers(all.ok()).len(), 4, "{}", all.text);
        let c1 = all.ok()["contacts"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["id"] == w.contacts[0].id.get()))
            .cloned()
            .unwrap_or_default();
        assert_eq!(c1["email"], "c5511987650001@mail.test");
        assert_eq!(
            c1["tags"],
            json!([{"id": vip.id.get(), "tag": "VIP", "color": "#ff0000"}])
        );

        let sp = w.admin.get(&format!("/contacts-report{q}&ddds[]=11")).await;
        let mut got = numbers(sp.ok());
        got.sort();
        assert_eq!(got, vec!["5511987650001", "5511987650004"]);
        let two = w
            .admin
            .get(&format!("/contacts-report{q}&ddds[]=21&ddds[]=31"))
            .await;
        assert_eq!(numbers(two.ok()).len(), 2);
        let tagged = w
            .admin
            .get(&format!("/contacts-report{q}&tags[]={}", vip.id.get()))
            .await;
        assert_eq!(numbers(tagged.ok()), vec!["5511987650001"]);
        let wallet = w
            .admin
            .get(&format!(
                "/contacts-report{q}&wallets[]={}",
                w.agent.user_id
            ))
            .await;
        assert_eq!(numbers(wallet.ok()), vec!["5531987650003"]);
        let search = w
            .admin
            .get(&format!("/contacts-report{q}&searchParam=0002"))
            .await;
        assert_eq!(numbers(search.ok()), vec!["5521987650002"]);
        let none = w
            .admin
            .get(&format!(
                "/contacts-report{q}&tags[]={}",
                TagId::new(999_999).get()
            ))
            .await;
        assert_eq!(none.ok(), &json!({"contacts": []}));

        // Agents: contacts without a wallet or in their own wallet (rule C-9).
        let owner = w.agent.get(&format!("/contacts-report{q}")).await;
        assert_eq!(numbers(owner.ok()).len(), 4);
        let stranger = server.agent(&w.admin).await;
        let theirs = stranger.get(&format!("/contacts-report{q}")).await;
        assert!(!numbers(theirs.ok()).contains(&"5531987650003".to_owned()));
        assert_eq!(numbers(theirs.ok()).len(), 3);

        // The other tenant's report holds only its own contact.
        let foreign = other.get(&format!("/contacts-report{q}")).await;
        assert_eq!(numbers(foreign.ok()), vec!["5511912340000"]);
        let old = w
            .admin
            .get("/contacts-report?startDate=2020-01-01&endDate=2020-01-31")
            .await;
        assert_eq!(old.ok(), &json!({"contacts": []}));
    }
}

#[actix_web::test]
async fn routes_are_documented_in_openapi() {
    for server in TestServer::all().await {
        let doc = server.anon().get("/api-docs/openapi.json").await;
        let paths = &doc.ok()["paths"];
        for path in [
            "/whatsapp",
            "/whatsapp/{id}",
            "/whatsappsession/{id}",
            "/statistics-tickets-times",
            "/statistics-tickets-queue",
            "/statistics-tickets-channels",
            "/statistics-tickets-evolution-channels",
            "/statistics-tickets-evolution-by-period",
            "/statistics-tickets-per-users-detail",
            "/statistics-per-users",
            "/dash-tickets-queues",
            "/contacts-report",
        ] {
            assert!(
                paths.get(path).is_some(),
                "{path} missing from the OpenAPI document"
            );
        }
        assert!(paths["/whatsapp/{id}"]["put"]["security"].is_array());
    }
}
