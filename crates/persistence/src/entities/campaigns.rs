//! `Campaigns`: A bulk-message campaign.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "Campaigns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub start: DateTimeUtc,
    pub end: Option<DateTimeUtc>,
    pub status: String,
    #[sea_orm(column_name = "sessionId")]
    pub session_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub message1: String,
    #[sea_orm(column_type = "Text")]
    pub message2: String,
    #[sea_orm(column_type = "Text")]
    pub message3: String,
    #[sea_orm(column_name = "mediaUrl")]
    pub media_url: Option<String>,
    #[sea_orm(column_name = "mediaType")]
    pub media_type: Option<String>,
    #[sea_orm(column_name = "mediaUrl2")]
    pub media_url2: Option<String>,
    #[sea_orm(column_name = "mediaType2")]
    pub media_type2: Option<String>,
    #[sea_orm(column_name = "mediaUrl3")]
    pub media_url3: Option<String>,
    #[sea_orm(column_name = "mediaType3")]
    pub media_type3: Option<String>,
    #[sea_orm(column_name = "userId")]
    pub user_id: Option<i32>,
    #[sea_orm(column_name = "tenantId")]
    pub tenant_id: i32,
    pub delay: i32,
    #[sea_orm(column_name = "totalMessages")]
    pub total_messages: Option<i32>,
    #[sea_orm(column_name = "sentMessages")]
    pub sent_messages: Option<i32>,
    #[sea_orm(column_name = "failedMessages")]
    pub failed_messages: Option<i32>,
    #[sea_orm(column_name = "createdAt")]
    pub created_at: DateTimeUtc,
    #[sea_orm(column_name = "updatedAt")]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::whatsapps::Entity",
        from = "Column::SessionId",
        to = "super::whatsapps::Column::Id"
    )]
    Whatsapp,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id"
    )]
    User,
    #[sea_orm(has_many = "super::campaign_contacts::Entity")]
    CampaignContacts,
}

impl Related<super::whatsapps::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Whatsapp.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::campaign_contacts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CampaignContacts.def()
    }
}

impl Related<super::contacts::Entity> for Entity {
    fn to() -> RelationDef {
        super::campaign_contacts::Relation::Contact.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::campaign_contacts::Relation::Campaign.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
