//! `Tenants`: A tenant (company). Global table: it *is* the tenant.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "Tenants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub status: String,
    #[sea_orm(column_name = "ownerId")]
    pub owner_id: Option<i32>,
    #[sea_orm(column_name = "createdAt")]
    pub created_at: DateTimeUtc,
    #[sea_orm(column_name = "updatedAt")]
    pub updated_at: DateTimeUtc,
    pub name: String,
    #[sea_orm(column_name = "businessHours", column_type = "JsonBinary")]
    pub business_hours: Option<Json>,
    #[sea_orm(column_name = "messageBusinessHours", column_type = "Text")]
    pub message_business_hours: Option<String>,
    #[sea_orm(column_name = "maxUsers")]
    pub max_users: i32,
    #[sea_orm(column_name = "maxConnections")]
    pub max_connections: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
