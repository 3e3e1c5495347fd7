//! `CampaignContacts`: A contact of a campaign and the state of its send; scoped through the campaign.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "CampaignContacts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_name = "campaignId")]
    pub campaign_id: i32,
    #[sea_orm(column_name = "contactId")]
    pub contact_id: Option<i32>,
    #[sea_orm(column_name = "messageRandom")]
    pub message_random: String,
    #[sea_orm(column_type = "Text")]
    pub body: Option<String>,
    #[sea_orm(column_name = "mediaName")]
    pub media_name: Option<String>,
    #[sea_orm(column_name = "messageId")]
    pub message_id: Option<String>,
    #[sea_orm(column_name = "jobId")]
    pub job_id: Option<String>,
    pub ack: i32,
    pub timestamp: Option<i32>,
    #[sea_orm(column_name = "createdAt")]
    pub created_at: DateTimeUtc,
    #[sea_orm(column_name = "updatedAt")]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::campaigns::Entity",
        from = "Column::CampaignId",
        to = "super::campaigns::Column::Id"
    )]
    Campaign,
    #[sea_orm(
        belongs_to = "super::contacts::Entity",
        from = "Column::ContactId",
        to = "super::contacts::Column::Id"
    )]
    Contact,
}

impl Related<super::campaigns::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Campaign.def()
    }
}

impl Related<super::contacts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contact.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
