//! Seeds and tenant provisioning, each one database transaction.
//!
//! Seeding is tracked in `SeedsMeta`: a seed that is recorded there never runs again, so a
//! second run changes nothing. Ids come from the database's sequences (no explicit ids, so the
//! sequences stay right: reference defect S-2). Two instances seeding at once are arbitrated by
//! the `SeedsMeta` primary key, which is written first.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;
use tiktickets_domain::business_hours::{BusinessHours, DEFAULT_MESSAGE_BUSINESS_HOURS};
use tiktickets_domain::enums::{ChannelStatus, ChannelType, TenantStatus, UserProfile};
use tiktickets_domain::ids::{TenantId, UserId};
use tiktickets_domain::password::{PasswordEngine, generate_password, validate_new_password};
use tiktickets_domain::store::settings::DEFAULT_SETTINGS;
use tiktickets_domain::{DomainError, validate};

use crate::db::Db;
use crate::entities::{seeds_meta, settings, tenants, users, whatsapps};
use crate::error::{PersistenceError, is_unique_violation};
use crate::scope::unscoped_global;
use crate::stores::now;

/// The name under which the default data is recorded in `SeedsMeta`.
pub const DEFAULT_SEED: &str = "0001-default-tenant-users-settings-channels";

/// Who the seeded users are. Passwords left `None` are generated and reported once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedConfig {
    /// E-mail of the default tenant's admin.
    pub admin_email: String,
    /// Password of the admin, or `None` to generate one.
    pub admin_password: Option<String>,
    /// E-mail of the platform's super-admin.
    pub super_email: String,
    /// Password of the super-admin, or `None` to generate one.
    pub super_password: Option<String>,
}

/// A user created by a seed or by provisioning, with the password to print when it was
/// generated (it is shown once and never stored in clear).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededUser {
    /// Login e-mail.
    pub email: String,
    /// The generated password, `None` when it came from configuration.
    pub generated_password: Option<String>,
}

/// What a seed run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The seed ran now.
    Applied {
        /// The default tenant.
        tenant: TenantId,
        /// The admin and the super-admin.
        users: Vec<SeededUser>,
    },
    /// The seed was already recorded; nothing changed.
    AlreadyApplied,
}

/// A tenant created by [`provision_tenant`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionedTenant {
    /// The new tenant.
    pub tenant: TenantId,
    /// Its admin user.
    pub admin: UserId,
    /// The admin's login.
    pub admin_login: SeededUser,
}

/// Applies the default seed unless it is recorded already.
pub async fn seed(db: &Db, cfg: &SeedConfig) -> Result<SeedOutcome, PersistenceError> {
    if is_applied(db, DEFAULT_SEED).await? {
        return Ok(SeedOutcome::AlreadyApplied);
    }
    // One engine for both hashes, dropped right after: argon2's 19 MiB working memory is then
    // one mapping that goes back to the system. Two separate allocations left the second on
    // glibc's heap for good (a fresh server idled at 54 MB instead of 35 MB).
    let mut engine = PasswordEngine::new();
    let admin_password = password_or_generate(&mut engine, cfg.admin_password.as_deref())?;
    let super_password = password_or_generate(&mut engine, cfg.super_password.as_deref())?;
    drop(engine);
    let txn = db.conn.begin().await.map_err(PersistenceError::query)?;
    let at = now();
    let marked = seeds_meta::ActiveModel {
        name: Set(DEFAULT_SEED.to_owned()),
        applied_at: Set(at),
    }
    .insert(&txn)
    .await;
    match marked {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(SeedOutcome::AlreadyApplied),
        Err(e) => return Err(PersistenceError::query(e)),
    }
    let tenant = insert_tenant(&txn, "Empresa 01", 99, 99).await?;
    insert_default_settings(&txn, tenant).await?;
    for (name, kind, is_default) in [
        ("Whatsapp 01", ChannelType::Whatsapp, true),
        ("Instagram 01", ChannelType::Instagram, false),
        ("Telegram 01", ChannelType::Telegram, false),
    ] {
        insert_channel(&txn, tenant, name, kind, is_default).await?;
    }
    insert_user(
        &txn,
        tenant,
        "Administrador",
        &cfg.admin_email,
        &admin_password.0,
        UserProfile::Admin,
    )
    .await?;
    insert_user(
        &txn,
        tenant,
        "Super",
        &cfg.super_email,
        &super_password.0,
        UserProfile::Super,
    )
    .await?;
    txn.commit().await.map_err(PersistenceError::query)?;
    Ok(SeedOutcome::Applied {
        tenant,
        users: vec![
            SeededUser {
                email: cfg.admin_email.to_lowercase(),
                generated_password: admin_password.1,
            },
            SeededUser {
                email: cfg.super_email.to_lowercase(),
                generated_password: super_password.1,
            },
        ],
    })
}

/// Creates a tenant with its default settings and its admin user (rule TN-1), in one
/// transaction. A used e-mail is `ERR_EMAIL_ALREADY_EXISTS` and nothing is written.
pub async fn provision_tenant(
    db: &Db,
    name: &str,
    admin_email: &str,
    admin_password: Option<&str>,
) -> Result<ProvisionedTenant, PersistenceError> {
    validate::length("name", name, 2, validate::VARCHAR_MAX)?;
    let password = password_or_generate(&mut PasswordEngine::new(), admin_password)?;
    let txn = db.conn.begin().await.map_err(PersistenceError::query)?;
    let tenant = insert_tenant(&txn, name.trim(), 10, 10).await?;
    insert_default_settings(&txn, tenant).await?;
    let admin = insert_user(
        &txn,
        tenant,
        "Administrador",
        admin_email,
        &password.0,
        UserProfile::Admin,
    )
    .await?;
    txn.commit().await.map_err(PersistenceError::query)?;
    Ok(ProvisionedTenant {
        tenant,
        admin,
        admin_login: SeededUser {
            email: admin_email.trim().to_lowercase(),
            generated_password: password.1,
        },
    })
}

async fn is_applied(db: &Db, name: &str) -> Result<bool, PersistenceError> {
    let row = unscoped_global::<seeds_meta::Entity>()
        .filter(seeds_meta::Column::Name.eq(name))
        .one(&db.conn)
        .await
        .map_err(PersistenceError::query)?;
    Ok(row.is_some())
}

/// The hash of the configured password, or of a generated one (returned for printing).
fn password_or_generate(
    engine: &mut PasswordEngine,
    configured: Option<&str>,
) -> Result<(String, Option<String>), PersistenceError> {
    match configured.filter(|p| !p.is_empty()) {
        Some(p) => {
            validate_new_password(p)?;
            Ok((engine.hash(p)?, None))
        }
        None => {
            let generated = generate_password()?;
            Ok((engine.hash(&generated)?, Some(generated)))
        }
    }
}

async fn insert_tenant(
    txn: &DatabaseTransaction,
    name: &str,
    max_users: i32,
    max_connections: i32,
) -> Result<TenantId, PersistenceError> {
    let at = now();
    let hours = serde_json::to_value(BusinessHours::default_all_open())
        .map_err(|e| DomainError::Unavailable(format!("business hours: {e}")))?;
    let row = tenants::ActiveModel {
        status: Set(TenantStatus::Active.as_str().to_owned()),
        owner_id: Set(None),
        name: Set(name.to_owned()),
        business_hours: Set(Some(hours)),
        message_business_hours: Set(Some(DEFAULT_MESSAGE_BUSINESS_HOURS.to_owned())),
        max_users: Set(max_users),
        max_connections: Set(max_connections),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(PersistenceError::query)?;
    Ok(TenantId::from_verified(row.id))
}

async fn insert_default_settings(
    txn: &DatabaseTransaction,
    tenant: TenantId,
) -> Result<(), PersistenceError> {
    let at = now();
    for (key, value) in DEFAULT_SETTINGS {
        settings::ActiveModel {
            key: Set((*key).to_owned()),
            value: Set((*value).to_owned()),
            tenant_id: Set(tenant.get()),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(PersistenceError::query)?;
    }
    Ok(())
}

async fn insert_channel(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    name: &str,
    kind: ChannelType,
    is_default: bool,
) -> Result<(), PersistenceError> {
    let at = now();
    whatsapps::ActiveModel {
        session: Set(Some(String::new())),
        qrcode: Set(Some(String::new())),
        status: Set(Some(ChannelStatus::Disconnected.as_str().to_owned())),
        battery: Set(Some("20".to_owned())),
        plugged: Set(Some(false)),
        name: Set(name.to_owned()),
        is_default: Set(is_default),
        retries: Set(0),
        tenant_id: Set(tenant.get()),
        number: Set(Some(String::new())),
        phone: Set(Some(json!({}))),
        is_deleted: Set(Some(false)),
        r#type: Set(kind.as_str().to_owned()),
        token_hook: Set(Some(String::new())),
        is_active: Set(true),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(PersistenceError::query)?;
    Ok(())
}

async fn insert_user(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    name: &str,
    email: &str,
    password_hash: &str,
    profile: UserProfile,
) -> Result<UserId, PersistenceError> {
    let email = email.trim().to_lowercase();
    validate::email("email", &email)?;
    let statuses = match profile {
        UserProfile::Super => json!(["open", "pending"]),
        _ => json!(["open", "pending", "closed"]),
    };
    let configs = json!({
        "filtrosAtendimento": {
            "searchParam": "", "pageNumber": 1, "status": statuses, "showAll": true, "count": null,
            "queuesIds": [], "withUnreadMessages": false, "isNotAssignedUser": false,
            "includeNotQueueDefined": true
        },
        "isDark": false
    });
    let at = now();
    let row = users::ActiveModel {
        name: Set(name.to_owned()),
        email: Set(email),
        password_hash: Set(password_hash.to_owned()),
        profile: Set(profile.as_str().to_owned()),
        token_version: Set(0),
        tenant_id: Set(tenant.get()),
        is_online: Set(Some(false)),
        configs: Set(Some(configs)),
        status: Set("offline".to_owned()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            PersistenceError::Domain(DomainError::conflict(
                "ERR_EMAIL_ALREADY_EXISTS",
                "this e-mail is already in use",
            ))
        } else {
            PersistenceError::query(e)
        }
    })?;
    Ok(UserId::new(row.id))
}
