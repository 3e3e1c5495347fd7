//! `ContactStore` on SeaORM: contacts, tags, wallets and custom fields of the caller's tenant.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use tiktickets_domain::ids::{ContactId, CustomFieldId, TagId, TenantId, UserId};
use tiktickets_domain::phone::{ContactNumber, canonical_brazilian, lookup_variants};
use tiktickets_domain::store::contacts::{
    Contact, ContactInput, ContactQuery, ContactStore, CustomField, CustomFieldInput,
    InboundContact,
};
use tiktickets_domain::store::tags::Tag;
use tiktickets_domain::store::{Page, PageRequest};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::{
    contact_custom_fields, contact_tags, contact_wallets, contacts, tags, tickets, users,
};
use crate::error::{db_err, db_err_as};
use crate::scope::{delete_scoped, scoped, tenant_of, unscoped_children, unscoped_children_delete};
use crate::stores::tags::to_tag;
use crate::stores::{contacts_query, insert_unless_conflict, missing, now};

const DUPLICATED: (&str, &str) = (
    "ERR_DUPLICATED_CONTACT",
    "a contact with this number already exists",
);

pub(crate) struct SeaContactStore {
    db: DatabaseConnection,
}

impl SeaContactStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn load(&self, cx: &TenantCtx, id: ContactId) -> Result<contacts::Model> {
        scoped::<contacts::Entity>(cx)
            .filter(contacts::Column::Id.eq(id.get()))
            .one(&self.db)
            .await
            .map_err(db_err)?
            .ok_or_else(|| DomainError::not_found(missing::CONTACT.0, missing::CONTACT.1))
    }

    async fn find_row_by_number(
        &self,
        cx: &TenantCtx,
        number: &ContactNumber,
    ) -> Result<Option<contacts::Model>> {
        find_row_by_number(&self.db, cx, number).await
    }

    /// Ids of `E` rows in the tenant among `ids`; fails with NotFound if any is missing.
    async fn check_all_in_tenant(
        &self,
        cx: &TenantCtx,
        ids: &[i32],
        tags_not_users: bool,
    ) -> Result<Vec<i32>> {
        let mut wanted = ids.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let found = if tags_not_users {
            scoped::<tags::Entity>(cx)
                .filter(tags::Column::Id.is_in(wanted.clone()))
                .count(&self.db)
                .await
        } else {
            scoped::<users::Entity>(cx)
                .filter(users::Column::Id.is_in(wanted.clone()))
                .count(&self.db)
                .await
        }
        .map_err(db_err)?;
        if found != wanted.len() as u64 {
            let what = if tags_not_users {
                missing::TAG
            } else {
                missing::USER
            };
            return Err(DomainError::not_found(what.0, what.1));
        }
        Ok(wanted)
    }
}

/// The form a number is stored in: Brazilian mobiles always with the ninth digit, so the
/// unique index on (number, tenantId) also catches the other form arriving concurrently.
fn stored_number(number: &ContactNumber) -> String {
    match number {
        ContactNumber::Phone(digits) => canonical_brazilian(digits),
        other => other.as_str().to_owned(),
    }
}

pub(crate) fn to_contact(m: contacts::Model) -> Contact {
    Contact {
        id: ContactId::new(m.id),
        name: m.name,
        number: m.number,
        profile_pic_url: m.profile_pic_url,
        email: m.email,
        is_group: m.is_group,
        tenant_id: TenantId::from_verified(m.tenant_id),
        pushname: m.pushname,
        is_user: m.is_user,
        is_wa_contact: m.is_wa_contact,
        telegram_id: m.telegram_id,
        instagram_pk: m.instagram_pk,
        messenger_id: m.messenger_id,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn to_custom_field(m: contact_custom_fields::Model) -> CustomField {
    CustomField {
        id: CustomFieldId::new(m.id),
        name: m.name,
        value: m.value,
        contact_id: ContactId::new(m.contact_id),
    }
}

#[async_trait]
impl ContactStore for SeaContactStore {
    async fn create(&self, cx: &TenantCtx, input: ContactInput) -> Result<Contact> {
        input.validate()?;
        if let Some(number) = &input.number
            && self.find_row_by_number(cx, number).await?.is_some()
        {
            return Err(DomainError::conflict(DUPLICATED.0, DUPLICATED.1));
        }
        let at = now();
        let am = contacts::ActiveModel {
            name: Set(input.name.trim().to_owned()),
            is_group: Set(input.number.as_ref().is_some_and(ContactNumber::is_group)),
            number: Set(input.number.as_ref().map(stored_number)),
            email: Set(input.email.filter(|e| !e.is_empty())),
            profile_pic_url: Set(input.profile_pic_url),
            tenant_id: Set(tenant_of(cx)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        Ok(to_contact(
            am.insert(&self.db)
                .await
                .map_err(db_err_as(DUPLICATED, DUPLICATED))?,
        ))
    }

    async fn get(&self, cx: &TenantCtx, id: ContactId) -> Result<Contact> {
        Ok(to_contact(self.load(cx, id).await?))
    }

    async fn list(
        &self,
        cx: &TenantCtx,
        search: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Contact>> {
        let mut query = scoped::<contacts::Entity>(cx);
        if let Some(term) = search.map(str::trim).filter(|s| !s.is_empty()) {
            let pattern = crate::stores::contains_pattern(term);
            query = query.filter(
                Condition::any()
                    .add(
                        Expr::expr(Func::lower(Expr::col(contacts::Column::Name)))
                            .like(pattern.clone()),
                    )
                    .add(contacts::Column::Number.like(pattern)),
            );
        }
        let count = query.clone().count(&self.db).await.map_err(db_err)?;
        let rows = query
            .order_by_asc(contacts::Column::Name)
            .order_by_asc(contacts::Column::Id)
            .offset(page.offset())
            .limit(page.size())
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(Page::new(
            rows.into_iter().map(to_contact).collect(),
            count,
            page,
        ))
    }

    async fn update(&self, cx: &TenantCtx, id: ContactId, input: ContactInput) -> Result<Contact> {
        input.validate()?;
        let row = self.load(cx, id).await?;
        if let Some(number) = &input.number
            && let Some(other) = self.find_row_by_number(cx, number).await?
            && other.id != row.id
        {
            return Err(DomainError::conflict(DUPLICATED.0, DUPLICATED.1));
        }
        let mut am: contacts::ActiveModel = row.into();
        am.name = Set(input.name.trim().to_owned());
        if let Some(number) = input.number {
            am.is_group = Set(number.is_group());
            am.number = Set(Some(stored_number(&number)));
        }
        am.email = Set(input.email.filter(|e| !e.is_empty()));
        if input.profile_pic_url.is_some() {
            am.profile_pic_url = Set(input.profile_pic_url);
        }
        am.updated_at = Set(now());
        Ok(to_contact(
            am.update(&self.db)
                .await
                .map_err(db_err_as(DUPLICATED, DUPLICATED))?,
        ))
    }

    async fn delete(&self, cx: &TenantCtx, id: ContactId) -> Result<()> {
        let row = self.load(cx, id).await?;
        let in_use = scoped::<tickets::Entity>(cx)
            .filter(tickets::Column::ContactId.eq(row.id))
            .count(&self.db)
            .await
            .map_err(db_err)?;
        if in_use > 0 {
            return Err(DomainError::conflict(
                "ERR_CONTACT_TICKETS_REGISTERED",
                "the contact has tickets",
            ));
        }
        delete_scoped::<contacts::Entity>(cx)
            .filter(contacts::Column::Id.eq(row.id))
            .exec(&self.db)
            .await
            .map_err(db_err_as(
                (
                    "ERR_CONTACT_TICKETS_REGISTERED",
                    "the contact is referenced",
                ),
                (
                    "ERR_CONTACT_TICKETS_REGISTERED",
                    "the contact is referenced",
                ),
            ))?;
        Ok(())
    }

    async fn find_by_number(
        &self,
        cx: &TenantCtx,
        number: &ContactNumber,
    ) -> Result<Option<Contact>> {
        Ok(self.find_row_by_number(cx, number).await?.map(to_contact))
    }

    async fn upsert_inbound(&self, cx: &TenantCtx, inbound: InboundContact) -> Result<Contact> {
        upsert_inbound(&self.db, cx, inbound).await
    }

    async fn set_tags(&self, cx: &TenantCtx, id: ContactId, tag_ids: &[TagId]) -> Result<Vec<Tag>> {
        let contact = self.load(cx, id).await?;
        let raw: Vec<i32> = tag_ids.iter().map(|t| t.get()).collect();
        let wanted = self.check_all_in_tenant(cx, &raw, true).await?;
        let txn = self.db.begin().await.map_err(db_err)?;
        delete_scoped::<contact_tags::Entity>(cx)
            .filter(contact_tags::Column::ContactId.eq(contact.id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        let at = now();
        for tag in wanted {
            contact_tags::ActiveModel {
                tag_id: Set(tag),
                contact_id: Set(contact.id),
                tenant_id: Set(tenant_of(cx)),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(db_err)?;
        }
        txn.commit().await.map_err(db_err)?;
        self.tags(cx, id).await
    }

    async fn tags(&self, cx: &TenantCtx, id: ContactId) -> Result<Vec<Tag>> {
        let contact = self.load(cx, id).await?;
        let links = scoped::<contact_tags::Entity>(cx)
            .filter(contact_tags::Column::ContactId.eq(contact.id))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let ids: Vec<i32> = links.iter().map(|l| l.tag_id).collect();
        scoped::<tags::Entity>(cx)
            .filter(tags::Column::Id.is_in(ids))
            .order_by_asc(tags::Column::Tag)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_tag)
            .collect()
    }

    async fn set_wallets(
        &self,
        cx: &TenantCtx,
        id: ContactId,
        user_ids: &[UserId],
    ) -> Result<Vec<UserId>> {
        let contact = self.load(cx, id).await?;
        let raw: Vec<i32> = user_ids.iter().map(|u| u.get()).collect();
        let wanted = self.check_all_in_tenant(cx, &raw, false).await?;
        let txn = self.db.begin().await.map_err(db_err)?;
        delete_scoped::<contact_wallets::Entity>(cx)
            .filter(contact_wallets::Column::ContactId.eq(contact.id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        let at = now();
        for user in wanted {
            contact_wallets::ActiveModel {
                wallet_id: Set(user),
                contact_id: Set(contact.id),
                tenant_id: Set(tenant_of(cx)),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(db_err)?;
        }
        txn.commit().await.map_err(db_err)?;
        self.wallets(cx, id).await
    }

    async fn wallets(&self, cx: &TenantCtx, id: ContactId) -> Result<Vec<UserId>> {
        let contact = self.load(cx, id).await?;
        Ok(scoped::<contact_wallets::Entity>(cx)
            .filter(contact_wallets::Column::ContactId.eq(contact.id))
            .order_by_asc(contact_wallets::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|w| UserId::new(w.wallet_id))
            .collect())
    }

    async fn set_custom_fields(
        &self,
        cx: &TenantCtx,
        id: ContactId,
        fields: Vec<CustomFieldInput>,
    ) -> Result<Vec<CustomField>> {
        for f in &fields {
            f.validate()?;
        }
        let contact = self.load(cx, id).await?;
        let existing = unscoped_children::<contact_custom_fields::Entity>()
            .filter(contact_custom_fields::Column::ContactId.eq(contact.id))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        // An id must name a field of this very contact (reference defect X-16).
        for f in &fields {
            if let Some(fid) = f.id
                && !existing.iter().any(|e| e.id == fid.get())
            {
                return Err(DomainError::not_found(
                    "custom field",
                    "ERR_NO_CUSTOM_FIELD_FOUND",
                ));
            }
        }
        let keep: Vec<i32> = fields
            .iter()
            .filter_map(|f| f.id.map(CustomFieldId::get))
            .collect();
        let txn = self.db.begin().await.map_err(db_err)?;
        unscoped_children_delete::<contact_custom_fields::Entity>()
            .filter(contact_custom_fields::Column::ContactId.eq(contact.id))
            .filter(contact_custom_fields::Column::Id.is_not_in(keep))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        let at = now();
        for f in fields {
            match f
                .id
                .and_then(|fid| existing.iter().find(|e| e.id == fid.get()))
            {
                Some(row) => {
                    let mut am: contact_custom_fields::ActiveModel = row.clone().into();
                    am.name = Set(f.name);
                    am.value = Set(f.value);
                    am.updated_at = Set(at);
                    am.update(&txn).await.map_err(db_err)?;
                }
                None => {
                    contact_custom_fields::ActiveModel {
                        name: Set(f.name),
                        value: Set(f.value),
                        contact_id: Set(contact.id),
                        created_at: Set(at),
                        updated_at: Set(at),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await
                    .map_err(db_err)?;
                }
            }
        }
        txn.commit().await.map_err(db_err)?;
        self.custom_fields(cx, id).await
    }

    async fn custom_fields(&self, cx: &TenantCtx, id: ContactId) -> Result<Vec<CustomField>> {
        let contact = self.load(cx, id).await?;
        Ok(unscoped_children::<contact_custom_fields::Entity>()
            .filter(contact_custom_fields::Column::ContactId.eq(contact.id))
            .order_by_asc(contact_custom_fields::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_custom_field)
            .collect())
    }

    async fn query(&self, cx: &TenantCtx, query: &ContactQuery) -> Result<Page<Contact>> {
        contacts_query::query(&self.db, cx, query).await
    }

    async fn get_many(&self, cx: &TenantCtx, ids: &[ContactId]) -> Result<Vec<Contact>> {
        contacts_query::get_many(&self.db, cx, ids).await
    }

    async fn tags_of_many(
        &self,
        cx: &TenantCtx,
        ids: &[ContactId],
    ) -> Result<Vec<(ContactId, Tag)>> {
        contacts_query::tags_of_many(&self.db, cx, ids).await
    }

    async fn count_created_between(
        &self,
        cx: &TenantCtx,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<u64> {
        contacts_query::count_created_between(&self.db, cx, from, to).await
    }
}

/// `ContactStore::find_by_number` on any connection: the row with the number, trying its
/// Brazilian variants.
pub(crate) async fn find_row_by_number<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    number: &ContactNumber,
) -> Result<Option<contacts::Model>> {
    let variants = lookup_variants(number);
    let rows = scoped::<contacts::Entity>(cx)
        .filter(contacts::Column::Number.is_in(variants.clone()))
        .all(db)
        .await
        .map_err(db_err)?;
    // Prefer the exact form, then the order of the variants.
    Ok(variants.iter().find_map(|v| {
        rows.iter()
            .find(|r| r.number.as_deref() == Some(v.as_str()))
            .cloned()
    }))
}

/// `ContactStore::upsert_inbound` on any connection (a transaction too).
pub(crate) async fn upsert_inbound<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    cx: &TenantCtx,
    inbound: InboundContact,
) -> Result<Contact> {
    inbound.validate()?;
    // Two attempts: a concurrent insert of the same number makes ours fail on the unique
    // index, after which the row is found.
    for _ in 0..2 {
        if let Some(row) = find_row_by_number(db, cx, &inbound.number).await? {
            let changed = (inbound.pushname.is_some() && inbound.pushname != row.pushname)
                || (inbound.profile_pic_url.is_some()
                    && inbound.profile_pic_url != row.profile_pic_url)
                || (inbound.is_user.is_some() && inbound.is_user != row.is_user)
                || (inbound.is_wa_contact.is_some() && inbound.is_wa_contact != row.is_wa_contact);
            if !changed {
                return Ok(to_contact(row));
            }
            let mut am: contacts::ActiveModel = row.into();
            if inbound.pushname.is_some() {
                am.pushname = Set(inbound.pushname.clone());
            }
            if inbound.profile_pic_url.is_some() {
                am.profile_pic_url = Set(inbound.profile_pic_url.clone());
            }
            if inbound.is_user.is_some() {
                am.is_user = Set(inbound.is_user);
            }
            if inbound.is_wa_contact.is_some() {
                am.is_wa_contact = Set(inbound.is_wa_contact);
            }
            am.updated_at = Set(now());
            return Ok(to_contact(am.update(db).await.map_err(db_err)?));
        }
        let name = inbound
            .name
            .clone()
            .or_else(|| inbound.pushname.clone())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| inbound.number.as_str().to_owned());
        let at = now();
        let am = contacts::ActiveModel {
            name: Set(name),
            number: Set(Some(stored_number(&inbound.number))),
            is_group: Set(inbound.number.is_group()),
            pushname: Set(inbound.pushname.clone()),
            profile_pic_url: Set(inbound.profile_pic_url.clone()),
            is_user: Set(inbound.is_user),
            is_wa_contact: Set(inbound.is_wa_contact),
            tenant_id: Set(tenant_of(cx)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        // Losing the race to a concurrent insert of the same number inserts nothing (and
        // leaves a surrounding transaction usable); the next attempt finds that row.
        let insert = contacts::Entity::insert(am).on_conflict(
            OnConflict::columns([contacts::Column::Number, contacts::Column::TenantId])
                .do_nothing()
                .to_owned(),
        );
        if let Some(row) = insert_unless_conflict(insert, db).await? {
            return Ok(to_contact(row));
        }
    }
    Err(DomainError::Unavailable(
        "contact upsert kept losing races".into(),
    ))
}
