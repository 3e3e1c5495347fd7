//! `Tickets`: A conversation with a contact on one channel. `lastMessageAt`, `startedAttendanceAt`
//! and `closedAt` are epoch milliseconds.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "Tickets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub status: String,
    #[sea_orm(column_name = "lastMessage", column_type = "Text")]
    pub last_message: Option<String>,
    #[sea_orm(column_name = "contactId")]
    pub contact_id: Option<i32>,
    #[sea_orm(column_name = "userId")]
    pub user_id: Option<i32>,
    #[sea_orm(column_name = "whatsappId")]
    pub whatsapp_id: Option<i32>,
    #[sea_orm(column_name = "isGroup")]
    pub is_group: bool,
    #[sea_orm(column_name = "autoReplyId")]
    pub auto_reply_id: Option<i32>,
    #[sea_orm(column_name = "stepAutoReplyId")]
    pub step_auto_reply_id: Option<i32>,
    #[sea_orm(column_name = "queueId")]
    pub queue_id: Option<i32>,
    #[sea_orm(column_name = "tenantId")]
    pub tenant_id: i32,
    #[sea_orm(column_name = "unreadMessages")]
    pub unread_messages: Option<i32>,
    pub answered: Option<bool>,
    pub channel: Option<String>,
    #[sea_orm(column_name = "chatFlowId")]
    pub chat_flow_id: Option<i32>,
    #[sea_orm(column_name = "stepChatFlow")]
    pub step_chat_flow: Option<String>,
    #[sea_orm(column_name = "lastMessageAt")]
    pub last_message_at: Option<i64>,
    #[sea_orm(column_name = "startedAttendanceAt")]
    pub started_attendance_at: Option<i64>,
    #[sea_orm(column_name = "closedAt")]
    pub closed_at: Option<i64>,
    #[sea_orm(column_name = "isActiveDemand")]
    pub is_active_demand: bool,
    #[sea_orm(column_name = "lastInteractionBot")]
    pub last_interaction_bot: Option<DateTimeUtc>,
    #[sea_orm(column_name = "botRetries")]
    pub bot_retries: i32,
    #[sea_orm(column_name = "apiConfig", column_type = "JsonBinary")]
    pub api_config: Option<Json>,
    #[sea_orm(column_name = "isFarewellMessage")]
    pub is_farewell_message: bool,
    #[sea_orm(column_name = "attendanceCount")]
    pub attendance_count: Option<i32>,
    #[sea_orm(column_name = "createdAt")]
    pub created_at: DateTimeUtc,
    #[sea_orm(column_name = "updatedAt")]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::contacts::Entity",
        from = "Column::ContactId",
        to = "super::contacts::Column::Id"
    )]
    Contact,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id"
    )]
    User,
    #[sea_orm(
        belongs_to = "super::whatsapps::Entity",
        from = "Column::WhatsappId",
        to = "super::whatsapps::Column::Id"
    )]
    Whatsapp,
    #[sea_orm(
        belongs_to = "super::queues::Entity",
        from = "Column::QueueId",
        to = "super::queues::Column::Id"
    )]
    Queue,
    #[sea_orm(has_many = "super::messages::Entity")]
    Messages,
    #[sea_orm(has_many = "super::log_tickets::Entity")]
    LogTickets,
    #[sea_orm(has_many = "super::protocols::Entity")]
    Protocols,
}

impl Related<super::contacts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contact.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::whatsapps::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Whatsapp.def()
    }
}

impl Related<super::queues::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Queue.def()
    }
}

impl Related<super::messages::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Messages.def()
    }
}

impl Related<super::log_tickets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LogTickets.def()
    }
}

impl Related<super::protocols::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Protocols.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
