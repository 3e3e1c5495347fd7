//! Per-tenant uniques (channel names, setting keys) and global e-mails.

use super::*;

use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::store::users::{NewUser, UserPatch};
use tiktickets_domain::{DomainError, Result};
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- per-tenant uniques

#[tokio::test]
async fn channel_names_and_setting_keys_are_per_tenant() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();

        // Both fixtures hold a channel "Whatsapp 01" and a setting "daysToClose".
        assert_eq!(
            (a.channel.name.as_str(), b.channel.name.as_str()),
            (CHANNEL_NAME, CHANNEL_NAME),
            "[{backend}]"
        );
        assert_ne!(a.channel.id, b.channel.id, "[{backend}]");
        assert_eq!(
            (a.channel.tenant_id, b.channel.tenant_id),
            (a.tenant.id, b.tenant.id),
            "[{backend}]"
        );
        assert!(
            a.channel.is_default && b.channel.is_default,
            "[{backend}] each tenant has its own default channel"
        );
        assert_eq!(
            (a.setting.key.as_str(), b.setting.key.as_str()),
            (SHARED_KEY, SHARED_KEY),
            "[{backend}]"
        );
        assert_eq!(
            s.settings
                .get(&a.cx, SHARED_KEY)
                .await
                .expect("get")
                .map(|x| x.value),
            Some("7".to_owned()),
            "[{backend}]"
        );
        assert_eq!(
            s.settings
                .get(&b.cx, SHARED_KEY)
                .await
                .expect("get")
                .map(|x| x.value),
            Some("14".to_owned()),
            "[{backend}]"
        );

        // Still unique inside one tenant.
        let dup = s
            .channels
            .create(&a.cx, channel_input(CHANNEL_NAME, false))
            .await;
        assert!(
            matches!(&dup, Err(DomainError::Conflict { code, .. }) if *code == "ERR_WAPP_NAME_ALREADY_EXISTS"),
            "[{backend}] a second '{CHANNEL_NAME}' in A: {dup:?}"
        );
        // A name B does not have yet, in both tenants; and renaming into B's name.
        let a2 = s
            .channels
            .create(&a.cx, channel_input("Whatsapp 02", false))
            .await
            .expect("A's Whatsapp 02");
        let b2 = s
            .channels
            .create(&b.cx, channel_input("Whatsapp 02", false))
            .await
            .expect("B's Whatsapp 02");
        assert_eq!(
            (a2.tenant_id, b2.tenant_id),
            (a.tenant.id, b.tenant.id),
            "[{backend}]"
        );
        let renamed = s
            .channels
            .update(&b.cx, b2.id, channel_input("Whatsapp 03", false))
            .await
            .expect("rename");
        let a3 = s
            .channels
            .update(&a.cx, a2.id, channel_input("Whatsapp 03", false))
            .await
            .expect("A renames into the name B just took");
        assert_eq!(
            (renamed.name.as_str(), a3.name.as_str()),
            ("Whatsapp 03", "Whatsapp 03"),
            "[{backend}]"
        );

        // Setting the shared key in A leaves B's value; both keep exactly one row.
        s.settings
            .upsert(&a.cx, SHARED_KEY, "30")
            .await
            .expect("upsert");
        s.settings
            .upsert(&b.cx, SHARED_KEY, "15")
            .await
            .expect("upsert");
        for (f, value) in [(&a, "30"), (&b, "15")] {
            let rows: Vec<_> = s
                .settings
                .list(&f.cx)
                .await
                .expect("list")
                .into_iter()
                .filter(|x| x.key == SHARED_KEY)
                .collect();
            assert_eq!(rows.len(), 1, "[{backend}] tenant {}", f.label);
            assert_eq!(
                (rows[0].id, rows[0].value.as_str(), rows[0].tenant_id),
                (f.setting.id, value, f.tenant.id),
                "[{backend}] tenant {}",
                f.label
            );
        }
    }
}

// ---------------------------------------------------------------- global e-mails

fn is_taken<T>(r: &Result<T>) -> bool {
    matches!(r, Err(DomainError::Conflict { code, .. }) if *code == "ERR_EMAIL_ALREADY_EXISTS")
}

#[tokio::test]
async fn emails_are_global() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        // The same address in another case is the same login (e-mails are stored lower-case).
        for email in [
            a.admin.email.clone(),
            a.admin.email.to_uppercase(),
            "Admin@A.Example".to_owned(),
        ] {
            let r = s
                .users
                .create(
                    &b.cx,
                    NewUser {
                        name: "Copycat".to_owned(),
                        email: email.clone(),
                        password_hash: "x".to_owned(),
                        profile: UserProfile::Admin,
                        configs: None,
                    },
                )
                .await;
            assert!(
                is_taken(&r),
                "[{backend}] B creates a user with A's e-mail {email:?}: {r:?}"
            );
            let r = s
                .users
                .update(
                    &b.cx,
                    b.agent.id,
                    UserPatch {
                        email: Some(email.clone()),
                        ..UserPatch::default()
                    },
                )
                .await;
            assert!(
                is_taken(&r),
                "[{backend}] B renames its agent to A's e-mail {email:?}: {r:?}"
            );
        }
        m.unchanged("B reusing A's e-mail").await;
        let login = s
            .tenants
            .find_login(&a.admin.email)
            .await
            .expect("login")
            .expect("known");
        assert_eq!(
            (login.user.id, login.user.tenant_id),
            (a.admin.id, a.tenant.id),
            "[{backend}] A's admin still owns the e-mail"
        );
    }
}
