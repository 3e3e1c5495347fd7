//! `Users`: An agent / admin of a tenant. `email` is unique globally (login is by e-mail).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "Users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub email: String,
    #[sea_orm(column_name = "passwordHash")]
    pub password_hash: String,
    pub profile: String,
    #[sea_orm(column_name = "tokenVersion")]
    pub token_version: i32,
    #[sea_orm(column_name = "tenantId")]
    pub tenant_id: i32,
    #[sea_orm(column_name = "isOnline")]
    pub is_online: Option<bool>,
    #[sea_orm(column_name = "lastLogin")]
    pub last_login: Option<DateTimeUtc>,
    #[sea_orm(column_name = "lastLogout")]
    pub last_logout: Option<DateTimeUtc>,
    #[sea_orm(column_name = "lastOnline")]
    pub last_online: Option<DateTimeUtc>,
    pub configs: Option<Json>,
    pub status: String,
    #[sea_orm(column_name = "createdAt")]
    pub created_at: DateTimeUtc,
    #[sea_orm(column_name = "updatedAt")]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::users_queues::Entity")]
    UsersQueues,
    #[sea_orm(has_many = "super::contact_wallets::Entity")]
    ContactWallets,
    #[sea_orm(has_many = "super::tickets::Entity")]
    Tickets,
}

impl Related<super::users_queues::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UsersQueues.def()
    }
}

impl Related<super::contact_wallets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ContactWallets.def()
    }
}

impl Related<super::tickets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tickets.def()
    }
}

impl Related<super::queues::Entity> for Entity {
    fn to() -> RelationDef {
        super::users_queues::Relation::Queue.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::users_queues::Relation::User.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
