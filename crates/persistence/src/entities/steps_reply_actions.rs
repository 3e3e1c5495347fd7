//! `StepsReplyActions`: Legacy auto-reply step action; scoped through its StepsReply.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "StepsReplyActions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_name = "stepReplyId")]
    pub step_reply_id: Option<i32>,
    pub words: String,
    pub action: i32,
    #[sea_orm(column_name = "replyDefinition")]
    pub reply_definition: Option<String>,
    #[sea_orm(column_name = "nextStepId")]
    pub next_step_id: Option<i32>,
    #[sea_orm(column_name = "queueId")]
    pub queue_id: Option<i32>,
    #[sea_orm(column_name = "userIdDestination")]
    pub user_id_destination: Option<i32>,
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
        belongs_to = "super::steps_reply::Entity",
        from = "Column::StepReplyId",
        to = "super::steps_reply::Column::Id"
    )]
    StepReply,
    #[sea_orm(
        belongs_to = "super::steps_reply::Entity",
        from = "Column::NextStepId",
        to = "super::steps_reply::Column::Id"
    )]
    NextStep,
    #[sea_orm(
        belongs_to = "super::queues::Entity",
        from = "Column::QueueId",
        to = "super::queues::Column::Id"
    )]
    Queue,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id"
    )]
    User,
}

impl Related<super::queues::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Queue.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
