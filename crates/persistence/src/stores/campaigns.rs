//! `CampaignStore` on SeaORM. `CampaignContacts` has no `tenantId`: its rows are reached
//! through their campaign, loaded with a tenant-scoped query first.

use async_trait::async_trait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, PaginatorTrait, QueryFilter, QueryOrder,
    Set, TransactionTrait,
};
use tiktickets_domain::enums::{CampaignStatus, MessageRandom};
use tiktickets_domain::ids::{CampaignId, ContactId, TenantId, UserId, WhatsappId};
use tiktickets_domain::store::campaigns::{
    Campaign, CampaignContact, CampaignInput, CampaignStore,
};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::{campaign_contacts, campaigns, contacts, whatsapps};
use crate::error::db_err;
use crate::scope::{delete_scoped, scoped, tenant_of, unscoped_children, unscoped_children_delete};
use crate::stores::{ensure_in_tenant, missing, now, parse_stored};

pub(crate) struct SeaCampaignStore {
    db: DatabaseConnection,
}

impl SeaCampaignStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn load(&self, cx: &TenantCtx, id: CampaignId) -> Result<campaigns::Model> {
        scoped::<campaigns::Entity>(cx)
            .filter(campaigns::Column::Id.eq(id.get()))
            .one(&self.db)
            .await
            .map_err(db_err)?
            .ok_or_else(|| DomainError::not_found(missing::CAMPAIGN.0, missing::CAMPAIGN.1))
    }

    /// Rule K-1: a campaign may change only while pending or canceled.
    async fn load_editable(&self, cx: &TenantCtx, id: CampaignId) -> Result<campaigns::Model> {
        let row = self.load(cx, id).await?;
        let status: CampaignStatus = parse_stored("Campaigns.status", &row.status)?;
        if matches!(status, CampaignStatus::Pending | CampaignStatus::Canceled) {
            Ok(row)
        } else {
            Err(DomainError::conflict(
                "ERR_CAMPAIGN_NOT_EDITABLE",
                format!("a {status} campaign cannot be changed; only pending or canceled ones"),
            ))
        }
    }
}

fn to_campaign(m: campaigns::Model) -> Result<Campaign> {
    Ok(Campaign {
        id: CampaignId::new(m.id),
        name: m.name,
        start: m.start,
        end: m.end,
        status: parse_stored("Campaigns.status", &m.status)?,
        session_id: m.session_id.map(WhatsappId::new),
        message1: m.message1,
        message2: m.message2,
        message3: m.message3,
        media_url: m.media_url,
        media_type: m.media_type,
        user_id: m.user_id.map(UserId::new),
        tenant_id: TenantId::from_verified(m.tenant_id),
        delay: m.delay,
        total_messages: m.total_messages,
        sent_messages: m.sent_messages,
        failed_messages: m.failed_messages,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_campaign_contact(m: campaign_contacts::Model) -> Result<CampaignContact> {
    Ok(CampaignContact {
        id: m.id,
        campaign_id: CampaignId::new(m.campaign_id),
        contact_id: ContactId::new(m.contact_id.unwrap_or_default()),
        message_random: parse_stored("CampaignContacts.messageRandom", &m.message_random)?,
        body: m.body,
        media_name: m.media_name,
        message_id: m.message_id,
        job_id: m.job_id,
        ack: m.ack,
        timestamp: m.timestamp,
    })
}

fn apply_input(am: &mut campaigns::ActiveModel, input: CampaignInput) {
    am.name = Set(input.name.trim().to_owned());
    am.start = Set(input.start);
    am.end = Set(input.end);
    am.session_id = Set(Some(input.session_id.get()));
    am.message1 = Set(input.message1);
    am.message2 = Set(input.message2);
    am.message3 = Set(input.message3);
    am.media_url = Set(input.media_url);
    am.media_type = Set(input.media_type);
    am.delay = Set(input.delay);
}

#[async_trait]
impl CampaignStore for SeaCampaignStore {
    async fn create(&self, cx: &TenantCtx, input: CampaignInput) -> Result<Campaign> {
        input.validate()?;
        ensure_in_tenant::<whatsapps::Entity, _>(
            &self.db,
            cx,
            whatsapps::Column::Id,
            input.session_id.get(),
            missing::CHANNEL,
        )
        .await?;
        let at = now();
        let mut am = campaigns::ActiveModel {
            status: Set(CampaignStatus::Pending.as_str().to_owned()),
            user_id: Set(cx.user_id().map(UserId::get)),
            tenant_id: Set(tenant_of(cx)),
            total_messages: Set(Some(0)),
            sent_messages: Set(Some(0)),
            failed_messages: Set(Some(0)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        apply_input(&mut am, input);
        to_campaign(am.insert(&self.db).await.map_err(db_err)?)
    }

    async fn get(&self, cx: &TenantCtx, id: CampaignId) -> Result<Campaign> {
        to_campaign(self.load(cx, id).await?)
    }

    async fn list(&self, cx: &TenantCtx) -> Result<Vec<Campaign>> {
        scoped::<campaigns::Entity>(cx)
            .order_by_desc(campaigns::Column::CreatedAt)
            .order_by_desc(campaigns::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_campaign)
            .collect()
    }

    async fn update(
        &self,
        cx: &TenantCtx,
        id: CampaignId,
        input: CampaignInput,
    ) -> Result<Campaign> {
        input.validate()?;
        ensure_in_tenant::<whatsapps::Entity, _>(
            &self.db,
            cx,
            whatsapps::Column::Id,
            input.session_id.get(),
            missing::CHANNEL,
        )
        .await?;
        let mut am: campaigns::ActiveModel = self.load_editable(cx, id).await?.into();
        apply_input(&mut am, input);
        am.updated_at = Set(now());
        to_campaign(am.update(&self.db).await.map_err(db_err)?)
    }

    async fn set_status(
        &self,
        cx: &TenantCtx,
        id: CampaignId,
        status: CampaignStatus,
    ) -> Result<Campaign> {
        let mut am: campaigns::ActiveModel = self.load(cx, id).await?.into();
        am.status = Set(status.as_str().to_owned());
        am.updated_at = Set(now());
        to_campaign(am.update(&self.db).await.map_err(db_err)?)
    }

    async fn delete(&self, cx: &TenantCtx, id: CampaignId) -> Result<()> {
        let row = self.load_editable(cx, id).await?;
        delete_scoped::<campaigns::Entity>(cx)
            .filter(campaigns::Column::Id.eq(row.id))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn add_contacts(
        &self,
        cx: &TenantCtx,
        id: CampaignId,
        contact_ids: &[ContactId],
    ) -> Result<u64> {
        let campaign = self.load(cx, id).await?;
        let mut wanted: Vec<i32> = contact_ids.iter().map(|c| c.get()).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let found = scoped::<contacts::Entity>(cx)
            .filter(contacts::Column::Id.is_in(wanted.clone()))
            .count(&self.db)
            .await
            .map_err(db_err)?;
        if found != wanted.len() as u64 {
            return Err(DomainError::not_found(
                missing::CONTACT.0,
                missing::CONTACT.1,
            ));
        }
        let already: Vec<i32> = unscoped_children::<campaign_contacts::Entity>()
            .filter(campaign_contacts::Column::CampaignId.eq(campaign.id))
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .filter_map(|r| r.contact_id)
            .collect();
        let txn = self.db.begin().await.map_err(db_err)?;
        let at = now();
        let mut added = 0;
        for contact in wanted.into_iter().filter(|c| !already.contains(c)) {
            campaign_contacts::ActiveModel {
                campaign_id: Set(campaign.id),
                contact_id: Set(Some(contact)),
                message_random: Set(MessageRandom::Message1.as_str().to_owned()),
                ack: Set(0),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(db_err)?;
            added += 1;
        }
        txn.commit().await.map_err(db_err)?;
        Ok(added)
    }

    async fn contacts(&self, cx: &TenantCtx, id: CampaignId) -> Result<Vec<CampaignContact>> {
        let campaign = self.load(cx, id).await?;
        unscoped_children::<campaign_contacts::Entity>()
            .filter(campaign_contacts::Column::CampaignId.eq(campaign.id))
            .order_by_asc(campaign_contacts::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_campaign_contact)
            .collect()
    }

    async fn remove_contact(
        &self,
        cx: &TenantCtx,
        id: CampaignId,
        contact: ContactId,
    ) -> Result<()> {
        let campaign = self.load_editable(cx, id).await?;
        let result = unscoped_children_delete::<campaign_contacts::Entity>()
            .filter(campaign_contacts::Column::CampaignId.eq(campaign.id))
            .filter(campaign_contacts::Column::ContactId.eq(contact.get()))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        if result.rows_affected == 0 {
            return Err(DomainError::not_found(
                missing::CONTACT.0,
                missing::CONTACT.1,
            ));
        }
        Ok(())
    }
}
