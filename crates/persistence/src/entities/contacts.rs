//! `Contacts`: A customer (or a group chat) of a tenant. Unique (number, tenantId).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "Contacts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub number: Option<String>,
    #[sea_orm(column_name = "profilePicUrl", column_type = "Text")]
    pub profile_pic_url: Option<String>,
    pub email: Option<String>,
    #[sea_orm(column_name = "isGroup")]
    pub is_group: bool,
    #[sea_orm(column_name = "tenantId")]
    pub tenant_id: i32,
    pub pushname: Option<String>,
    #[sea_orm(column_name = "isUser")]
    pub is_user: Option<bool>,
    #[sea_orm(column_name = "isWAContact")]
    pub is_wa_contact: Option<bool>,
    #[sea_orm(column_name = "telegramId")]
    pub telegram_id: Option<i64>,
    #[sea_orm(column_name = "instagramPK")]
    pub instagram_pk: Option<i64>,
    #[sea_orm(column_name = "messengerId", column_type = "Text")]
    pub messenger_id: Option<String>,
    #[sea_orm(column_name = "createdAt")]
    pub created_at: DateTimeUtc,
    #[sea_orm(column_name = "updatedAt")]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::tickets::Entity")]
    Tickets,
    #[sea_orm(has_many = "super::messages::Entity")]
    Messages,
    #[sea_orm(has_many = "super::contact_tags::Entity")]
    ContactTags,
    #[sea_orm(has_many = "super::contact_wallets::Entity")]
    ContactWallets,
    #[sea_orm(has_many = "super::contact_custom_fields::Entity")]
    ContactCustomFields,
    #[sea_orm(has_many = "super::campaign_contacts::Entity")]
    CampaignContacts,
}

impl Related<super::tickets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tickets.def()
    }
}

impl Related<super::messages::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Messages.def()
    }
}

impl Related<super::contact_tags::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ContactTags.def()
    }
}

impl Related<super::contact_wallets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ContactWallets.def()
    }
}

impl Related<super::contact_custom_fields::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ContactCustomFields.def()
    }
}

impl Related<super::campaign_contacts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CampaignContacts.def()
    }
}

impl Related<super::tags::Entity> for Entity {
    fn to() -> RelationDef {
        super::contact_tags::Relation::Tag.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::contact_tags::Relation::Contact.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
