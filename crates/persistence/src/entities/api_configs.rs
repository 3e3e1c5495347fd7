//! `ApiConfigs`: External-API credentials of a tenant.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ApiConfigs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    #[sea_orm(column_name = "sessionId")]
    pub session_id: Option<i32>,
    #[sea_orm(column_name = "isActive")]
    pub is_active: bool,
    pub token: Option<String>,
    #[sea_orm(column_name = "authToken", column_type = "Text")]
    pub auth_token: Option<String>,
    #[sea_orm(column_name = "urlServiceStatus", column_type = "Text")]
    pub url_service_status: Option<String>,
    #[sea_orm(column_name = "urlMessageStatus", column_type = "Text")]
    pub url_message_status: Option<String>,
    #[sea_orm(column_name = "userId")]
    pub user_id: Option<i32>,
    #[sea_orm(column_name = "tenantId")]
    pub tenant_id: i32,
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

impl ActiveModelBehavior for ActiveModel {}
