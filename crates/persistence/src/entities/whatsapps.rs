//! `Whatsapps`: A channel / connection of a tenant (WhatsApp Web, Telegram, Instagram, Messenger, WABA).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "Whatsapps")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_type = "Text")]
    pub session: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub qrcode: Option<String>,
    pub status: Option<String>,
    pub battery: Option<String>,
    pub plugged: Option<bool>,
    pub name: String,
    #[sea_orm(column_name = "isDefault")]
    pub is_default: bool,
    pub retries: i32,
    #[sea_orm(column_name = "tenantId")]
    pub tenant_id: i32,
    pub number: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub phone: Option<Json>,
    #[sea_orm(column_name = "isDeleted")]
    pub is_deleted: Option<bool>,
    #[sea_orm(column_name = "tokenTelegram")]
    pub token_telegram: Option<String>,
    #[sea_orm(column_name = "type")]
    pub r#type: String,
    #[sea_orm(column_name = "instagramUser")]
    pub instagram_user: Option<String>,
    #[sea_orm(column_name = "instagramKey")]
    pub instagram_key: Option<String>,
    #[sea_orm(column_name = "tokenAPI", column_type = "Text")]
    pub token_api: Option<String>,
    #[sea_orm(column_name = "wabaBSP")]
    pub waba_bsp: Option<String>,
    #[sea_orm(column_name = "tokenHook", column_type = "Text")]
    pub token_hook: Option<String>,
    #[sea_orm(column_name = "isActive")]
    pub is_active: bool,
    #[sea_orm(column_name = "fbObject", column_type = "JsonBinary")]
    pub fb_object: Option<Json>,
    #[sea_orm(column_name = "fbPageId", column_type = "Text")]
    pub fb_page_id: Option<String>,
    #[sea_orm(column_name = "farewellMessage", column_type = "Text")]
    pub farewell_message: Option<String>,
    #[sea_orm(column_name = "chatFlowId")]
    pub chat_flow_id: Option<i32>,
    #[sea_orm(column_name = "profilePicUrl", column_type = "Text")]
    pub profile_pic_url: Option<String>,
    #[sea_orm(column_name = "createdAt")]
    pub created_at: DateTimeUtc,
    #[sea_orm(column_name = "updatedAt")]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::chat_flow::Entity",
        from = "Column::ChatFlowId",
        to = "super::chat_flow::Column::Id"
    )]
    ChatFlow,
    #[sea_orm(has_many = "super::tickets::Entity")]
    Tickets,
}

impl Related<super::chat_flow::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ChatFlow.def()
    }
}

impl Related<super::tickets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tickets.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
