//! `CampaignStore`.

use super::*;

use tiktickets_domain::enums::CampaignStatus;
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- CampaignStore

#[tokio::test]
async fn campaign_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("campaigns.get(B's campaign)"),
                s.campaigns.get(&cx, b.campaign.id).await,
                s.campaigns.get(&cx, missing_campaign()).await,
            );
            m.hidden(
                &w("campaigns.contacts(B's campaign)"),
                s.campaigns.contacts(&cx, b.campaign.id).await,
                s.campaigns.contacts(&cx, missing_campaign()).await,
            );
            assert_eq!(
                s.campaigns.list(&cx).await.expect("list"),
                m.a_before.campaigns,
                "[{backend}] {who}: list"
            );

            m.denied_as_missing(
                &w("campaigns.create(B's channel)"),
                s.campaigns
                    .create(&cx, campaign_input("Hijack", b.channel.id))
                    .await,
                s.campaigns
                    .create(&cx, campaign_input("Hijack", missing_channel()))
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.update(B's campaign)"),
                s.campaigns
                    .update(&cx, b.campaign.id, campaign_input("Hijack", a.channel.id))
                    .await,
                s.campaigns
                    .update(
                        &cx,
                        missing_campaign(),
                        campaign_input("Hijack", a.channel.id),
                    )
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.update(A's campaign, B's channel)"),
                s.campaigns
                    .update(&cx, a.campaign.id, campaign_input("Moved", b.channel.id))
                    .await,
                s.campaigns
                    .update(
                        &cx,
                        a.campaign.id,
                        campaign_input("Moved", missing_channel()),
                    )
                    .await,
            )
            .await;
            for status in [CampaignStatus::Canceled, CampaignStatus::Processing] {
                m.denied_as_missing(
                    &w(&format!("campaigns.set_status(B's campaign, {status})")),
                    s.campaigns.set_status(&cx, b.campaign.id, status).await,
                    s.campaigns
                        .set_status(&cx, missing_campaign(), status)
                        .await,
                )
                .await;
            }
            m.denied_as_missing(
                &w("campaigns.delete(B's campaign)"),
                s.campaigns.delete(&cx, b.campaign.id).await,
                s.campaigns.delete(&cx, missing_campaign()).await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.add_contacts(B's campaign, [A's contact])"),
                s.campaigns
                    .add_contacts(&cx, b.campaign.id, &[a.contact.id])
                    .await,
                s.campaigns
                    .add_contacts(&cx, missing_campaign(), &[a.contact.id])
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.add_contacts(A's campaign, [B's contact])"),
                s.campaigns
                    .add_contacts(&cx, a.campaign.id, &[b.contact.id])
                    .await,
                s.campaigns
                    .add_contacts(&cx, a.campaign.id, &[missing_contact()])
                    .await,
            )
            .await;
            m.denied(
                &w("campaigns.add_contacts(A's campaign, [A's lead, B's lead])"),
                s.campaigns
                    .add_contacts(&cx, a.campaign.id, &[a.lead.id, b.lead.id])
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.remove_contact(B's campaign, B's lead)"),
                s.campaigns
                    .remove_contact(&cx, b.campaign.id, b.lead.id)
                    .await,
                s.campaigns
                    .remove_contact(&cx, missing_campaign(), b.lead.id)
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("campaigns.remove_contact(A's campaign, B's lead)"),
                s.campaigns
                    .remove_contact(&cx, a.campaign.id, b.lead.id)
                    .await,
                s.campaigns
                    .remove_contact(&cx, a.campaign.id, missing_contact())
                    .await,
            )
            .await;
        }
    }
}
