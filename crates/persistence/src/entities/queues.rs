//! `Queues`: A department queue of a tenant.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "Queues")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub queue: String,
    #[sea_orm(column_name = "userId")]
    pub user_id: Option<i32>,
    #[sea_orm(column_name = "isActive")]
    pub is_active: bool,
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
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id"
    )]
    User,
    #[sea_orm(has_many = "super::users_queues::Entity")]
    UsersQueues,
    #[sea_orm(has_many = "super::tickets::Entity")]
    Tickets,
}

impl Related<super::users_queues::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UsersQueues.def()
    }
}

impl Related<super::tickets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tickets.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        super::users_queues::Relation::User.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::users_queues::Relation::Queue.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
