//! Bad values (unknown enum strings, malformed numbers, negative quotas, bad delays and pages,
//! ids that do not exist): each is a `DomainError` with the right code, never a panic. SQLite
//! always, PostgreSQL when configured.

mod support_crud;

use std::str::FromStr;

use support_crud::*;
use tiktickets_domain::enums::{
    CampaignStatus, ChannelStatus, ChannelType, MediaType, MessageAck, MessageStatus,
    ProtocolStatus, SendType, TenantStatus, TicketChannel, TicketLogType, TicketStatus,
    UserProfile, UserStatus,
};
use tiktickets_domain::ids::{CampaignId, FastReplyId, MessageId, QueueId, TagId, TicketId};
use tiktickets_domain::phone;
use tiktickets_domain::store::PageRequest;
use tiktickets_domain::store::campaigns::CampaignInput;
use tiktickets_domain::store::queues::QueueInput;
use tiktickets_domain::store::tenants::{NewTenant, TenantPatch};
use tiktickets_domain::store::tickets::TicketPatch;
use tiktickets_domain::{DomainError, PlatformCtx, TenantCtx};
use tiktickets_test_support::TestDb;

const REQUIRED: &str = "ERR_FIELD_REQUIRED";

#[track_caller]
fn assert_parse_refused<T: FromStr<Err = DomainError> + std::fmt::Debug>(raw: &str, code: &str) {
    assert_invalid(
        raw.parse::<T>(),
        code,
        &format!("{} {raw:?}", std::any::type_name::<T>()),
    );
}

#[test]
fn unknown_enum_strings_are_invalid_with_their_code() {
    for raw in ["archived", "OPEN", "", " open"] {
        assert_parse_refused::<TicketStatus>(raw, "ERR_INVALID_STATUS");
    }
    assert_parse_refused::<TicketChannel>("sms", "ERR_INVALID_CHANNEL");
    assert_parse_refused::<ChannelType>("fax", "ERR_INVALID_CHANNEL_TYPE");
    assert_parse_refused::<ChannelStatus>("connected", "ERR_INVALID_CHANNEL_STATUS");
    assert_parse_refused::<MessageStatus>("sent", "ERR_INVALID_MESSAGE_STATUS");
    assert_parse_refused::<SendType>("api", "ERR_INVALID_SEND_TYPE");
    assert_parse_refused::<MediaType>("gif", "ERR_INVALID_MEDIA_TYPE");
    assert_parse_refused::<UserProfile>("root", "ERR_INVALID_PROFILE");
    assert_parse_refused::<UserStatus>("away", "ERR_INVALID_USER_STATUS");
    assert_parse_refused::<TenantStatus>("deleted", "ERR_INVALID_TENANT_STATUS");
    assert_parse_refused::<CampaignStatus>("running", "ERR_INVALID_CAMPAIGN_STATUS");
    assert_parse_refused::<ProtocolStatus>("OPEN", "ERR_INVALID_PROTOCOL_STATUS");
    assert_parse_refused::<TicketLogType>("transferred", "ERR_INVALID_LOG_TYPE");
    assert_parse_refused::<CampaignStatus>(&"x".repeat(100_000), "ERR_INVALID_CAMPAIGN_STATUS");
    for bad in [5, -2, i32::MAX, i32::MIN] {
        assert_invalid(
            MessageAck::try_from(bad),
            "ERR_INVALID_ACK",
            &format!("ack {bad}"),
        );
    }
    for bad in ["0", "-4", "abc", "1.5", "99999999999", ""] {
        assert_parse_refused::<TicketId>(bad, "ERR_INVALID_ID");
    }
    assert_parse_refused::<MessageId>("  ", "ERR_INVALID_ID");
}

#[test]
fn malformed_phone_numbers_are_invalid_numbers() {
    let over_long = "9".repeat(65);
    let huge = "1".repeat(1_000_000);
    for raw in [
        "",
        "   ",
        "abc",
        "123",
        "1234567",
        "1234567890123456",
        "55 11 9999 ramal 2",
        "5.511999998888E12",
        "5511999998888@x.com",
        "5511999998888@c.us@c.us",
        "abc@g.us",
        "12-34-56@g.us",
        "x1@lid",
        "٥٥١١٩٩٩٩٩٨٨٨٨",
        over_long.as_str(),
        huge.as_str(),
    ] {
        let shown: String = raw.chars().take(40).collect();
        assert_invalid(
            phone::normalize(raw),
            "ERR_INVALID_NUMBER",
            &format!("{shown:?}"),
        );
    }
}

#[tokio::test]
async fn negative_quotas_are_refused() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let p = PlatformCtx::system();
        let s = &env.stores;
        let code = "ERR_INVALID_NUMBER_VALUE";
        assert_invalid(
            s.tenants
                .create(
                    &p,
                    NewTenant {
                        max_users: -1,
                        ..new_tenant("Neg Users")
                    },
                )
                .await,
            code,
            b,
        );
        assert_invalid(
            s.tenants
                .create(
                    &p,
                    NewTenant {
                        max_connections: -5,
                        ..new_tenant("Neg Conn")
                    },
                )
                .await,
            code,
            b,
        );
        assert_invalid(
            s.tenants
                .update(
                    &p,
                    env.tenant,
                    TenantPatch {
                        max_users: Some(-1),
                        ..TenantPatch::default()
                    },
                )
                .await,
            code,
            b,
        );
        assert_invalid(
            s.tenants
                .update(
                    &p,
                    env.tenant,
                    TenantPatch {
                        max_connections: Some(i32::MIN),
                        ..TenantPatch::default()
                    },
                )
                .await,
            code,
            b,
        );
        let tenants = s.tenants.list(&p).await.expect(b);
        assert_eq!(tenants.len(), 1, "{b}: nothing created");
        assert_eq!(
            (tenants[0].max_users, tenants[0].max_connections),
            (10, 3),
            "{b}: nothing changed"
        );
        // Zero is a valid quota.
        let zero = s
            .tenants
            .create(
                &p,
                NewTenant {
                    max_users: 0,
                    max_connections: 0,
                    ..new_tenant("Zero")
                },
            )
            .await
            .expect(b);
        assert_eq!((zero.max_users, zero.max_connections), (0, 0), "{b}");
    }
}

#[tokio::test]
async fn negative_ticket_counters_are_refused() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        for patch in [
            TicketPatch {
                unread_messages: Some(-1),
                ..TicketPatch::default()
            },
            TicketPatch {
                attendance_count: Some(-1),
                ..TicketPatch::default()
            },
            TicketPatch {
                bot_retries: Some(-3),
                ..TicketPatch::default()
            },
        ] {
            assert_invalid(
                env.stores
                    .tickets
                    .update(&env.cx, ticket.id, patch.clone())
                    .await,
                "ERR_INVALID_NUMBER_VALUE",
                &format!("{b}: {patch:?}"),
            );
        }
        let read = env.stores.tickets.get(&env.cx, ticket.id).await.expect(b);
        assert_eq!(
            (read.unread_messages, read.bot_retries),
            (Some(0), 0),
            "{b}"
        );
    }
}

#[tokio::test]
async fn campaign_delay_and_dates_are_checked() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let channel = env.channel("Main").await;
        let s = &env.stores;
        for delay in [0, -1, 86_401] {
            assert_invalid(
                s.campaigns
                    .create(
                        &env.cx,
                        CampaignInput {
                            delay,
                            ..campaign_input("Delay", channel.id)
                        },
                    )
                    .await,
                "ERR_INVALID_DELAY",
                &format!("{b}: delay {delay}"),
            );
        }
        let backwards = CampaignInput {
            start: at(11, 9),
            end: Some(at(10, 9)),
            ..campaign_input("Backwards", channel.id)
        };
        assert_invalid(
            s.campaigns.create(&env.cx, backwards).await,
            "ERR_INVALID_CAMPAIGN_DATES",
            b,
        );
        let empty_text = CampaignInput {
            message2: String::new(),
            ..campaign_input("Empty", channel.id)
        };
        assert_invalid(s.campaigns.create(&env.cx, empty_text).await, REQUIRED, b);
        let campaign = s
            .campaigns
            .create(&env.cx, campaign_input("Ok", channel.id))
            .await
            .expect(b);
        assert_invalid(
            s.campaigns
                .update(
                    &env.cx,
                    campaign.id,
                    CampaignInput {
                        delay: 0,
                        ..campaign_input("Ok", channel.id)
                    },
                )
                .await,
            "ERR_INVALID_DELAY",
            b,
        );
        assert_eq!(
            s.campaigns.get(&env.cx, campaign.id).await.expect(b).delay,
            20,
            "{b}"
        );
        assert_eq!(s.campaigns.list(&env.cx).await.expect(b).len(), 1, "{b}");
    }
}

#[test]
fn page_zero_and_bad_page_sizes_are_refused() {
    assert_invalid(PageRequest::new(0, 10), "ERR_INVALID_PAGE", "page 0");
    assert_invalid(PageRequest::new(1, 0), "ERR_INVALID_PAGE_SIZE", "size 0");
    assert_invalid(
        PageRequest::new(1, PageRequest::MAX_SIZE + 1),
        "ERR_INVALID_PAGE_SIZE",
        "size 1001",
    );
    let ok = PageRequest::new(3, 20).expect("valid");
    assert_eq!((ok.page(), ok.size(), ok.offset()), (3, 20, 40));
}

#[tokio::test]
async fn a_page_far_past_the_end_is_empty_not_an_error() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        env.contact("Only", "5511987654321").await;
        let far = PageRequest::new(1_000_000, 1_000).expect("valid");
        let page = env.stores.contacts.list(&env.cx, None, far).await.expect(b);
        assert_eq!(
            (page.items.len(), page.count, page.has_more),
            (0, 1, false),
            "{b}"
        );
        let users = env.stores.users.list(&env.cx, None, far).await.expect(b);
        assert_eq!(
            (users.items.len(), users.count, users.has_more),
            (0, 1, false),
            "{b}"
        );
    }
}

#[tokio::test]
async fn ids_that_do_not_exist_are_not_found() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let s = &env.stores;
        let cx = &env.cx;
        assert_not_found(
            s.users.get(cx, missing_user()).await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_not_found(
            s.users.delete(cx, missing_user()).await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_not_found(
            s.users.queues(cx, missing_user()).await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_not_found(
            s.queues.get(cx, QueueId::new(MISSING)).await,
            "ERR_QUEUE_NOT_FOUND",
            b,
        );
        assert_not_found(
            s.queues
                .update(
                    cx,
                    missing_queue(),
                    QueueInput {
                        queue: "q".into(),
                        is_active: true,
                    },
                )
                .await,
            "ERR_QUEUE_NOT_FOUND",
            b,
        );
        assert_not_found(
            s.contacts.get(cx, missing_contact()).await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            s.contacts.delete(cx, missing_contact()).await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            s.tickets.get(cx, TicketId::new(MISSING)).await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
        assert_not_found(
            s.messages.get(cx, &MessageId::generate()).await,
            "ERR_NO_MESSAGE_FOUND",
            b,
        );
        assert_not_found(
            s.messages.delete(cx, &MessageId::generate()).await,
            "ERR_NO_MESSAGE_FOUND",
            b,
        );
        assert_not_found(
            s.channels.get(cx, missing_channel()).await,
            "ERR_NO_WAPP_FOUND",
            b,
        );
        assert_not_found(
            s.channels.delete(cx, missing_channel()).await,
            "ERR_NO_WAPP_FOUND",
            b,
        );
        assert_not_found(
            s.tags.get(cx, TagId::new(MISSING)).await,
            "ERR_NO_TAG_FOUND",
            b,
        );
        assert_not_found(
            s.tags.delete(cx, TagId::new(MISSING)).await,
            "ERR_NO_TAG_FOUND",
            b,
        );
        assert_not_found(
            s.fast_replies.get(cx, FastReplyId::new(MISSING)).await,
            "ERR_NO_FAST_REPLY_FOUND",
            b,
        );
        assert_not_found(
            s.fast_replies.delete(cx, FastReplyId::new(MISSING)).await,
            "ERR_NO_FAST_REPLY_FOUND",
            b,
        );
        assert_not_found(
            s.campaigns.get(cx, CampaignId::new(MISSING)).await,
            "ERR_CAMPAIGN_NOT_FOUND",
            b,
        );
        assert_not_found(
            s.campaigns.delete(cx, CampaignId::new(MISSING)).await,
            "ERR_CAMPAIGN_NOT_FOUND",
            b,
        );
        assert_not_found(
            s.protocols
                .list_for_ticket(cx, TicketId::new(MISSING))
                .await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
        assert_not_found(
            s.ticket_logs
                .list_for_ticket(cx, TicketId::new(MISSING))
                .await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
        assert_eq!(s.settings.get(cx, "noSuchKey").await.expect(b), None, "{b}");
        // A context whose tenant does not exist sees nothing and can read no "current" tenant.
        let ghost = TenantCtx::system(tiktickets_domain::ids::TenantId::from_verified(MISSING));
        assert_not_found(s.tenants.current(&ghost).await, "ERR_NO_TENANT_FOUND", b);
        assert!(s.queues.list(&ghost).await.expect(b).is_empty(), "{b}");
    }
}
