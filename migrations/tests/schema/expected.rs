//! The schema the migrations must produce, transcribed from the reference data model
//! (`data-model.md` §2–§4) independently of the migration code.

/// Every table with its columns in order.
pub const TABLES: &[(&str, &str)] = &[
    (
        "Tenants",
        "id status ownerId createdAt updatedAt name businessHours messageBusinessHours maxUsers maxConnections",
    ),
    (
        "Users",
        "id name email passwordHash profile tokenVersion tenantId isOnline lastLogin lastLogout lastOnline configs status createdAt updatedAt",
    ),
    (
        "Queues",
        "id queue userId isActive tenantId createdAt updatedAt",
    ),
    ("UsersQueues", "id queueId userId createdAt updatedAt"),
    (
        "Contacts",
        "id name number profilePicUrl email isGroup tenantId pushname isUser isWAContact telegramId instagramPK messengerId createdAt updatedAt",
    ),
    (
        "ContactCustomFields",
        "id name value contactId createdAt updatedAt",
    ),
    (
        "ContactWallets",
        "id walletId contactId tenantId createdAt updatedAt",
    ),
    ("Settings", "id key value tenantId createdAt updatedAt"),
    (
        "Tags",
        "id tag color isActive autoTag userId tenantId createdAt updatedAt",
    ),
    (
        "ContactTags",
        "id tagId contactId tenantId createdAt updatedAt",
    ),
    (
        "FastReply",
        "id key message medias userId tenantId createdAt updatedAt",
    ),
    (
        "ChatFlow",
        "id name flow isActive isDeleted celularTeste userId tenantId createdAt updatedAt",
    ),
    (
        "Whatsapps",
        "id session qrcode status battery plugged name isDefault retries tenantId number phone isDeleted tokenTelegram type instagramUser instagramKey tokenAPI wabaBSP tokenHook isActive fbObject fbPageId farewellMessage chatFlowId profilePicUrl createdAt updatedAt",
    ),
    (
        "Tickets",
        "id status lastMessage contactId userId whatsappId isGroup autoReplyId stepAutoReplyId queueId tenantId unreadMessages answered channel chatFlowId stepChatFlow lastMessageAt startedAttendanceAt closedAt isActiveDemand lastInteractionBot botRetries apiConfig isFarewellMessage attendanceCount createdAt updatedAt",
    ),
    (
        "Messages",
        "id messageId body ack read fromMe mediaType mediaUrl ticketId contactId quotedMsgId timestamp userId scheduleDate sendType status wabaMediaId tenantId idFront pollData protocolNumber edited isDeleted createdAt updatedAt sendError",
    ),
    (
        "Campaigns",
        "id name start end status sessionId message1 message2 message3 mediaUrl mediaType mediaUrl2 mediaType2 mediaUrl3 mediaType3 userId tenantId delay totalMessages sentMessages failedMessages createdAt updatedAt",
    ),
    (
        "CampaignContacts",
        "id campaignId contactId messageRandom body mediaName messageId jobId ack timestamp createdAt updatedAt",
    ),
    (
        "ApiConfigs",
        "id name sessionId isActive token authToken urlServiceStatus urlMessageStatus userId tenantId createdAt updatedAt",
    ),
    (
        "ApiMessages",
        "id messageId externalKey body ack number mediaName mediaUrl timestamp sessionId tenantId messageWA apiConfig createdAt updatedAt",
    ),
    (
        "LogTickets",
        "id ticketId userId queueId type createdAt updatedAt",
    ),
    (
        "Protocols",
        "id protocolNumber status contactId tenantId ticketId userId userName createdAt",
    ),
    (
        "AutoReply",
        "id name action isActive celularTeste userId tenantId createdAt updatedAt",
    ),
    (
        "StepsReply",
        "id reply idAutoReply initialStep userId createdAt updatedAt",
    ),
    (
        "StepsReplyActions",
        "id stepReplyId words action replyDefinition nextStepId queueId userIdDestination userId createdAt updatedAt",
    ),
    (
        "AutoReplyLogs",
        "id autoReplyId autoReplyName stepsReplyMessage wordsReply stepsReplyId contactId ticketId createdAt updatedAt",
    ),
    (
        "MessagesOffLine",
        "id body ack read fromMe isDeleted mediaType mediaUrl ticketId contactId userId quotedMsgId createdAt updatedAt",
    ),
    (
        "UserMessagesLog",
        "id messageId userId ticketId createdAt updatedAt",
    ),
    ("SeedsMeta", "name appliedAt"),
    ("Leases", "name holder expiresAt"),
    // Derived: kept by triggers on Tickets (migration 17).
    (
        "TicketCounters",
        "tenantId status queueId userId isGroup count",
    ),
];

/// Every foreign key: (table, column, referenced table, ON DELETE). All reference `id` and are
/// `ON UPDATE CASCADE`.
pub const FOREIGN_KEYS: &[(&str, &str, &str, &str)] = &[
    ("Tenants", "ownerId", "Users", "RESTRICT"),
    ("Users", "tenantId", "Tenants", "RESTRICT"),
    ("Queues", "userId", "Users", "SET NULL"),
    ("Queues", "tenantId", "Tenants", "RESTRICT"),
    ("UsersQueues", "queueId", "Queues", "CASCADE"),
    ("UsersQueues", "userId", "Users", "CASCADE"),
    ("Contacts", "tenantId", "Tenants", "RESTRICT"),
    ("ContactCustomFields", "contactId", "Contacts", "CASCADE"),
    ("ContactWallets", "walletId", "Users", "CASCADE"),
    ("ContactWallets", "contactId", "Contacts", "CASCADE"),
    ("ContactWallets", "tenantId", "Tenants", "CASCADE"),
    ("Settings", "tenantId", "Tenants", "RESTRICT"),
    ("Tags", "userId", "Users", "SET NULL"),
    ("Tags", "tenantId", "Tenants", "CASCADE"),
    ("ContactTags", "tagId", "Tags", "RESTRICT"),
    ("ContactTags", "contactId", "Contacts", "CASCADE"),
    ("ContactTags", "tenantId", "Tenants", "CASCADE"),
    ("FastReply", "userId", "Users", "SET NULL"),
    ("FastReply", "tenantId", "Tenants", "CASCADE"),
    ("ChatFlow", "userId", "Users", "CASCADE"),
    ("ChatFlow", "tenantId", "Tenants", "RESTRICT"),
    ("Whatsapps", "tenantId", "Tenants", "RESTRICT"),
    ("Whatsapps", "chatFlowId", "ChatFlow", "SET NULL"),
    ("Tickets", "contactId", "Contacts", "CASCADE"),
    ("Tickets", "userId", "Users", "SET NULL"),
    ("Tickets", "whatsappId", "Whatsapps", "SET NULL"),
    ("Tickets", "queueId", "Queues", "RESTRICT"),
    ("Tickets", "tenantId", "Tenants", "RESTRICT"),
    ("Messages", "ticketId", "Tickets", "CASCADE"),
    ("Messages", "contactId", "Contacts", "CASCADE"),
    ("Messages", "userId", "Users", "SET NULL"),
    ("Messages", "tenantId", "Tenants", "RESTRICT"),
    ("Campaigns", "sessionId", "Whatsapps", "SET NULL"),
    ("Campaigns", "userId", "Users", "SET NULL"),
    ("Campaigns", "tenantId", "Tenants", "CASCADE"),
    ("CampaignContacts", "campaignId", "Campaigns", "CASCADE"),
    ("CampaignContacts", "contactId", "Contacts", "CASCADE"),
    ("ApiConfigs", "sessionId", "Whatsapps", "SET NULL"),
    ("ApiConfigs", "userId", "Users", "SET NULL"),
    ("ApiConfigs", "tenantId", "Tenants", "CASCADE"),
    ("ApiMessages", "sessionId", "Whatsapps", "SET NULL"),
    ("ApiMessages", "tenantId", "Tenants", "CASCADE"),
    ("LogTickets", "ticketId", "Tickets", "CASCADE"),
    ("LogTickets", "userId", "Users", "CASCADE"),
    ("LogTickets", "queueId", "Queues", "CASCADE"),
    ("Protocols", "contactId", "Contacts", "CASCADE"),
    ("Protocols", "tenantId", "Tenants", "CASCADE"),
    ("Protocols", "ticketId", "Tickets", "CASCADE"),
    ("Protocols", "userId", "Users", "SET NULL"),
    ("AutoReply", "userId", "Users", "SET NULL"),
    ("AutoReply", "tenantId", "Tenants", "RESTRICT"),
    ("StepsReply", "idAutoReply", "AutoReply", "CASCADE"),
    ("StepsReply", "userId", "Users", "SET NULL"),
    ("StepsReplyActions", "stepReplyId", "StepsReply", "CASCADE"),
    ("StepsReplyActions", "nextStepId", "StepsReply", "CASCADE"),
    ("StepsReplyActions", "queueId", "Queues", "RESTRICT"),
    ("StepsReplyActions", "userId", "Users", "SET NULL"),
    ("AutoReplyLogs", "contactId", "Contacts", "RESTRICT"),
    ("AutoReplyLogs", "ticketId", "Tickets", "RESTRICT"),
    ("MessagesOffLine", "ticketId", "Tickets", "CASCADE"),
    ("MessagesOffLine", "contactId", "Contacts", "CASCADE"),
    ("MessagesOffLine", "userId", "Users", "SET NULL"),
    ("MessagesOffLine", "quotedMsgId", "Messages", "SET NULL"),
    ("UserMessagesLog", "userId", "Users", "RESTRICT"),
    ("UserMessagesLog", "ticketId", "Tickets", "SET NULL"),
    ("TicketCounters", "tenantId", "Tenants", "CASCADE"),
];

/// Indexes the query paths need, beyond the per-foreign-key ones: (table, columns).
pub const QUERY_INDEXES: &[(&str, &[&str])] = &[
    (
        "Tickets",
        &["tenantId", "status", "whatsappId", "contactId"],
    ),
    ("Tickets", &["tenantId", "updatedAt"]),
    ("Messages", &["ticketId", "createdAt"]),
    // The outbox sweeper: unsent messages by age (partial: `messageId IS NULL`).
    ("Messages", &["createdAt"]),
];

/// Unique keys, full or partial: (table, columns, partial).
pub const UNIQUE_KEYS: &[(&str, &[&str], bool)] = &[
    ("Users", &["email"], false),
    ("UsersQueues", &["userId", "queueId"], false),
    ("Contacts", &["number", "tenantId"], false),
    ("ContactWallets", &["contactId", "walletId"], false),
    ("Settings", &["tenantId", "key"], false),
    ("Tags", &["tag", "tenantId"], false),
    ("ContactTags", &["contactId", "tagId"], false),
    ("Whatsapps", &["tenantId", "name"], false),
    ("Whatsapps", &["tenantId"], true),
    ("Tickets", &["tenantId", "whatsappId", "contactId"], true),
    ("Messages", &["tenantId", "messageId"], true),
    ("CampaignContacts", &["campaignId", "contactId"], false),
];

/// The bookkeeping table of sea-orm-migration.
pub const MIGRATIONS_TABLE: &str = "seaql_migrations";
