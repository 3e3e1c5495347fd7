//! `Messages`: A message of a ticket. `id` is an application-generated UUID v4 string; `messageId` is
//! the provider id (NULL = not sent yet). `timestamp` mixes seconds and milliseconds (reference §1).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "Messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(column_name = "messageId")]
    pub message_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub ack: i32,
    pub read: bool,
    #[sea_orm(column_name = "fromMe")]
    pub from_me: bool,
    #[sea_orm(column_name = "mediaType")]
    pub media_type: Option<String>,
    #[sea_orm(column_name = "mediaUrl")]
    pub media_url: Option<String>,
    #[sea_orm(column_name = "ticketId")]
    pub ticket_id: i32,
    #[sea_orm(column_name = "contactId")]
    pub contact_id: Option<i32>,
    #[sea_orm(column_name = "quotedMsgId")]
    pub quoted_msg_id: Option<String>,
    pub timestamp: Option<i64>,
    #[sea_orm(column_name = "userId")]
    pub user_id: Option<i32>,
    #[sea_orm(column_name = "scheduleDate")]
    pub schedule_date: Option<DateTimeUtc>,
    #[sea_orm(column_name = "sendType")]
    pub send_type: Option<String>,
    pub status: Option<String>,
    #[sea_orm(column_name = "wabaMediaId", column_type = "Text")]
    pub waba_media_id: Option<String>,
    #[sea_orm(column_name = "tenantId")]
    pub tenant_id: i32,
    #[sea_orm(column_name = "idFront")]
    pub id_front: Option<String>,
    #[sea_orm(column_name = "pollData", column_type = "JsonBinary")]
    pub poll_data: Option<Json>,
    #[sea_orm(column_name = "protocolNumber")]
    pub protocol_number: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub edited: Option<String>,
    #[sea_orm(column_name = "isDeleted")]
    pub is_deleted: bool,
    #[sea_orm(column_name = "createdAt")]
    pub created_at: DateTimeUtc,
    #[sea_orm(column_name = "updatedAt")]
    pub updated_at: DateTimeUtc,
    #[sea_orm(column_name = "sendError")]
    pub send_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::tickets::Entity",
        from = "Column::TicketId",
        to = "super::tickets::Column::Id"
    )]
    Ticket,
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
}

impl Related<super::tickets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Ticket.def()
    }
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

impl ActiveModelBehavior for ActiveModel {}
