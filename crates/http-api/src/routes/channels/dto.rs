//! The body of `POST /whatsapp` and `PUT /whatsapp/:id` (client-contract.md §8), and how it
//! becomes a full [`ChannelInput`]: on create from the body alone, on update overlaid on the
//! current row (the client sends the whole card, read-only fields included; they are ignored).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use tiktickets_domain::enums::{ChannelType, WabaBsp};
use tiktickets_domain::ids::ChatFlowId;
use tiktickets_domain::store::channels::{Channel, ChannelInput};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use crate::error::{ApiError, ApiResult};

/// Longest farewell template accepted.
pub const FAREWELL_MAX: u64 = 10_000;

/// Channel fields the client may send; everything else on the card (`status`, `qrcode`,
/// `number`, `updatedAt`, `tenantId`, `id`, ...) is ignored.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelBody {
    /// Name, 3 to 50 characters after trimming (unique in the tenant). Required on create.
    #[validate(custom(function = "channel_name"))]
    pub name: Option<String>,
    /// `whatsapp`, `telegram`, `instagram`, `messenger` or `waba` (default `whatsapp`).
    #[schema(value_type = Option<String>, example = "whatsapp")]
    pub r#type: Option<ChannelType>,
    /// Make it the tenant's default channel.
    pub is_default: Option<bool>,
    /// Start it at boot (default true).
    pub is_active: Option<bool>,
    /// Telegram bot token (required for `telegram`).
    #[validate(length(max = 255))]
    pub token_telegram: Option<String>,
    /// Instagram user (required for `instagram`).
    #[validate(length(max = 255))]
    pub instagram_user: Option<String>,
    /// Instagram key (on update applied only when non-empty).
    #[validate(length(max = 255))]
    pub instagram_key: Option<String>,
    /// Template sent when a ticket of this channel is closed; empty clears it.
    #[validate(length(max = FAREWELL_MAX))]
    pub farewell_message: Option<String>,
    /// Bot flow of the tenant for new tickets; `null` clears it.
    #[serde(default, deserialize_with = "nullable_id")]
    #[schema(value_type = Option<i32>)]
    pub chat_flow_id: Option<Option<i32>>,
    /// WABA provider: `360` or `gupshup` (required for `waba`).
    #[serde(rename = "wabaBSP")]
    #[schema(value_type = Option<String>)]
    pub waba_bsp: Option<WabaBsp>,
    /// WABA API key (required for `waba`).
    #[serde(rename = "tokenAPI")]
    #[validate(length(max = 10_000))]
    pub token_api: Option<String>,
    /// Facebook page id; empty clears it.
    #[validate(length(max = 255))]
    pub fb_page_id: Option<String>,
}

fn channel_name(name: &str) -> Result<(), ValidationError> {
    let chars = name.trim().chars().count();
    if (3..=50).contains(&chars) {
        Ok(())
    } else {
        Err(ValidationError::new("length")
            .with_message("the name must have 3 to 50 characters".into()))
    }
}

/// Present and not blank.
fn given(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

impl ChannelBody {
    /// The new channel described by the body.
    pub fn into_new(self) -> ApiResult<ChannelInput> {
        let Some(name) = self.name else {
            return Err(ApiError::unprocessable("ERR_VALIDATION", "name: required"));
        };
        let input = ChannelInput {
            name: name.trim().to_owned(),
            r#type: self.r#type.unwrap_or(ChannelType::Whatsapp),
            is_default: self.is_default.unwrap_or(false),
            is_active: self.is_active.unwrap_or(true),
            farewell_message: given(self.farewell_message),
            chat_flow_id: self.chat_flow_id.flatten().map(ChatFlowId::new),
            token_telegram: given(self.token_telegram),
            instagram_user: given(self.instagram_user),
            instagram_key: given(self.instagram_key),
            token_api: given(self.token_api),
            waba_bsp: self.waba_bsp,
            fb_page_id: given(self.fb_page_id),
        };
        check_type_rules(&input)?;
        Ok(input)
    }

    /// The full new state of `current`: fields present in the body replace the current ones.
    ///
    /// The stored secrets (Telegram token, Instagram key, WABA API key) are never shown, so a
    /// body without them (or with an empty text, as the client's card sends) keeps them. The
    /// type rules run again only when the type changes.
    pub fn overlay(self, current: &Channel) -> ApiResult<ChannelInput> {
        let keep_or = |new: Option<String>, old: &Option<String>| match new {
            Some(v) if v.trim().is_empty() => None,
            Some(v) => Some(v),
            None => old.clone(),
        };
        let input = ChannelInput {
            name: self
                .name
                .map_or_else(|| current.name.clone(), |n| n.trim().to_owned()),
            r#type: self.r#type.unwrap_or(current.r#type),
            is_default: self.is_default.unwrap_or(current.is_default),
            is_active: self.is_active.unwrap_or(current.is_active),
            farewell_message: keep_or(self.farewell_message, &current.farewell_message),
            chat_flow_id: match self.chat_flow_id {
                Some(v) => v.map(ChatFlowId::new),
                None => current.chat_flow_id,
            },
            token_telegram: given(self.token_telegram),
            instagram_user: keep_or(self.instagram_user, &current.instagram_user),
            instagram_key: given(self.instagram_key),
            token_api: given(self.token_api),
            waba_bsp: self.waba_bsp.or(current.waba_bsp),
            fb_page_id: keep_or(self.fb_page_id, &current.fb_page_id),
        };
        if input.r#type != current.r#type {
            check_type_rules(&input)?;
        }
        Ok(input)
    }
}

/// What each kind of channel needs to work (behaviour.md §3.11 row 55).
pub fn check_type_rules(input: &ChannelInput) -> ApiResult<()> {
    let missing = match input.r#type {
        ChannelType::Telegram if input.token_telegram.is_none() => Some((
            "ERR_TELEGRAM_TOKEN_REQUIRED",
            "a telegram channel needs tokenTelegram",
        )),
        ChannelType::Instagram if input.instagram_user.is_none() => Some((
            "ERR_INSTAGRAM_USER_REQUIRED",
            "an instagram channel needs instagramUser",
        )),
        ChannelType::Waba if input.token_api.is_none() || input.waba_bsp.is_none() => Some((
            "ERR_WABA_CONFIG_REQUIRED",
            "a waba channel needs tokenAPI and wabaBSP",
        )),
        _ => None,
    };
    match missing {
        Some((code, message)) => Err(ApiError::bad_request(code, message)),
        None => Ok(()),
    }
}

/// An id that may be `null` (present: `Some(None)`), a number, a numeric string or `{id}`.
fn nullable_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i32>>, D::Error> {
    d.deserialize_any(NullableId).map(Some)
}

struct NullableId;

fn positive<E: de::Error>(v: i64) -> Result<Option<i32>, E> {
    i32::try_from(v)
        .ok()
        .filter(|v| *v > 0)
        .map(Some)
        .ok_or_else(|| E::custom(format!("ids are positive integers, not {v}")))
}

impl<'de> Visitor<'de> for NullableId {
    type Value = Option<i32>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a positive integer id, a numeric string, an object with an `id`, or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<i32>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<i32>, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<i32>, E> {
        positive(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<i32>, E> {
        positive(i64::try_from(v).unwrap_or(i64::MAX))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<i32>, E> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<i64>()
            .map_err(|_| E::custom(format!("ids are positive integers, not {v:?}")))
            .and_then(positive)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<i32>, A::Error> {
        let mut id = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "id" {
                id = Some(map.next_value::<serde_json::Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        match id {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::Number(n)) => n
                .as_i64()
                .ok_or_else(|| de::Error::custom("ids are positive integers"))
                .and_then(positive),
            Some(serde_json::Value::String(s)) => self.visit_str(&s),
            Some(_) => Err(de::Error::custom("ids are positive integers")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: serde_json::Value) -> ChannelBody {
        serde_json::from_value(v).unwrap_or_default()
    }

    #[test]
    fn chat_flow_ids_arrive_in_every_form() {
        assert_eq!(body(json!({})).chat_flow_id, None);
        assert_eq!(body(json!({"chatFlowId": null})).chat_flow_id, Some(None));
        assert_eq!(body(json!({"chatFlowId": 3})).chat_flow_id, Some(Some(3)));
        assert_eq!(body(json!({"chatFlowId": "4"})).chat_flow_id, Some(Some(4)));
        assert_eq!(
            body(json!({"chatFlowId": {"id": 5}})).chat_flow_id,
            Some(Some(5))
        );
        for bad in [
            json!({"chatFlowId": -1}),
            json!({"chatFlowId": "x"}),
            json!({"chatFlowId": true}),
        ] {
            assert!(serde_json::from_value::<ChannelBody>(bad).is_err());
        }
    }

    #[test]
    fn names_are_checked_after_trimming() {
        assert!(body(json!({"name": "  abc  "})).validate().is_ok());
        assert!(body(json!({"name": " ab "})).validate().is_err());
        assert!(body(json!({"name": "x".repeat(51)})).validate().is_err());
    }

    #[test]
    fn type_rules_need_the_credentials() {
        let code = |v| body(v).into_new().map_err(|e| e.code()).err();
        assert_eq!(
            code(json!({"name": "Tele", "type": "telegram"})),
            Some("ERR_TELEGRAM_TOKEN_REQUIRED")
        );
        assert_eq!(
            code(json!({"name": "Insta", "type": "instagram", "instagramUser": " "})),
            Some("ERR_INSTAGRAM_USER_REQUIRED")
        );
        assert_eq!(
            code(json!({"name": "Waba", "type": "waba", "tokenAPI": "k"})),
            Some("ERR_WABA_CONFIG_REQUIRED")
        );
        assert_eq!(
            code(json!({"name": "Waba", "type": "waba", "tokenAPI": "k", "wabaBSP": "360"})),
            None
        );
        assert_eq!(code(json!({"type": "whatsapp"})), Some("ERR_VALIDATION"));
    }
}
