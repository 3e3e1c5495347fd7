//! `TicketCounters`: tickets per (tenant, status, queue, agent, group), kept by database
//! triggers on `Tickets` (migration 17). Read-only for the application. `queueId` and `userId`
//! hold 0 for "none".

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "TicketCounters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "tenantId")]
    pub tenant_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub status: String,
    #[sea_orm(primary_key, auto_increment = false, column_name = "queueId")]
    pub queue_id: i32,
    #[sea_orm(primary_key, auto_increment = false, column_name = "userId")]
    pub user_id: i32,
    #[sea_orm(primary_key, auto_increment = false, column_name = "isGroup")]
    pub is_group: bool,
    pub count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
