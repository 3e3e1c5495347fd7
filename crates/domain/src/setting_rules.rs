//! Value rules of the known settings keys (behaviour.md §2, client-contract.md §9).
//!
//! The reference stores any text under any key; a typo in a toggle (`enable`) silently reads as
//! "off" there. Here every key the product knows has a rule, and an unknown key is refused as
//! not found, the reference's `ERR_NO_SETTING_FOUND`.

use crate::error::DomainError;

/// Code of an unknown key.
pub const ERR_NO_SETTING_FOUND: &str = "ERR_NO_SETTING_FOUND";
/// Code of a value that breaks its key's rule.
pub const ERR_INVALID_SETTING_VALUE: &str = "ERR_INVALID_SETTING_VALUE";

/// Longest `callRejectMessage`, in characters.
pub const MAX_CALL_REJECT_MESSAGE_CHARS: usize = 1_000;
/// Allowed range of `daysToClose`.
pub const DAYS_TO_CLOSE_RANGE: std::ops::RangeInclusive<u32> = 1..=3650;

/// The kind of value a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKind {
    /// `enabled` or `disabled`.
    Toggle,
    /// Free text of at most [`MAX_CALL_REJECT_MESSAGE_CHARS`] characters.
    Text,
    /// Empty (no default bot) or the positive id of a chat flow.
    OptionalId,
    /// A whole number of days in [`DAYS_TO_CLOSE_RANGE`].
    Days,
}

/// Every key a tenant may set, with the kind of its value.
pub const KNOWN_SETTINGS: &[(&str, SettingKind)] = &[
    ("userCreation", SettingKind::Toggle),
    ("NotViewTicketsQueueUndefined", SettingKind::Toggle),
    ("NotViewTicketsChatBot", SettingKind::Toggle),
    ("DirectTicketsToWallets", SettingKind::Toggle),
    ("NotViewAssignedTickets", SettingKind::Toggle),
    ("ignoreGroupMsg", SettingKind::Toggle),
    ("rejectCalls", SettingKind::Toggle),
    ("newTicketTransference", SettingKind::Toggle),
    ("callRejectMessage", SettingKind::Text),
    ("botTicketActive", SettingKind::OptionalId),
    ("daysToClose", SettingKind::Days),
];

/// The kind of a known key (keys are case-sensitive, as stored).
pub fn setting_kind(key: &str) -> Option<SettingKind> {
    KNOWN_SETTINGS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, kind)| *kind)
}

/// Checks a value against its key's rule: unknown key → not found `ERR_NO_SETTING_FOUND`;
/// a bad value → invalid `ERR_INVALID_SETTING_VALUE` with a message naming the key.
pub fn check_setting(key: &str, value: &str) -> Result<(), DomainError> {
    let kind =
        setting_kind(key).ok_or_else(|| DomainError::not_found("setting", ERR_NO_SETTING_FOUND))?;
    let ok = match kind {
        SettingKind::Toggle => matches!(value, "enabled" | "disabled"),
        SettingKind::Text => value.chars().count() <= MAX_CALL_REJECT_MESSAGE_CHARS,
        SettingKind::OptionalId => value.is_empty() || positive_integer(value).is_some(),
        SettingKind::Days => {
            positive_integer(value).is_some_and(|d| DAYS_TO_CLOSE_RANGE.contains(&d))
        }
    };
    if ok {
        return Ok(());
    }
    let rule = match kind {
        SettingKind::Toggle => "must be \"enabled\" or \"disabled\"".to_owned(),
        SettingKind::Text => {
            format!("must have at most {MAX_CALL_REJECT_MESSAGE_CHARS} characters")
        }
        SettingKind::OptionalId => "must be empty or the positive id of a chat flow".to_owned(),
        SettingKind::Days => format!(
            "must be a whole number of days from {} to {}",
            DAYS_TO_CLOSE_RANGE.start(),
            DAYS_TO_CLOSE_RANGE.end()
        ),
    };
    Err(DomainError::invalid(
        ERR_INVALID_SETTING_VALUE,
        format!("{key} {rule}"),
    ))
}

/// A plain decimal integer above zero that fits an `i32` id: ASCII digits only (no sign,
/// spaces, exponent or fraction).
fn positive_integer(value: &str) -> Option<u32> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value
        .parse::<i32>()
        .ok()
        .filter(|v| *v > 0)
        .and_then(|v| u32::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::settings::DEFAULT_SETTINGS;

    fn code(r: Result<(), DomainError>) -> &'static str {
        match r {
            Ok(()) => "OK",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn every_default_setting_is_known_and_valid() {
        for (key, value) in DEFAULT_SETTINGS {
            assert_eq!(check_setting(key, value), Ok(()), "{key}={value}");
        }
        assert_eq!(KNOWN_SETTINGS.len(), DEFAULT_SETTINGS.len());
    }

    #[test]
    fn unknown_keys_are_not_found() {
        for key in [
            "",
            "unknown",
            "rejectcalls",
            "RejectCalls",
            " rejectCalls",
            "daysToClose ",
        ] {
            let r = check_setting(key, "enabled");
            assert!(
                matches!(
                    r,
                    Err(DomainError::NotFound {
                        code: ERR_NO_SETTING_FOUND,
                        ..
                    })
                ),
                "{key:?}: {r:?}"
            );
        }
    }

    #[test]
    fn toggles_take_enabled_or_disabled_only() {
        for (key, kind) in KNOWN_SETTINGS {
            if *kind != SettingKind::Toggle {
                continue;
            }
            assert_eq!(code(check_setting(key, "enabled")), "OK");
            assert_eq!(code(check_setting(key, "disabled")), "OK");
            for bad in [
                "", "true", "false", "Enabled", "enable", " enabled", "1", "null",
            ] {
                assert_eq!(
                    code(check_setting(key, bad)),
                    ERR_INVALID_SETTING_VALUE,
                    "{key}={bad:?}"
                );
            }
        }
    }

    #[test]
    fn call_reject_message_is_bounded_text() {
        assert_eq!(code(check_setting("callRejectMessage", "")), "OK");
        assert_eq!(
            code(check_setting("callRejectMessage", "Só texto, por favor.")),
            "OK"
        );
        let at_limit = "é".repeat(MAX_CALL_REJECT_MESSAGE_CHARS);
        assert_eq!(code(check_setting("callRejectMessage", &at_limit)), "OK");
        let over = "a".repeat(MAX_CALL_REJECT_MESSAGE_CHARS + 1);
        let r = check_setting("callRejectMessage", &over);
        assert_eq!(code(r.clone()), ERR_INVALID_SETTING_VALUE);
        assert!(
            r.err()
                .is_some_and(|e| e.to_string().contains("callRejectMessage"))
        );
    }

    #[test]
    fn bot_ticket_active_is_empty_or_a_positive_id() {
        for good in ["", "1", "3", "2147483647"] {
            assert_eq!(
                code(check_setting("botTicketActive", good)),
                "OK",
                "{good:?}"
            );
        }
        for bad in [
            "0",
            "-1",
            "+1",
            "1.5",
            "abc",
            " 3",
            "3 ",
            "2147483648",
            "1e3",
            "null",
        ] {
            assert_eq!(
                code(check_setting("botTicketActive", bad)),
                ERR_INVALID_SETTING_VALUE,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn days_to_close_is_a_bounded_whole_number() {
        for good in ["1", "7", "30", "3650"] {
            assert_eq!(code(check_setting("daysToClose", good)), "OK", "{good:?}");
        }
        for bad in ["", "0", "-7", "3651", "7.5", "seven", "99999999999", " 7"] {
            assert_eq!(
                code(check_setting("daysToClose", bad)),
                ERR_INVALID_SETTING_VALUE,
                "{bad:?}"
            );
        }
    }
}
