//! `ContactStore`.

use super::*;

use tiktickets_domain::ids::CustomFieldId;
use tiktickets_domain::phone::lookup_variants;
use tiktickets_domain::store::contacts::{ContactInput, CustomFieldInput, InboundContact};
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- ContactStore

#[tokio::test]
async fn contact_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            // Reads.
            m.hidden(
                &w("contacts.get(B's contact)"),
                s.contacts.get(&cx, b.contact.id).await,
                s.contacts.get(&cx, missing_contact()).await,
            );
            m.hidden(
                &w("contacts.tags(B's contact)"),
                s.contacts.tags(&cx, b.contact.id).await,
                s.contacts.tags(&cx, missing_contact()).await,
            );
            m.hidden(
                &w("contacts.wallets(B's contact)"),
                s.contacts.wallets(&cx, b.contact.id).await,
                s.contacts.wallets(&cx, missing_contact()).await,
            );
            m.hidden(
                &w("contacts.custom_fields(B's contact)"),
                s.contacts.custom_fields(&cx, b.contact.id).await,
                s.contacts.custom_fields(&cx, missing_contact()).await,
            );
            for variant in lookup_variants(&b.contact_number) {
                let n = number(&variant);
                let found = s.contacts.find_by_number(&cx, &n).await;
                assert_eq!(
                    found,
                    Ok(None),
                    "[{backend}] {who}: find_by_number({variant}) of B's contact"
                );
            }
            let listed = s.contacts.list(&cx, None, big_page()).await.expect("list");
            assert_eq!(listed.items, m.a_before.contacts, "[{backend}] {who}: list");
            for term in [
                b.contact.name.as_str(),
                b.contact_number.as_str(),
                "Lead B",
                "5521",
            ] {
                let found = s
                    .contacts
                    .list(&cx, Some(term), big_page())
                    .await
                    .expect("list");
                assert!(
                    found.items.is_empty() && found.count == 0,
                    "[{backend}] {who}: search {term:?} found {found:?}"
                );
            }

            // Writes on B's contact.
            let input = ContactInput {
                name: "Hijacked".to_owned(),
                number: Some(number("5531977776666")),
                email: Some("hijacked@evil.example".to_owned()),
                profile_pic_url: Some("https://evil.example/x.png".to_owned()),
            };
            m.denied_as_missing(
                &w("contacts.update(B's contact)"),
                s.contacts.update(&cx, b.contact.id, input.clone()).await,
                s.contacts.update(&cx, missing_contact(), input).await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.delete(B's lead, no tickets)"),
                s.contacts.delete(&cx, b.lead.id).await,
                s.contacts.delete(&cx, missing_contact()).await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.delete(B's contact, with a ticket)"),
                s.contacts.delete(&cx, b.contact.id).await,
                s.contacts.delete(&cx, missing_contact()).await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.set_tags(B's contact, [A's tag])"),
                s.contacts.set_tags(&cx, b.contact.id, &[a.tag.id]).await,
                s.contacts
                    .set_tags(&cx, missing_contact(), &[a.tag.id])
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.set_tags(B's contact, [])"),
                s.contacts.set_tags(&cx, b.contact.id, &[]).await,
                s.contacts.set_tags(&cx, missing_contact(), &[]).await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.set_wallets(B's contact, [A's agent])"),
                s.contacts
                    .set_wallets(&cx, b.contact.id, &[a.agent.id])
                    .await,
                s.contacts
                    .set_wallets(&cx, missing_contact(), &[a.agent.id])
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.set_wallets(B's contact, [])"),
                s.contacts.set_wallets(&cx, b.contact.id, &[]).await,
                s.contacts.set_wallets(&cx, missing_contact(), &[]).await,
            )
            .await;
            let fields = || {
                vec![CustomFieldInput {
                    id: None,
                    name: "Hijacked".to_owned(),
                    value: "x".to_owned(),
                }]
            };
            m.denied_as_missing(
                &w("contacts.set_custom_fields(B's contact)"),
                s.contacts
                    .set_custom_fields(&cx, b.contact.id, fields())
                    .await,
                s.contacts
                    .set_custom_fields(&cx, missing_contact(), fields())
                    .await,
            )
            .await;
            let with_b_field = vec![CustomFieldInput {
                id: Some(b.custom_field.id),
                name: "CPF".to_owned(),
                value: "stolen".to_owned(),
            }];
            m.denied(
                &w("contacts.set_custom_fields(B's contact, B's field)"),
                s.contacts
                    .set_custom_fields(&cx, b.contact.id, with_b_field.clone())
                    .await,
            )
            .await;

            // Writes on A's contact that name B's rows.
            m.denied_as_missing(
                &w("contacts.set_tags(A's contact, [B's tag])"),
                s.contacts.set_tags(&cx, a.contact.id, &[b.tag.id]).await,
                s.contacts
                    .set_tags(&cx, a.contact.id, &[missing_tag()])
                    .await,
            )
            .await;
            m.denied(
                &w("contacts.set_tags(A's contact, [A's tag, B's tag])"),
                s.contacts
                    .set_tags(&cx, a.contact.id, &[a.tag.id, b.tag.id])
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("contacts.set_wallets(A's contact, [B's agent])"),
                s.contacts
                    .set_wallets(&cx, a.contact.id, &[b.agent.id])
                    .await,
                s.contacts
                    .set_wallets(&cx, a.contact.id, &[missing_user()])
                    .await,
            )
            .await;
            m.denied(
                &w("contacts.set_wallets(A's contact, [A's agent, B's agent])"),
                s.contacts
                    .set_wallets(&cx, a.contact.id, &[a.agent.id, b.agent.id])
                    .await,
            )
            .await;
            let with_missing_field = vec![CustomFieldInput {
                id: Some(CustomFieldId::new(MISSING)),
                name: "CPF".to_owned(),
                value: "stolen".to_owned(),
            }];
            m.denied_as_missing(
                &w("contacts.set_custom_fields(A's contact, B's field id)"),
                s.contacts
                    .set_custom_fields(&cx, a.contact.id, with_b_field)
                    .await,
                s.contacts
                    .set_custom_fields(&cx, a.contact.id, with_missing_field)
                    .await,
            )
            .await;
        }

        // upsert_inbound with B's number creates A's own contact and leaves B's alone.
        let inbound = InboundContact {
            number: b.contact_number.clone(),
            name: Some("Intruso".to_owned()),
            pushname: Some("Intruso".to_owned()),
            profile_pic_url: Some("https://evil.example/p.png".to_owned()),
            is_user: Some(true),
            is_wa_contact: Some(true),
        };
        let own = s
            .contacts
            .upsert_inbound(&a.system_cx, inbound.clone())
            .await
            .expect("upsert_inbound");
        assert_eq!(own.tenant_id, a.tenant.id, "[{backend}] upsert_inbound");
        assert!(
            own.id != b.contact.id && own.name == "Intruso",
            "[{backend}] upsert_inbound of B's number must create A's own contact: {own:?}"
        );
        let again = s
            .contacts
            .upsert_inbound(&a.cx, inbound)
            .await
            .expect("upsert_inbound again");
        assert_eq!(
            again.id, own.id,
            "[{backend}] second upsert finds A's contact"
        );
        assert_eq!(
            s.contacts
                .find_by_number(&a.cx, &b.contact_number)
                .await
                .expect("find"),
            Some(again.clone()),
            "[{backend}]"
        );
        assert_eq!(
            s.contacts
                .find_by_number(&b.cx, &b.contact_number)
                .await
                .expect("find")
                .map(|c| c.id),
            Some(b.contact.id),
            "[{backend}] B still finds its own contact"
        );
        m.b_unchanged("contacts.upsert_inbound(A, B's number)")
            .await;

        // Legit write of A with the name and number B uses: allowed (per-tenant uniqueness) for
        // the lead, and B's lead unchanged.
        let updated = s
            .contacts
            .update(
                &a.cx,
                a.lead.id,
                ContactInput {
                    name: b.lead.name.clone(),
                    number: Some(b.lead_number.clone()),
                    email: None,
                    profile_pic_url: None,
                },
            )
            .await
            .expect("update A's lead with B's lead number");
        assert_eq!(
            (updated.id, updated.tenant_id),
            (a.lead.id, a.tenant.id),
            "[{backend}]"
        );
        m.b_unchanged("contacts.update(A's lead, B's number)").await;
    }
}
