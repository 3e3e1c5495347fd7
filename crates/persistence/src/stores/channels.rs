//! `ChannelStore` on SeaORM (`Whatsapps`). Names are unique per tenant; the first channel of a
//! tenant becomes its default and setting another default unsets the previous one (rule W-1).

use async_trait::async_trait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use tiktickets_domain::enums::ChannelStatus;
use tiktickets_domain::ids::{ChatFlowId, TenantId, WhatsappId};
use tiktickets_domain::store::channels::{Channel, ChannelInput, ChannelStore, SessionState};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::{chat_flow, whatsapps};
use crate::error::{db_err, is_unique_violation};
use crate::scope::{delete_scoped, scoped, tenant_of, update_scoped};
use crate::stores::{ensure_in_tenant, missing, now, parse_stored, parse_stored_opt};

const NAME_TAKEN: (&str, &str) = (
    "ERR_WAPP_NAME_ALREADY_EXISTS",
    "a channel with this name already exists",
);

/// Attempts when concurrent writers race for the tenant's default channel.
const DEFAULT_ATTEMPTS: usize = 5;

pub(crate) struct SeaChannelStore {
    db: DatabaseConnection,
}

impl SeaChannelStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn load(&self, cx: &TenantCtx, id: WhatsappId) -> Result<whatsapps::Model> {
        scoped::<whatsapps::Entity>(cx)
            .filter(whatsapps::Column::Id.eq(id.get()))
            .one(&self.db)
            .await
            .map_err(db_err)?
            .ok_or_else(|| DomainError::not_found(missing::CHANNEL.0, missing::CHANNEL.1))
    }

    /// One attempt: unset the other defaults (when this one becomes default), then insert. A
    /// concurrent default wins the partial unique index and makes this attempt fail.
    async fn try_create(
        &self,
        cx: &TenantCtx,
        input: ChannelInput,
    ) -> Result<whatsapps::Model, DbErr> {
        let txn = self.db.begin().await?;
        let existing = scoped::<whatsapps::Entity>(cx).count(&txn).await?;
        let make_default = input.is_default || existing == 0;
        if make_default {
            unset_defaults(&txn, cx, None).await?;
        }
        let at = now();
        let mut am = whatsapps::ActiveModel {
            status: Set(Some(ChannelStatus::Disconnected.as_str().to_owned())),
            is_default: Set(make_default),
            retries: Set(0),
            tenant_id: Set(tenant_of(cx)),
            is_deleted: Set(Some(false)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        apply_input(&mut am, input);
        let row = am.insert(&txn).await?;
        txn.commit().await?;
        Ok(row)
    }

    async fn try_update(
        &self,
        cx: &TenantCtx,
        row: whatsapps::Model,
        input: ChannelInput,
    ) -> Result<whatsapps::Model, DbErr> {
        let txn = self.db.begin().await?;
        let make_default = input.is_default && !row.is_default;
        if make_default {
            unset_defaults(&txn, cx, Some(row.id)).await?;
        }
        let mut am: whatsapps::ActiveModel = row.into();
        if make_default {
            am.is_default = Set(true);
        }
        // Secrets the caller does not send are kept (the API never shows them back).
        let keep = |v: &Option<String>| v.is_none();
        let (keep_telegram, keep_key, keep_api) = (
            keep(&input.token_telegram),
            keep(&input.instagram_key),
            keep(&input.token_api),
        );
        let before = am.clone();
        apply_input(&mut am, input);
        if keep_telegram {
            am.token_telegram = before.token_telegram;
        }
        if keep_key {
            am.instagram_key = before.instagram_key;
        }
        if keep_api {
            am.token_api = before.token_api;
        }
        am.updated_at = Set(now());
        let row = am.update(&txn).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// After a unique violation: the name is taken (a conflict), or a concurrent default won
    /// (retry).
    async fn name_conflict_or_retry(
        &self,
        cx: &TenantCtx,
        name: &str,
        own: Option<WhatsappId>,
    ) -> Result<()> {
        let mut query =
            scoped::<whatsapps::Entity>(cx).filter(whatsapps::Column::Name.eq(name.trim()));
        if let Some(own) = own {
            query = query.filter(whatsapps::Column::Id.ne(own.get()));
        }
        if query.count(&self.db).await.map_err(db_err)? > 0 {
            Err(DomainError::conflict(NAME_TAKEN.0, NAME_TAKEN.1))
        } else {
            Ok(())
        }
    }

    async fn check_flow(&self, cx: &TenantCtx, flow: Option<ChatFlowId>) -> Result<()> {
        match flow {
            Some(f) => {
                ensure_in_tenant::<chat_flow::Entity, _>(
                    &self.db,
                    cx,
                    chat_flow::Column::Id,
                    f.get(),
                    missing::CHAT_FLOW,
                )
                .await
            }
            None => Ok(()),
        }
    }
}

async fn unset_defaults(
    txn: &DatabaseTransaction,
    cx: &TenantCtx,
    except: Option<i32>,
) -> Result<(), DbErr> {
    let mut update = update_scoped::<whatsapps::Entity>(cx)
        .col_expr(whatsapps::Column::IsDefault, Expr::value(false))
        .filter(whatsapps::Column::IsDefault.eq(true));
    if let Some(keep) = except {
        update = update.filter(whatsapps::Column::Id.ne(keep));
    }
    update.exec(txn).await?;
    Ok(())
}

pub(crate) fn to_channel(m: whatsapps::Model) -> Result<Channel> {
    Ok(Channel {
        id: WhatsappId::new(m.id),
        name: m.name,
        status: parse_stored_opt::<ChannelStatus>("Whatsapps.status", m.status.as_deref())?,
        qrcode: m.qrcode,
        battery: m.battery,
        plugged: m.plugged,
        is_default: m.is_default,
        retries: m.retries,
        tenant_id: TenantId::from_verified(m.tenant_id),
        number: m.number,
        phone: m.phone,
        r#type: parse_stored("Whatsapps.type", &m.r#type)?,
        instagram_user: m.instagram_user,
        waba_bsp: parse_stored_opt("Whatsapps.wabaBSP", m.waba_bsp.as_deref())?,
        is_active: m.is_active,
        fb_page_id: m.fb_page_id,
        farewell_message: m.farewell_message,
        chat_flow_id: m.chat_flow_id.map(ChatFlowId::new),
        profile_pic_url: m.profile_pic_url,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Writes the editable fields; an empty secret clears it.
fn apply_input(am: &mut whatsapps::ActiveModel, input: ChannelInput) {
    let secret = |v: Option<String>| v.filter(|s| !s.is_empty());
    am.name = Set(input.name.trim().to_owned());
    am.r#type = Set(input.r#type.as_str().to_owned());
    am.is_active = Set(input.is_active);
    am.farewell_message = Set(input.farewell_message);
    am.chat_flow_id = Set(input.chat_flow_id.map(ChatFlowId::get));
    am.token_telegram = Set(secret(input.token_telegram));
    am.instagram_user = Set(input.instagram_user);
    am.instagram_key = Set(secret(input.instagram_key));
    am.token_api = Set(secret(input.token_api));
    am.waba_bsp = Set(input.waba_bsp.map(|b| b.as_str().to_owned()));
    am.fb_page_id = Set(input.fb_page_id);
}

#[async_trait]
impl ChannelStore for SeaChannelStore {
    async fn create(&self, cx: &TenantCtx, input: ChannelInput) -> Result<Channel> {
        input.validate()?;
        self.check_flow(cx, input.chat_flow_id).await?;
        for _ in 0..DEFAULT_ATTEMPTS {
            match self.try_create(cx, input.clone()).await {
                Err(e) if is_unique_violation(&e) => {
                    self.name_conflict_or_retry(cx, &input.name, None).await?
                }
                other => return other.map_err(db_err).and_then(to_channel),
            }
        }
        Err(DomainError::Unavailable(
            "channel create kept losing races for the default".into(),
        ))
    }

    async fn get(&self, cx: &TenantCtx, id: WhatsappId) -> Result<Channel> {
        to_channel(self.load(cx, id).await?)
    }

    async fn list(&self, cx: &TenantCtx) -> Result<Vec<Channel>> {
        scoped::<whatsapps::Entity>(cx)
            .order_by_asc(whatsapps::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_channel)
            .collect()
    }

    async fn count(&self, cx: &TenantCtx) -> Result<u64> {
        scoped::<whatsapps::Entity>(cx)
            .count(&self.db)
            .await
            .map_err(db_err)
    }

    async fn update(&self, cx: &TenantCtx, id: WhatsappId, input: ChannelInput) -> Result<Channel> {
        input.validate()?;
        self.check_flow(cx, input.chat_flow_id).await?;
        for _ in 0..DEFAULT_ATTEMPTS {
            let row = self.load(cx, id).await?;
            match self.try_update(cx, row, input.clone()).await {
                Err(e) if is_unique_violation(&e) => {
                    self.name_conflict_or_retry(cx, &input.name, Some(id))
                        .await?
                }
                other => return other.map_err(db_err).and_then(to_channel),
            }
        }
        Err(DomainError::Unavailable(
            "channel update kept losing races for the default".into(),
        ))
    }

    async fn set_session_state(
        &self,
        cx: &TenantCtx,
        id: WhatsappId,
        state: SessionState,
    ) -> Result<Channel> {
        let mut am: whatsapps::ActiveModel = self.load(cx, id).await?.into();
        if let Some(v) = state.status {
            am.status = Set(Some(v.as_str().to_owned()));
        }
        if let Some(v) = state.qrcode {
            am.qrcode = Set(v);
        }
        if let Some(v) = state.number {
            am.number = Set(v);
        }
        if let Some(v) = state.retries {
            am.retries = Set(v);
        }
        if let Some(v) = state.profile_pic_url {
            am.profile_pic_url = Set(v);
        }
        am.updated_at = Set(now());
        to_channel(am.update(&self.db).await.map_err(db_err)?)
    }

    async fn delete(&self, cx: &TenantCtx, id: WhatsappId) -> Result<()> {
        let row = self.load(cx, id).await?;
        delete_scoped::<whatsapps::Entity>(cx)
            .filter(whatsapps::Column::Id.eq(row.id))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
