//! `StepsReply`: Legacy auto-reply step; scoped through its AutoReply.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "StepsReply")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub reply: String,
    #[sea_orm(column_name = "idAutoReply")]
    pub id_auto_reply: Option<i32>,
    #[sea_orm(column_name = "initialStep")]
    pub initial_step: Option<bool>,
    #[sea_orm(column_name = "userId")]
    pub user_id: Option<i32>,
    #[sea_orm(column_name = "createdAt")]
    pub created_at: DateTimeUtc,
    #[sea_orm(column_name = "updatedAt")]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::auto_reply::Entity",
        from = "Column::IdAutoReply",
        to = "super::auto_reply::Column::Id"
    )]
    AutoReply,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id"
    )]
    User,
}

impl Related<super::auto_reply::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AutoReply.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
