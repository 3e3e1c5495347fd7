//! Seeds: tracked and idempotent (a second run changes nothing), ids from the sequences (a
//! new channel after seeding gets a fresh id), and tenant provisioning in one transaction.

#![allow(
    clippy::expect_used,
    reason = "test fixtures: a broken fixture must stop the test"
)]

use tiktickets_domain::enums::{ChannelType, TenantStatus, UserProfile};
use tiktickets_domain::ids::UserId;
use tiktickets_domain::password::{PasswordCheck, verify_password};
use tiktickets_domain::store::Stores;
use tiktickets_domain::store::channels::ChannelInput;
use tiktickets_domain::store::settings::DEFAULT_SETTINGS;
use tiktickets_domain::{PlatformCtx, TenantCtx};
use tiktickets_persistence::{
    Db, PersistenceError, SeedConfig, SeedOutcome, build_stores, provision_tenant, seed,
};
use tiktickets_test_support::TestDb;

fn config(admin_password: Option<&str>) -> SeedConfig {
    SeedConfig {
        admin_email: "Admin@Example.test".into(),
        admin_password: admin_password.map(str::to_owned),
        super_email: "super@example.test".into(),
        super_password: None,
    }
}

async fn open(tdb: &TestDb) -> (Db, Stores) {
    let db = Db::connect(tdb.url()).await.expect("connect");
    db.migrate_up().await.expect("migrate");
    let stores = build_stores(&db);
    (db, stores)
}

/// Everything the seed writes, as comparable text.
async fn snapshot(stores: &Stores) -> String {
    let p = PlatformCtx::system();
    let mut out = String::new();
    for tenant in stores.tenants.list(&p).await.expect("tenants") {
        let cx = TenantCtx::system(tenant.id);
        out.push_str(&format!(
            "tenant {} {} {}\n",
            tenant.id, tenant.name, tenant.status
        ));
        for s in stores.settings.list(&cx).await.expect("settings") {
            out.push_str(&format!("setting {} {}={}\n", s.id, s.key, s.value));
        }
        for c in stores.channels.list(&cx).await.expect("channels") {
            out.push_str(&format!(
                "channel {} {} {} default={}\n",
                c.id, c.name, c.r#type, c.is_default
            ));
        }
        let page = tiktickets_domain::store::PageRequest::first(100);
        for u in stores
            .users
            .list(&cx, None, page)
            .await
            .expect("users")
            .items
        {
            out.push_str(&format!(
                "user {} {} {} {}\n",
                u.id, u.email, u.profile, u.token_version
            ));
        }
    }
    out
}

#[tokio::test]
async fn seeding_twice_gives_the_same_rows() {
    for tdb in TestDb::all().await {
        let name = tdb.backend_name();
        let (db, stores) = open(&tdb).await;
        let first = seed(&db, &config(Some("admin-secret")))
            .await
            .expect("seed");
        let SeedOutcome::Applied { users, .. } = first else {
            panic!("{name}: first run applies")
        };
        assert_eq!(users[0].email, "admin@example.test", "{name}");
        assert_eq!(
            users[0].generated_password, None,
            "{name}: configured password is not generated"
        );
        assert!(
            users[1]
                .generated_password
                .as_ref()
                .is_some_and(|p| p.len() == 20),
            "{name}"
        );
        let before = snapshot(&stores).await;

        assert_eq!(
            seed(&db, &config(Some("other-secret")))
                .await
                .expect("seed"),
            SeedOutcome::AlreadyApplied,
            "{name}"
        );
        assert_eq!(
            snapshot(&stores).await,
            before,
            "{name}: the second run changed nothing"
        );

        assert!(
            before.contains("tenant 1 Empresa 01 active"),
            "{name}: {before}"
        );
        for (key, value) in DEFAULT_SETTINGS {
            assert!(
                before.contains(&format!("{key}={value}")),
                "{name}: setting {key}"
            );
        }
        assert_eq!(
            before.matches("setting ").count(),
            DEFAULT_SETTINGS.len(),
            "{name}"
        );
        assert!(
            before.contains("Whatsapp 01 whatsapp default=true"),
            "{name}"
        );
        assert!(
            before.contains("Instagram 01 instagram default=false"),
            "{name}"
        );
        assert!(
            before.contains("Telegram 01 telegram default=false"),
            "{name}"
        );
        assert!(before.contains("admin@example.test admin"), "{name}");
        assert!(before.contains("super@example.test super"), "{name}");
    }
}

#[tokio::test]
async fn seeded_passwords_are_argon2id_and_log_in() {
    for tdb in TestDb::all().await {
        let name = tdb.backend_name();
        let (db, stores) = open(&tdb).await;
        let SeedOutcome::Applied { users, .. } = seed(&db, &config(Some("admin-secret")))
            .await
            .expect("seed")
        else {
            panic!("{name}: applies")
        };
        let admin = stores
            .tenants
            .find_login("ADMIN@example.test")
            .await
            .expect("lookup")
            .expect("admin exists");
        assert_eq!(admin.user.profile, UserProfile::Admin, "{name}");
        assert_eq!(admin.tenant_status, TenantStatus::Active, "{name}");
        assert!(admin.password_hash.starts_with("$argon2id$"), "{name}");
        assert_eq!(
            verify_password("admin-secret", &admin.password_hash),
            PasswordCheck::Valid,
            "{name}"
        );
        let generated = users[1].generated_password.clone().expect("generated");
        let sup = stores
            .tenants
            .find_login("super@example.test")
            .await
            .expect("lookup")
            .expect("super exists");
        assert_eq!(
            verify_password(&generated, &sup.password_hash),
            PasswordCheck::Valid,
            "{name}"
        );
        assert_eq!(sup.user.profile, UserProfile::Super, "{name}");
    }
}

#[tokio::test]
async fn sequences_stay_right_after_seeding() {
    for tdb in TestDb::all().await {
        let name = tdb.backend_name();
        let (db, stores) = open(&tdb).await;
        let SeedOutcome::Applied { tenant, .. } = seed(&db, &config(None)).await.expect("seed")
        else {
            panic!("{name}: applies")
        };
        let cx = TenantCtx::from_verified(tenant, UserId::new(1), UserProfile::Admin);
        let input = ChannelInput {
            name: "Whatsapp 02".into(),
            r#type: ChannelType::Whatsapp,
            is_default: false,
            is_active: true,
            farewell_message: None,
            chat_flow_id: None,
            token_telegram: None,
            instagram_user: None,
            instagram_key: None,
            token_api: None,
            waba_bsp: None,
            fb_page_id: None,
        };
        // The reference's first three attempts failed here with a duplicate key (defect S-2).
        let created = stores
            .channels
            .create(&cx, input)
            .await
            .expect("a new channel gets a fresh id");
        assert_eq!(created.id.get(), 4, "{name}");
        let created_setting = stores
            .settings
            .upsert(&cx, "customKey", "x")
            .await
            .expect("a new setting");
        assert_eq!(
            created_setting.id.get(),
            DEFAULT_SETTINGS.len() as i32 + 1,
            "{name}"
        );
    }
}

#[tokio::test]
async fn provisioning_creates_tenant_settings_and_admin_or_nothing() {
    for tdb in TestDb::all().await {
        let name = tdb.backend_name();
        let (db, stores) = open(&tdb).await;
        let acme = provision_tenant(&db, "Acme", "Boss@Acme.test", Some("boss-secret"))
            .await
            .expect("provision");
        assert_eq!(acme.admin_login.email, "boss@acme.test", "{name}");
        let cx = TenantCtx::system(acme.tenant);
        assert_eq!(
            stores.settings.list(&cx).await.expect("settings").len(),
            DEFAULT_SETTINGS.len(),
            "{name}"
        );
        assert_eq!(
            stores
                .users
                .get(&cx, acme.admin)
                .await
                .expect("admin")
                .profile,
            UserProfile::Admin,
            "{name}"
        );

        // A used e-mail refuses the whole provisioning: no half-made tenant is left behind.
        let err = provision_tenant(&db, "Acme Two", "boss@acme.test", None)
            .await
            .expect_err("duplicate e-mail");
        assert!(
            matches!(&err, PersistenceError::Domain(e) if e.code() == "ERR_EMAIL_ALREADY_EXISTS"),
            "{name}: {err}"
        );
        assert_eq!(
            stores
                .tenants
                .list(&PlatformCtx::system())
                .await
                .expect("tenants")
                .len(),
            1,
            "{name}"
        );

        for (bad_name, email, pw) in [
            ("A", "x@y.test", None),
            ("Ok", "nope", None),
            ("Ok", "x@y.test", Some("123")),
        ] {
            assert!(
                provision_tenant(&db, bad_name, email, pw).await.is_err(),
                "{name}: {bad_name} {email}"
            );
        }
        assert_eq!(
            stores
                .tenants
                .list(&PlatformCtx::system())
                .await
                .expect("tenants")
                .len(),
            1,
            "{name}"
        );
    }
}
