//! CRUD and rules of the tenant store (tenants, current tenant, login lookup), on SQLite and
//! (when configured) PostgreSQL.

mod support_crud;

use support_crud::*;
use tiktickets_domain::PlatformCtx;
use tiktickets_domain::enums::{TenantStatus, UserProfile};
use tiktickets_domain::ids::TenantId;
use tiktickets_domain::store::tenants::TenantPatch;
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- tenants

#[tokio::test]
async fn tenant_create_get_list_update_round_trip() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let p = PlatformCtx::system();
        let created = env
            .stores
            .tenants
            .create(&p, new_tenant("Acme Ltda"))
            .await
            .expect(b);
        assert_eq!(created.name, "Acme Ltda", "{b}");
        assert_eq!(created.status, TenantStatus::Active, "{b}");
        assert_eq!((created.max_users, created.max_connections), (10, 3), "{b}");
        assert_eq!(created.owner_id, None, "{b}");

        let read = env.stores.tenants.get(&p, created.id).await.expect(b);
        assert_eq!(read, created, "{b}: get returns what create stored");
        assert_eq!(
            read.message_business_hours.as_deref(),
            Some("We are closed"),
            "{b}"
        );
        assert_eq!(
            read.business_hours,
            Some(serde_json::json!([{ "day": 1, "type": "O", "hr1": "08:00" }])),
            "{b}"
        );

        let ids: Vec<TenantId> = env
            .stores
            .tenants
            .list(&p)
            .await
            .expect(b)
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(
            ids,
            vec![env.tenant, created.id],
            "{b}: every tenant, by id"
        );

        let patch = TenantPatch {
            name: Some("Acme S/A".into()),
            status: Some(TenantStatus::Inactive),
            max_users: Some(50),
            max_connections: Some(0),
            owner_id: Some(None),
            ..TenantPatch::default()
        };
        let updated = env
            .stores
            .tenants
            .update(&p, created.id, patch)
            .await
            .expect(b);
        let read = env.stores.tenants.get(&p, created.id).await.expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(read.name, "Acme S/A", "{b}");
        assert_eq!(read.status, TenantStatus::Inactive, "{b}");
        assert_eq!((read.max_users, read.max_connections), (50, 0), "{b}");
        assert_eq!(
            read.message_business_hours.as_deref(),
            Some("We are closed"),
            "{b}: untouched field kept"
        );

        let unknown = TenantId::from_verified(MISSING);
        assert_not_found(
            env.stores.tenants.get(&p, unknown).await,
            "ERR_NO_TENANT_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .tenants
                .update(&p, unknown, TenantPatch::default())
                .await,
            "ERR_NO_TENANT_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn tenant_owner_must_be_a_user_of_that_tenant() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let p = PlatformCtx::system();
        let (other, _) = env.other_tenant("Tenant B", "admin@b.example").await;
        let set_owner = |id| TenantPatch {
            owner_id: Some(Some(id)),
            ..TenantPatch::default()
        };
        assert_not_found(
            env.stores
                .tenants
                .update(&p, other, set_owner(env.admin.id))
                .await,
            "ERR_NO_USER_FOUND",
            &format!("{b}: a user of tenant A cannot own tenant B"),
        );
        let owned = env
            .stores
            .tenants
            .update(&p, env.tenant, set_owner(env.admin.id))
            .await
            .expect(b);
        assert_eq!(
            env.stores
                .tenants
                .get(&p, env.tenant)
                .await
                .expect(b)
                .owner_id,
            Some(env.admin.id),
            "{b}"
        );
        assert_eq!(owned.owner_id, Some(env.admin.id), "{b}");
    }
}

#[tokio::test]
async fn current_tenant_is_the_callers_own() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (other, other_cx) = env.other_tenant("Tenant B", "admin@b.example").await;
        assert_eq!(
            env.stores.tenants.current(&env.cx).await.expect(b).id,
            env.tenant,
            "{b}"
        );
        let b_current = env.stores.tenants.current(&other_cx).await.expect(b);
        assert_eq!(
            (b_current.id, b_current.name.as_str()),
            (other, "Tenant B"),
            "{b}"
        );
    }
}

#[tokio::test]
async fn update_current_by_a_non_admin_is_forbidden() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let agent = env
            .user("Agent", "agent@a.example", UserProfile::User)
            .await;
        let patch = TenantPatch {
            message_business_hours: Some("Hacked".into()),
            ..TenantPatch::default()
        };
        assert_err(
            env.stores
                .tenants
                .update_current(&env.cx_as(&agent), patch)
                .await,
            Kind::Forbidden,
            "ERR_NO_PERMISSION",
            b,
        );
        let read = env.stores.tenants.current(&env.cx).await.expect(b);
        assert_eq!(
            read.message_business_hours.as_deref(),
            Some("We are closed"),
            "{b}: nothing changed"
        );
    }
}

#[tokio::test]
async fn update_current_by_an_admin_changes_hours_but_not_quotas() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let hours = serde_json::json!([{ "day": 0, "type": "C" }]);
        let patch = TenantPatch {
            business_hours: Some(hours.clone()),
            message_business_hours: Some("Back on Monday".into()),
            max_users: Some(9_999),
            status: Some(TenantStatus::Inactive),
            name: Some("Renamed".into()),
            ..TenantPatch::default()
        };
        env.stores
            .tenants
            .update_current(&env.cx, patch)
            .await
            .expect(b);
        let read = env.stores.tenants.current(&env.cx).await.expect(b);
        assert_eq!(read.business_hours, Some(hours), "{b}");
        assert_eq!(
            read.message_business_hours.as_deref(),
            Some("Back on Monday"),
            "{b}"
        );
        assert_eq!(read.max_users, 10, "{b}: quota is platform-only");
        assert_eq!(
            read.status,
            TenantStatus::Active,
            "{b}: status is platform-only"
        );
        assert_eq!(read.name, "Tenant A", "{b}: name is platform-only");
    }
}

#[tokio::test]
async fn find_login_matches_the_email_case_insensitively() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let ana = env
            .user("Ana", "Ana.Silva@Example.COM", UserProfile::User)
            .await;
        let found = env
            .stores
            .tenants
            .find_login("  ANA.SILVA@example.com ")
            .await
            .expect(b)
            .expect(b);
        assert_eq!(found.user.id, ana.id, "{b}");
        assert_eq!(found.user.tenant_id, env.tenant, "{b}");
        assert_eq!(found.password_hash, "hash-of-Ana.Silva@Example.COM", "{b}");
        assert_eq!(found.tenant_status, TenantStatus::Active, "{b}");

        env.stores
            .tenants
            .update(
                &PlatformCtx::system(),
                env.tenant,
                TenantPatch {
                    status: Some(TenantStatus::Inactive),
                    ..TenantPatch::default()
                },
            )
            .await
            .expect(b);
        let found = env
            .stores
            .tenants
            .find_login("ana.silva@example.com")
            .await
            .expect(b)
            .expect(b);
        assert_eq!(
            found.tenant_status,
            TenantStatus::Inactive,
            "{b}: the tenant's current status"
        );
    }
}

#[tokio::test]
async fn find_login_with_an_unknown_email_is_none() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        assert_eq!(
            env.stores
                .tenants
                .find_login("nobody@a.example")
                .await
                .expect(b),
            None,
            "{b}"
        );
        assert_eq!(
            env.stores.tenants.find_login("").await.expect(b),
            None,
            "{b}"
        );
    }
}

#[tokio::test]
async fn count_users_with_profile_counts_across_tenants() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let p = PlatformCtx::system();
        env.other_tenant("Tenant B", "admin@b.example").await;
        env.user("Agent", "agent@a.example", UserProfile::User)
            .await;
        assert_eq!(
            env.stores
                .tenants
                .count_users_with_profile(&p, UserProfile::Admin)
                .await
                .expect(b),
            2,
            "{b}"
        );
        assert_eq!(
            env.stores
                .tenants
                .count_users_with_profile(&p, UserProfile::User)
                .await
                .expect(b),
            1,
            "{b}"
        );
        assert_eq!(
            env.stores
                .tenants
                .count_users_with_profile(&p, UserProfile::Super)
                .await
                .expect(b),
            0,
            "{b}"
        );
    }
}
