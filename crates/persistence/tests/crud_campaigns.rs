//! CRUD and rules of the campaign store, on SQLite and (when configured) PostgreSQL.

mod support_crud;

use support_crud::*;
use tiktickets_domain::enums::{CampaignStatus, MessageRandom};
use tiktickets_domain::ids::{CampaignId, ContactId};
use tiktickets_domain::store::campaigns::CampaignInput;
use tiktickets_test_support::TestDb;

// -------------------------------------------------------------- campaigns

#[tokio::test]
async fn campaign_create_get_list_update_delete_round_trip() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let channel = env.channel("Main").await;
        let created = env
            .stores
            .campaigns
            .create(&env.cx, campaign_input(" Black Friday ", channel.id))
            .await
            .expect(b);
        assert_eq!(created.name, "Black Friday", "{b}: trimmed");
        assert_eq!(created.status, CampaignStatus::Pending, "{b}");
        assert_eq!(
            (created.session_id, created.user_id),
            (Some(channel.id), Some(env.admin.id)),
            "{b}"
        );
        assert_eq!(
            (created.start, created.end),
            (at(10, 9), Some(at(11, 18))),
            "{b}"
        );
        assert_eq!(created.delay, 20, "{b}");
        assert_eq!(created.message2, "Hello {name} 2", "{b}");
        assert_eq!(
            env.stores
                .campaigns
                .get(&env.cx, created.id)
                .await
                .expect(b),
            created,
            "{b}"
        );

        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        let newer = env
            .stores
            .campaigns
            .create(&env.cx, campaign_input("Christmas", channel.id))
            .await
            .expect(b);
        let listed: Vec<CampaignId> = env
            .stores
            .campaigns
            .list(&env.cx)
            .await
            .expect(b)
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(listed, vec![newer.id, created.id], "{b}: newest first");

        let other_channel = env.channel("Other").await;
        let input = CampaignInput {
            start: at(12, 10),
            end: None,
            message1: "Changed".into(),
            media_url: Some("banner.png".into()),
            media_type: Some("image".into()),
            delay: 86_400,
            ..campaign_input("Black Friday 2", other_channel.id)
        };
        let updated = env
            .stores
            .campaigns
            .update(&env.cx, created.id, input)
            .await
            .expect(b);
        let read = env
            .stores
            .campaigns
            .get(&env.cx, created.id)
            .await
            .expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(
            (read.name.as_str(), read.message1.as_str()),
            ("Black Friday 2", "Changed"),
            "{b}"
        );
        assert_eq!(
            (read.start, read.end, read.delay),
            (at(12, 10), None, 86_400),
            "{b}"
        );
        assert_eq!(read.session_id, Some(other_channel.id), "{b}");
        assert_eq!(
            (read.media_url.as_deref(), read.media_type.as_deref()),
            (Some("banner.png"), Some("image")),
            "{b}"
        );

        env.stores
            .campaigns
            .delete(&env.cx, created.id)
            .await
            .expect(b);
        assert_not_found(
            env.stores.campaigns.get(&env.cx, created.id).await,
            "ERR_CAMPAIGN_NOT_FOUND",
            b,
        );
        assert_not_found(
            env.stores.campaigns.delete(&env.cx, created.id).await,
            "ERR_CAMPAIGN_NOT_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .campaigns
                .update(&env.cx, created.id, campaign_input("X", channel.id))
                .await,
            "ERR_CAMPAIGN_NOT_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .campaigns
                .set_status(&env.cx, created.id, CampaignStatus::Canceled)
                .await,
            "ERR_CAMPAIGN_NOT_FOUND",
            b,
        );
        assert_eq!(
            env.stores.campaigns.list(&env.cx).await.expect(b).len(),
            1,
            "{b}"
        );
    }
}

#[tokio::test]
async fn campaign_needs_a_channel_of_the_tenant() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, other_cx) = env.other_tenant("Tenant B", "admin@b.example").await;
        let theirs = env
            .stores
            .channels
            .create(&other_cx, channel_input("Theirs", false))
            .await
            .expect(b);
        assert_not_found(
            env.stores
                .campaigns
                .create(&env.cx, campaign_input("Steal", theirs.id))
                .await,
            "ERR_NO_WAPP_FOUND",
            &format!("{b}: another tenant's channel"),
        );
        assert_not_found(
            env.stores
                .campaigns
                .create(&env.cx, campaign_input("Ghost", missing_channel()))
                .await,
            "ERR_NO_WAPP_FOUND",
            b,
        );
        let mine = env.channel("Mine").await;
        let campaign = env
            .stores
            .campaigns
            .create(&env.cx, campaign_input("Ok", mine.id))
            .await
            .expect(b);
        assert_not_found(
            env.stores
                .campaigns
                .update(&env.cx, campaign.id, campaign_input("Moved", theirs.id))
                .await,
            "ERR_NO_WAPP_FOUND",
            &format!("{b}: update to another tenant's channel"),
        );
        assert_eq!(
            env.stores
                .campaigns
                .get(&env.cx, campaign.id)
                .await
                .expect(b)
                .session_id,
            Some(mine.id),
            "{b}"
        );
        assert_eq!(
            env.stores.campaigns.list(&env.cx).await.expect(b).len(),
            1,
            "{b}"
        );
    }
}

#[tokio::test]
async fn campaign_add_contacts_skips_duplicates_and_remove_contact_removes_one() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let channel = env.channel("Main").await;
        let campaign = env
            .stores
            .campaigns
            .create(&env.cx, campaign_input("Promo", channel.id))
            .await
            .expect(b);
        let c1 = env.contact("One", "5511911111111").await;
        let c2 = env.contact("Two", "5511922222222").await;
        let c3 = env.contact("Three", "5511933333333").await;
        let targets = |list: &[tiktickets_domain::store::campaigns::CampaignContact]| {
            list.iter()
                .map(|c| c.contact_id)
                .collect::<Vec<ContactId>>()
        };

        assert_eq!(
            env.stores
                .campaigns
                .add_contacts(&env.cx, campaign.id, &[c1.id, c2.id, c1.id])
                .await
                .expect(b),
            2,
            "{b}"
        );
        assert_eq!(
            env.stores
                .campaigns
                .add_contacts(&env.cx, campaign.id, &[c2.id, c3.id])
                .await
                .expect(b),
            1,
            "{b}: c2 skipped"
        );
        assert_eq!(
            env.stores
                .campaigns
                .add_contacts(&env.cx, campaign.id, &[c3.id])
                .await
                .expect(b),
            0,
            "{b}"
        );
        let listed = env
            .stores
            .campaigns
            .contacts(&env.cx, campaign.id)
            .await
            .expect(b);
        assert_eq!(targets(&listed), vec![c1.id, c2.id, c3.id], "{b}");
        assert!(
            listed
                .iter()
                .all(|c| c.campaign_id == campaign.id && c.ack == 0),
            "{b}"
        );
        assert!(
            listed
                .iter()
                .all(|c| c.message_random == MessageRandom::Message1),
            "{b}"
        );

        assert_not_found(
            env.stores
                .campaigns
                .add_contacts(&env.cx, campaign.id, &[c1.id, missing_contact()])
                .await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_eq!(
            env.stores
                .campaigns
                .contacts(&env.cx, campaign.id)
                .await
                .expect(b)
                .len(),
            3,
            "{b}: nothing added"
        );

        env.stores
            .campaigns
            .remove_contact(&env.cx, campaign.id, c2.id)
            .await
            .expect(b);
        assert_eq!(
            targets(
                &env.stores
                    .campaigns
                    .contacts(&env.cx, campaign.id)
                    .await
                    .expect(b)
            ),
            vec![c1.id, c3.id],
            "{b}"
        );
        assert_not_found(
            env.stores
                .campaigns
                .remove_contact(&env.cx, campaign.id, c2.id)
                .await,
            "ERR_NO_CONTACT_FOUND",
            &format!("{b}: already removed"),
        );
        let gone = CampaignId::new(MISSING);
        assert_not_found(
            env.stores
                .campaigns
                .add_contacts(&env.cx, gone, &[c1.id])
                .await,
            "ERR_CAMPAIGN_NOT_FOUND",
            b,
        );
        assert_not_found(
            env.stores.campaigns.contacts(&env.cx, gone).await,
            "ERR_CAMPAIGN_NOT_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .campaigns
                .remove_contact(&env.cx, gone, c1.id)
                .await,
            "ERR_CAMPAIGN_NOT_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn processing_campaign_cannot_be_updated_or_deleted() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let channel = env.channel("Main").await;
        let campaign = env
            .stores
            .campaigns
            .create(&env.cx, campaign_input("Running", channel.id))
            .await
            .expect(b);
        let contact = env.contact("Target", "5511911111111").await;
        env.stores
            .campaigns
            .add_contacts(&env.cx, campaign.id, &[contact.id])
            .await
            .expect(b);
        let processing = env
            .stores
            .campaigns
            .set_status(&env.cx, campaign.id, CampaignStatus::Processing)
            .await
            .expect(b);
        assert_eq!(processing.status, CampaignStatus::Processing, "{b}");

        assert_conflict(
            env.stores
                .campaigns
                .update(&env.cx, campaign.id, campaign_input("Edited", channel.id))
                .await,
            "ERR_CAMPAIGN_NOT_EDITABLE",
            &format!("{b}: update"),
        );
        assert_conflict(
            env.stores.campaigns.delete(&env.cx, campaign.id).await,
            "ERR_CAMPAIGN_NOT_EDITABLE",
            &format!("{b}: delete"),
        );
        assert_conflict(
            env.stores
                .campaigns
                .remove_contact(&env.cx, campaign.id, contact.id)
                .await,
            "ERR_CAMPAIGN_NOT_EDITABLE",
            &format!("{b}: remove_contact"),
        );
        let read = env
            .stores
            .campaigns
            .get(&env.cx, campaign.id)
            .await
            .expect(b);
        assert_eq!(
            (read.name.as_str(), read.status),
            ("Running", CampaignStatus::Processing),
            "{b}: unchanged"
        );
        assert_eq!(
            env.stores
                .campaigns
                .contacts(&env.cx, campaign.id)
                .await
                .expect(b)
                .len(),
            1,
            "{b}"
        );

        for status in [CampaignStatus::Scheduled, CampaignStatus::Finished] {
            env.stores
                .campaigns
                .set_status(&env.cx, campaign.id, status)
                .await
                .expect(b);
            assert_conflict(
                env.stores.campaigns.delete(&env.cx, campaign.id).await,
                "ERR_CAMPAIGN_NOT_EDITABLE",
                &format!("{b}: delete while {status}"),
            );
        }

        env.stores
            .campaigns
            .set_status(&env.cx, campaign.id, CampaignStatus::Canceled)
            .await
            .expect(b);
        let edited = env
            .stores
            .campaigns
            .update(&env.cx, campaign.id, campaign_input("Edited", channel.id))
            .await
            .expect(b);
        assert_eq!(
            (edited.name.as_str(), edited.status),
            ("Edited", CampaignStatus::Canceled),
            "{b}"
        );
        env.stores
            .campaigns
            .delete(&env.cx, campaign.id)
            .await
            .expect(b);
        assert_not_found(
            env.stores.campaigns.get(&env.cx, campaign.id).await,
            "ERR_CAMPAIGN_NOT_FOUND",
            b,
        );
    }
}
