//! Request bodies of the contact routes, tolerant of what the web client really sends: ids as
//! numbers, numeric strings or `{id, ...}` objects, numbers typed as text or as JSON numbers,
//! `null` for "not given", and extra fields (ignored).

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use validator::Validate;

/// An id in a list: `5`, `"5"` or `{"id": 5, ...}` (other keys ignored). Always positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = i32)]
pub struct IdRef(pub i32);

impl<'de> Deserialize<'de> for IdRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IdRefVisitor)
    }
}

struct IdRefVisitor;

fn positive<E: de::Error>(v: i64) -> Result<IdRef, E> {
    i32::try_from(v)
        .ok()
        .filter(|v| *v > 0)
        .map(IdRef)
        .ok_or_else(|| E::custom(format!("ids are positive integers, not {v}")))
}

impl<'de> Visitor<'de> for IdRefVisitor {
    type Value = IdRef;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a positive integer id, a numeric string or an object with an `id`")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<IdRef, E> {
        positive(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<IdRef, E> {
        positive(i64::try_from(v).unwrap_or(i64::MAX))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<IdRef, E> {
        match v.trim().parse::<i64>() {
            Ok(n) => positive(n),
            Err(_) => Err(E::custom(format!("ids are positive integers, not {v:?}"))),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IdRef, A::Error> {
        let mut id = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "id" {
                id = Some(map.next_value::<IdRef>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        id.ok_or_else(|| de::Error::missing_field("id"))
    }
}

/// A text field that may arrive as a string or a number; `null` and absence are `None`.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(de::Error::custom(format!(
            "expected text, found {}",
            kind_of(&other)
        ))),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `POST /contacts` and `PUT /contacts/:id` body (client-contract.md §5).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactBody {
    /// Name: required on create; on update, absent keeps the current one.
    #[serde(default, deserialize_with = "opt_text")]
    #[validate(length(max = 255))]
    #[schema(value_type = Option<String>)]
    pub name: Option<String>,
    /// Phone number as typed (formatting is stripped); required on create, absent or blank
    /// keeps the current one on update.
    #[serde(default, deserialize_with = "opt_text")]
    #[validate(length(max = 255))]
    #[schema(value_type = Option<String>)]
    pub number: Option<String>,
    /// E-mail; `""` means none. On update, absent keeps the current one.
    #[serde(default, deserialize_with = "opt_text")]
    #[validate(length(max = 255))]
    #[schema(value_type = Option<String>)]
    pub email: Option<String>,
    /// Wallet owners (user ids or `{id}`); replaced when present.
    #[serde(default)]
    #[validate(length(max = 500))]
    pub wallets: Option<Vec<IdRef>>,
    /// Tags (tag ids or `{id}`); replaced when present.
    #[serde(default)]
    #[validate(length(max = 500))]
    pub tags: Option<Vec<IdRef>>,
    /// Custom fields; when present, fields with an id are updated, new ones created and the
    /// contact's other fields deleted.
    #[serde(default)]
    #[validate(length(max = 200), nested)]
    pub extra_info: Option<Vec<ExtraInfoItem>>,
}

/// One custom field of [`ContactBody::extra_info`].
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtraInfoItem {
    /// An existing field of this contact, or absent / `null` for a new one.
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub id: Option<IdRef>,
    /// Field name.
    #[serde(default, deserialize_with = "opt_text")]
    #[validate(required, length(min = 1, max = 255))]
    #[schema(value_type = String)]
    pub name: Option<String>,
    /// Field value (absent or `null` is empty).
    #[serde(default, deserialize_with = "opt_text")]
    #[validate(length(max = 255))]
    #[schema(value_type = Option<String>)]
    pub value: Option<String>,
}

/// `PUT /contact-tags/:contactId` body.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct TagsBody {
    /// The contact's new tags (ids or `{id}`).
    #[validate(length(max = 500))]
    pub tags: Vec<IdRef>,
}

/// `PUT /contact-wallet/:contactId` body.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct WalletsBody {
    /// The contact's new wallet owners (user ids or `{id}`).
    #[validate(length(max = 500))]
    pub wallets: Vec<IdRef>,
}

/// The distinct ids of a list, in first-seen order.
pub fn distinct<T>(refs: &[IdRef], make: fn(i32) -> T) -> Vec<T> {
    let mut seen = Vec::with_capacity(refs.len());
    for r in refs {
        if !seen.contains(&r.0) {
            seen.push(r.0);
        }
    }
    seen.into_iter().map(make).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_arrive_in_every_client_form() {
        let ids: Vec<IdRef> =
            serde_json::from_str(r#"[1, "2", {"id": 3, "name": "x"}, {"id": "4"}]"#)
                .unwrap_or_default();
        assert_eq!(ids, vec![IdRef(1), IdRef(2), IdRef(3), IdRef(4)]);
        for bad in [
            "[0]",
            "[-1]",
            r#"["x"]"#,
            "[null]",
            r#"[{"name": 1}]"#,
            "[1.5]",
            "[4294967296]",
            "[true]",
        ] {
            assert!(serde_json::from_str::<Vec<IdRef>>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_fields_accept_numbers_and_null() {
        let body: Result<ContactBody, _> = serde_json::from_str(
            r#"{"name": null, "number": 5511999998888, "email": "", "id": 9, "extra": [1]}"#,
        );
        let body = body.ok();
        assert_eq!(body.as_ref().and_then(|b| b.name.clone()), None);
        assert_eq!(
            body.as_ref().and_then(|b| b.number.clone()).as_deref(),
            Some("5511999998888")
        );
        assert!(serde_json::from_str::<ContactBody>(r#"{"name": ["a"]}"#).is_err());
        assert!(serde_json::from_str::<ContactBody>(r#"{"name": {"a": 1}}"#).is_err());
    }

    #[test]
    fn distinct_keeps_first_seen_order() {
        let ids = distinct(&[IdRef(3), IdRef(1), IdRef(3)], |v| v);
        assert_eq!(ids, vec![3, 1]);
    }
}
