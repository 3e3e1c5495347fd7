//! `ApiMessages`: Log of messages sent through the external API (legacy-ish).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ApiMessages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_name = "messageId")]
    pub message_id: Option<String>,
    #[sea_orm(column_name = "externalKey")]
    pub external_key: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub ack: i32,
    pub number: String,
    #[sea_orm(column_name = "mediaName", column_type = "Text")]
    pub media_name: Option<String>,
    #[sea_orm(column_name = "mediaUrl", column_type = "Text")]
    pub media_url: Option<String>,
    pub timestamp: Option<i32>,
    #[sea_orm(column_name = "sessionId")]
    pub session_id: Option<i32>,
    #[sea_orm(column_name = "tenantId")]
    pub tenant_id: i32,
    #[sea_orm(column_name = "messageWA", column_type = "JsonBinary")]
    pub message_wa: Option<Json>,
    #[sea_orm(column_name = "apiConfig", column_type = "JsonBinary")]
    pub api_config: Option<Json>,
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
}

impl Related<super::whatsapps::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Whatsapp.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
