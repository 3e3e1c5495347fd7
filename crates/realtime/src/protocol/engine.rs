//! Engine.IO protocol v4 (text packets only): `<type digit><data>`.

use serde::Serialize;

/// An Engine.IO packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnginePacket {
    /// `0` + handshake JSON (server → client).
    Open(String),
    /// `1`: close the transport.
    Close,
    /// `2` (+ optional data, e.g. `probe`).
    Ping(String),
    /// `3` (+ optional data).
    Pong(String),
    /// `4` + payload: a Socket.IO packet.
    Message(String),
    /// `5`: upgrade done.
    Upgrade,
    /// `6`: no-op (ends a pending poll during an upgrade).
    Noop,
}

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// Empty frame.
    #[error("empty Engine.IO packet")]
    Empty,
    /// Unknown type digit.
    #[error("unknown Engine.IO packet type {0:?}")]
    UnknownType(char),
}

impl EnginePacket {
    /// Parses one text packet.
    pub fn decode(text: &str) -> Result<EnginePacket, EngineError> {
        let mut chars = text.chars();
        let kind = chars.next().ok_or(EngineError::Empty)?;
        let rest = chars.as_str().to_owned();
        Ok(match kind {
            '0' => EnginePacket::Open(rest),
            '1' => EnginePacket::Close,
            '2' => EnginePacket::Ping(rest),
            '3' => EnginePacket::Pong(rest),
            '4' => EnginePacket::Message(rest),
            '5' => EnginePacket::Upgrade,
            '6' => EnginePacket::Noop,
            other => return Err(EngineError::UnknownType(other)),
        })
    }

    /// Writes one text packet.
    pub fn encode(&self) -> String {
        match self {
            EnginePacket::Open(data) => format!("0{data}"),
            EnginePacket::Close => "1".to_owned(),
            EnginePacket::Ping(data) => format!("2{data}"),
            EnginePacket::Pong(data) => format!("3{data}"),
            EnginePacket::Message(data) => format!("4{data}"),
            EnginePacket::Upgrade => "5".to_owned(),
            EnginePacket::Noop => "6".to_owned(),
        }
    }
}

/// The handshake of the `open` packet.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Handshake {
    /// Session id.
    pub sid: String,
    /// Transports the client may upgrade to.
    pub upgrades: Vec<&'static str>,
    /// Milliseconds between server pings.
    pub ping_interval: u64,
    /// Milliseconds the client has to answer a ping.
    pub ping_timeout: u64,
    /// Largest packet accepted, in bytes.
    pub max_payload: usize,
}

impl Handshake {
    /// The `open` packet text.
    pub fn packet(&self) -> String {
        EnginePacket::Open(serde_json::to_string(self).unwrap_or_default()).encode()
    }
}

/// Long-polling payloads join packets with the record separator (0x1e).
pub const RECORD_SEPARATOR: char = '\u{1e}';

/// Splits a long-polling payload into packets.
pub fn decode_payload(body: &str) -> Result<Vec<EnginePacket>, EngineError> {
    body.split(RECORD_SEPARATOR)
        .filter(|p| !p.is_empty())
        .map(EnginePacket::decode)
        .collect()
}

/// Joins packets into one long-polling payload.
pub fn encode_payload<'a>(packets: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, p) in packets.into_iter().enumerate() {
        if i > 0 {
            out.push(RECORD_SEPARATOR);
        }
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_round_trip() {
        for p in [
            EnginePacket::Open("{}".into()),
            EnginePacket::Close,
            EnginePacket::Ping("probe".into()),
            EnginePacket::Pong(String::new()),
            EnginePacket::Message("2[\"a\"]".into()),
            EnginePacket::Upgrade,
            EnginePacket::Noop,
        ] {
            assert_eq!(EnginePacket::decode(&p.encode()), Ok(p));
        }
        assert_eq!(EnginePacket::decode(""), Err(EngineError::Empty));
        assert_eq!(
            EnginePacket::decode("9"),
            Err(EngineError::UnknownType('9'))
        );
    }

    #[test]
    fn handshake_has_the_v4_fields() {
        let h = Handshake {
            sid: "abc".into(),
            upgrades: vec!["websocket"],
            ping_interval: 25_000,
            ping_timeout: 20_000,
            max_payload: 1_000_000,
        };
        assert_eq!(
            h.packet(),
            r#"0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#
        );
    }

    #[test]
    fn polling_payloads_use_the_record_separator() {
        let joined = encode_payload(["2", "40{}"]);
        assert_eq!(joined, "2\u{1e}40{}");
        assert_eq!(
            decode_payload(&joined),
            Ok(vec![
                EnginePacket::Ping(String::new()),
                EnginePacket::Message("0{}".into())
            ])
        );
    }
}
