//! The stored form of one presence entry: hash field = `<user id>@<instance>`, value =
//! `{"name": "...", "status": "online"|"idle", "at": <Unix ms>}`.

use serde::Deserialize;
use tiktickets_domain::ids::UserId;

use crate::presence::{PresenceEntry, PresenceStatus};

/// What a stored field reads as.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Decoded {
    /// A fresh, well-formed entry.
    Present(PresenceEntry),
    /// Stale or unreadable: treated as absent (and pruned).
    Gone,
}

#[derive(Deserialize)]
struct Stored {
    name: String,
    status: String,
    /// Written as an integer by us, possibly as a float by the keep-alive script.
    at: serde_json::Number,
    /// When the status was set (the keep-alive leaves it alone); older entries lack it.
    #[serde(default)]
    set: Option<serde_json::Number>,
}

fn millis(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))
}

/// When a stored entry's status was set (its write time for entries without `set`); 0 when
/// unreadable. Across instances, the latest status wins.
pub(super) fn set_time(value: &str) -> i64 {
    serde_json::from_str::<Stored>(value)
        .ok()
        .and_then(|s| s.set.as_ref().and_then(millis).or_else(|| millis(&s.at)))
        .unwrap_or(0)
}

/// Now, in Unix milliseconds.
pub(super) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The stored value of an entry written at `at` (Unix ms).
pub(super) fn encode(name: &str, status: PresenceStatus, at: i64) -> String {
    serde_json::json!({"name": name, "status": status.as_str(), "at": at, "set": at}).to_string()
}

/// Reads a stored field; entries written more than `ttl_ms` before `now` are gone. Entries
/// from the future (clock skew between instances) count as fresh.
pub(super) fn decode(field: &str, value: &str, now: i64, ttl_ms: i64) -> Decoded {
    let user_part = field.split_once('@').map_or(field, |(user, _)| user);
    let Ok(user) = user_part.parse::<UserId>() else {
        return Decoded::Gone;
    };
    let Ok(stored) = serde_json::from_str::<Stored>(value) else {
        return Decoded::Gone;
    };
    let at = millis(&stored.at);
    let (Some(at), Some(status)) = (at, PresenceStatus::parse(&stored.status)) else {
        return Decoded::Gone;
    };
    if now.saturating_sub(at) > ttl_ms {
        return Decoded::Gone;
    }
    Decoded::Present(PresenceEntry {
        user,
        name: stored.name,
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    fn present(user: i32, name: &str, status: PresenceStatus) -> Decoded {
        Decoded::Present(PresenceEntry {
            user: UserId::new(user),
            name: name.into(),
            status,
        })
    }

    #[test]
    fn round_trips_fresh_entries() {
        let value = encode("Ana \"A\"", PresenceStatus::Idle, NOW - 1_000);
        assert_eq!(
            decode("7", &value, NOW, 5_000),
            present(7, "Ana \"A\"", PresenceStatus::Idle)
        );
        let online = encode("Bo", PresenceStatus::Online, NOW);
        assert_eq!(
            decode("8", &online, NOW, 5_000),
            present(8, "Bo", PresenceStatus::Online)
        );
    }

    #[test]
    fn stale_entries_are_gone_and_future_ones_fresh() {
        let old = encode("Ana", PresenceStatus::Online, NOW - 5_001);
        assert_eq!(decode("7", &old, NOW, 5_000), Decoded::Gone);
        let edge = encode("Ana", PresenceStatus::Online, NOW - 5_000);
        assert!(matches!(
            decode("7", &edge, NOW, 5_000),
            Decoded::Present(_)
        ));
        let skewed = encode("Ana", PresenceStatus::Online, NOW + 60_000);
        assert!(matches!(
            decode("7", &skewed, NOW, 5_000),
            Decoded::Present(_)
        ));
    }

    #[test]
    fn accepts_the_keep_alive_scripts_spelling() {
        // Lua's cjson writes `/` escaped and may write numbers as floats.
        let value = r#"{"status":"online","at":1.7e12,"name":"a\/b"}"#;
        assert_eq!(
            decode("3", value, NOW, 5_000),
            present(3, "a/b", PresenceStatus::Online)
        );
    }

    #[test]
    fn malformed_entries_are_gone() {
        let good = encode("Ana", PresenceStatus::Online, NOW);
        for (field, value) in [
            ("x", good.as_str()),
            ("0", good.as_str()),
            ("7", "not json"),
            ("7", r#"{"name":"Ana","status":"away","at":1}"#),
            ("7", r#"{"name":"Ana","status":"online"}"#),
        ] {
            assert_eq!(
                decode(field, value, NOW, i64::MAX),
                Decoded::Gone,
                "{value}"
            );
        }
    }
}
