//! `TenantStore`.

use super::*;

use tiktickets_domain::enums::{TenantStatus, UserProfile};
use tiktickets_domain::ids::TenantId;
use tiktickets_domain::store::tenants::TenantPatch;
use tiktickets_domain::{PlatformCtx, TenantCtx};
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- TenantStore

#[tokio::test]
async fn tenant_store() {
    for tdb in TestDb::all().await {
        let mut m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        let p = PlatformCtx::system();

        // current: always the caller's own tenant.
        for (who, cx) in m.a_contexts() {
            let current = s.tenants.current(&cx).await.expect("current");
            assert_eq!(current, m.a_before.tenant, "[{backend}] {who}: current()");
        }

        // Platform update of A with B's admin as owner: the owner must belong to A.
        let r = s
            .tenants
            .update(
                &p,
                a.tenant.id,
                TenantPatch {
                    owner_id: Some(Some(b.admin.id)),
                    ..TenantPatch::default()
                },
            )
            .await;
        m.denied("tenants.update(A, owner = B's admin)", r).await;

        // update_current: only A's row, and only hours and away text.
        let hours = serde_json::json!([{ "day": 1, "type": "O", "hr1": "08:00" }]);
        let updated = s
            .tenants
            .update_current(
                &a.cx,
                TenantPatch {
                    name: Some("Hijacked".to_owned()),
                    status: Some(TenantStatus::Inactive),
                    max_users: Some(0),
                    max_connections: Some(0),
                    business_hours: Some(hours.clone()),
                    message_business_hours: Some("Fechado".to_owned()),
                    owner_id: Some(Some(b.admin.id)),
                },
            )
            .await
            .expect("update_current");
        assert_eq!(updated.id, a.tenant.id, "[{backend}]");
        assert_eq!(
            (
                updated.name.as_str(),
                updated.status,
                updated.max_users,
                updated.owner_id
            ),
            ("Tenant A", TenantStatus::Active, 50, None),
            "[{backend}] update_current ignores name, status, quotas and owner"
        );
        assert_eq!(updated.business_hours, Some(hours), "[{backend}]");
        m.b_unchanged("tenants.update_current(A)").await;
        m.rebase_a().await;

        // Platform work sees every tenant, by design; B's row is read, not changed.
        let listed: Vec<TenantId> = s
            .tenants
            .list(&p)
            .await
            .expect("list")
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(listed, vec![a.tenant.id, b.tenant.id], "[{backend}]");
        assert_eq!(
            s.tenants.get(&p, b.tenant.id).await.expect("get"),
            m.b_before.tenant,
            "[{backend}]"
        );
        assert_eq!(
            s.tenants
                .count_users_with_profile(&p, UserProfile::Admin)
                .await
                .expect("count"),
            2,
            "[{backend}] platform-wide count"
        );

        // find_login is the global lookup: each e-mail resolves to its own tenant's user.
        for f in [&a, &b] {
            let login = s
                .tenants
                .find_login(&f.admin.email)
                .await
                .expect("find_login")
                .expect("known e-mail");
            assert_eq!(login.user.id, f.admin.id, "[{backend}]");
            assert_eq!(login.user.tenant_id, f.tenant.id, "[{backend}]");
            assert_eq!(
                login.password_hash,
                format!("hash-admin-{}", f.label.to_lowercase()),
                "[{backend}]"
            );
        }

        // A new tenant sees nothing of A or B.
        let c = new_tenant(&s, "Tenant C").await;
        let c_cx = TenantCtx::system(c.id);
        let c_snap = snapshot(&s, &c_cx).await;
        assert_eq!(c_snap.tenant.id, c.id, "[{backend}]");
        assert!(
            c_snap.users.is_empty()
                && c_snap.queues.is_empty()
                && c_snap.contacts.is_empty()
                && c_snap.tickets.is_empty()
                && c_snap.channels.is_empty()
                && c_snap.settings.is_empty()
                && c_snap.tags.is_empty()
                && c_snap.fast_replies.is_empty()
                && c_snap.campaigns.is_empty(),
            "[{backend}] a new tenant must start empty: {c_snap:?}"
        );
        m.unchanged("tenants.create(C)").await;
    }
}
