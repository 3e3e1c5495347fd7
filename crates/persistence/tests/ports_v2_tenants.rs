//! The platform additions of `TenantStore`: users and channels of every tenant, the tenant of a
//! user, on every backend.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;

use support_crud::*;
use tiktickets_domain::PlatformCtx;
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::ids::{TenantId, UserId};
use tiktickets_domain::store::users::User;
use tiktickets_test_support::TestDb;

fn emails(users: &[User]) -> Vec<&str> {
    users.iter().map(|u| u.email.as_str()).collect()
}

#[tokio::test]
async fn list_users_across_tenants_with_search_and_paging() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let p = PlatformCtx::system();
        env.user("Zeca Agent", "zeca@a.example", UserProfile::User)
            .await;
        env.user("Bruna", "bruna@SALES.example", UserProfile::User)
            .await;
        let (tenant_b, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        env.stores
            .users
            .create(
                &cx_b,
                new_user("Carla", "carla@b.example", UserProfile::User),
            )
            .await
            .expect(b);

        let all = env
            .stores
            .tenants
            .list_users(&p, None, None, page(1, 50))
            .await
            .expect(b);
        assert_eq!(all.count, 5, "{b}");
        assert_eq!(
            emails(&all.items),
            vec![
                "admin@a.example",
                "admin@b.example",
                "bruna@sales.example",
                "carla@b.example",
                "zeca@a.example"
            ],
            "{b}: by name (Admin, Admin, Bruna, Carla, Zeca Agent), then id"
        );
        let only_b = env
            .stores
            .tenants
            .list_users(&p, None, Some(tenant_b), page(1, 50))
            .await
            .expect(b);
        assert_eq!(
            emails(&only_b.items),
            vec!["admin@b.example", "carla@b.example"],
            "{b}"
        );
        assert!(only_b.items.iter().all(|u| u.tenant_id == tenant_b), "{b}");

        let search = |term: &'static str, tenant: Option<TenantId>| {
            let stores = &env.stores;
            async move {
                let page = stores
                    .tenants
                    .list_users(&p, Some(term), tenant, page(1, 50))
                    .await
                    .expect(b);
                page.items.into_iter().map(|u| u.email).collect::<Vec<_>>()
            }
        };
        assert_eq!(
            search("ZECA", None).await,
            vec!["zeca@a.example"],
            "{b}: name, any case"
        );
        assert_eq!(
            search("Sales", None).await,
            vec!["bruna@sales.example"],
            "{b}: e-mail, any case"
        );
        assert_eq!(
            search("admin", None).await,
            vec!["admin@a.example", "admin@b.example"],
            "{b}"
        );
        assert_eq!(
            search("admin", Some(env.tenant)).await,
            vec!["admin@a.example"],
            "{b}"
        );
        assert!(search("%", None).await.is_empty(), "{b}: % is literal");
        assert_eq!(
            search("  ", None).await.len(),
            5,
            "{b}: a blank search is no filter"
        );

        let second = env
            .stores
            .tenants
            .list_users(&p, None, None, page(2, 2))
            .await
            .expect(b);
        assert_eq!(second.count, 5, "{b}");
        assert_eq!(
            emails(&second.items),
            vec!["bruna@sales.example", "carla@b.example"],
            "{b}"
        );
        let none = env
            .stores
            .tenants
            .list_users(
                &p,
                None,
                Some(TenantId::from_verified(MISSING)),
                page(1, 50),
            )
            .await
            .expect(b);
        assert_eq!((none.count, none.items.len()), (0, 0), "{b}");
    }
}

#[tokio::test]
async fn tenant_of_user_finds_the_users_tenant() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let p = PlatformCtx::system();
        let (tenant_b, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        let user_b = env
            .stores
            .users
            .create(
                &cx_b,
                new_user("Carla", "carla@b.example", UserProfile::User),
            )
            .await
            .expect(b);
        assert_eq!(
            env.stores
                .tenants
                .tenant_of_user(&p, env.admin.id)
                .await
                .expect(b),
            env.tenant,
            "{b}"
        );
        assert_eq!(
            env.stores
                .tenants
                .tenant_of_user(&p, user_b.id)
                .await
                .expect(b),
            tenant_b,
            "{b}"
        );
        assert_not_found(
            env.stores
                .tenants
                .tenant_of_user(&p, UserId::new(MISSING))
                .await,
            "ERR_NO_USER_FOUND",
            &format!("{b}: unknown user"),
        );
    }
}

#[tokio::test]
async fn list_channels_by_tenant_then_name() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let p = PlatformCtx::system();
        let (tenant_b, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        // B's channels first, so that id order and (tenant, name) order disagree.
        for name in ["Zulu B", "Alpha B"] {
            env.stores
                .channels
                .create(&cx_b, channel_input(name, false))
                .await
                .expect(b);
        }
        for name in ["Sales", "Main", "Support"] {
            env.channel(name).await;
        }
        let names = |channels: Vec<tiktickets_domain::store::channels::Channel>| {
            channels
                .into_iter()
                .map(|c| (c.tenant_id, c.name))
                .collect::<Vec<_>>()
        };
        let a = env.tenant;
        let all = env.stores.tenants.list_channels(&p, None).await.expect(b);
        assert!(a.get() < tenant_b.get(), "{b}: A was created first");
        let expected = vec![
            (a, "Main".to_owned()),
            (a, "Sales".to_owned()),
            (a, "Support".to_owned()),
            (tenant_b, "Alpha B".to_owned()),
            (tenant_b, "Zulu B".to_owned()),
        ];
        assert_eq!(names(all), expected, "{b}");
        assert_eq!(
            names(
                env.stores
                    .tenants
                    .list_channels(&p, Some(tenant_b))
                    .await
                    .expect(b)
            ),
            vec![
                (tenant_b, "Alpha B".to_owned()),
                (tenant_b, "Zulu B".to_owned())
            ],
            "{b}"
        );
        assert!(
            env.stores
                .tenants
                .list_channels(&p, Some(TenantId::from_verified(MISSING)))
                .await
                .expect(b)
                .is_empty(),
            "{b}"
        );
    }
}
