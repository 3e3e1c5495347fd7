//! Socket.IO protocol v5 (JSON only, no binary attachments):
//! `<type>[<namespace>,][<ack id>][<JSON>]`.

use serde_json::Value;

/// Largest ack id accepted (the client counts from 0).
const MAX_ACK_ID: u64 = u64::MAX / 10;

/// A Socket.IO packet.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketPacket {
    /// `0`: connect to a namespace, with the client's `auth` object (client → server), or the
    /// server's `{sid}` (server → client).
    Connect {
        /// Namespace (`/` by default).
        nsp: String,
        /// The JSON object, if any.
        data: Option<Value>,
    },
    /// `1`: leave a namespace.
    Disconnect {
        /// Namespace.
        nsp: String,
    },
    /// `2`: an event `[name, ...args]`, optionally asking for an ack.
    Event {
        /// Namespace.
        nsp: String,
        /// Ack id, when the sender waits for an answer.
        id: Option<u64>,
        /// Event name.
        name: String,
        /// Arguments.
        args: Vec<Value>,
    },
    /// `3`: the answer to an event with an ack id.
    Ack {
        /// Namespace.
        nsp: String,
        /// The event's ack id.
        id: u64,
        /// Answer arguments.
        args: Vec<Value>,
    },
    /// `4`: connection refused, with `{message}`.
    ConnectError {
        /// Namespace.
        nsp: String,
        /// The reason object.
        data: Value,
    },
}

/// Why a Socket.IO packet could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SocketError {
    /// Empty packet.
    #[error("empty Socket.IO packet")]
    Empty,
    /// Unknown or unsupported type (binary packets are not supported).
    #[error("unsupported Socket.IO packet type {0:?}")]
    UnsupportedType(char),
    /// Data that is not the expected JSON.
    #[error("malformed Socket.IO packet: {0}")]
    Malformed(String),
}

impl SocketPacket {
    /// Parses one packet (the payload of an Engine.IO `message`).
    pub fn decode(text: &str) -> Result<SocketPacket, SocketError> {
        let mut chars = text.chars();
        let kind = chars.next().ok_or(SocketError::Empty)?;
        let mut rest = chars.as_str();
        let mut nsp = "/".to_owned();
        if rest.starts_with('/') {
            let end = rest.find(',').unwrap_or(rest.len());
            nsp = rest[..end].to_owned();
            rest = rest.get(end + 1..).unwrap_or("");
        }
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let id = if digits > 0 {
            let parsed = rest[..digits]
                .parse::<u64>()
                .ok()
                .filter(|v| *v <= MAX_ACK_ID)
                .ok_or_else(|| SocketError::Malformed("ack id out of range".into()))?;
            rest = &rest[digits..];
            Some(parsed)
        } else {
            None
        };
        let data = if rest.is_empty() {
            None
        } else {
            Some(
                serde_json::from_str::<Value>(rest)
                    .map_err(|e| SocketError::Malformed(e.to_string()))?,
            )
        };
        match kind {
            '0' => Ok(SocketPacket::Connect { nsp, data }),
            '1' => Ok(SocketPacket::Disconnect { nsp }),
            '2' => {
                let Some(Value::Array(mut items)) = data else {
                    return Err(SocketError::Malformed(
                        "an event must be a JSON array".into(),
                    ));
                };
                if items.is_empty() {
                    return Err(SocketError::Malformed("an event needs a name".into()));
                }
                let Value::String(name) = items.remove(0) else {
                    return Err(SocketError::Malformed("an event name must be text".into()));
                };
                Ok(SocketPacket::Event {
                    nsp,
                    id,
                    name,
                    args: items,
                })
            }
            '3' => {
                let id = id.ok_or_else(|| SocketError::Malformed("an ack needs an id".into()))?;
                let args = match data {
                    Some(Value::Array(items)) => items,
                    None => Vec::new(),
                    Some(_) => {
                        return Err(SocketError::Malformed("ack data must be an array".into()));
                    }
                };
                Ok(SocketPacket::Ack { nsp, id, args })
            }
            '4' => Ok(SocketPacket::ConnectError {
                nsp,
                data: data.unwrap_or(Value::Null),
            }),
            other => Err(SocketError::UnsupportedType(other)),
        }
    }

    /// Writes one packet.
    pub fn encode(&self) -> String {
        fn prefix(kind: char, nsp: &str) -> String {
            if nsp == "/" {
                kind.to_string()
            } else {
                format!("{kind}{nsp},")
            }
        }
        match self {
            SocketPacket::Connect { nsp, data } => {
                let mut out = prefix('0', nsp);
                if let Some(d) = data {
                    out.push_str(&d.to_string());
                }
                out
            }
            SocketPacket::Disconnect { nsp } => prefix('1', nsp),
            SocketPacket::Event {
                nsp,
                id,
                name,
                args,
            } => {
                let mut out = prefix('2', nsp);
                if let Some(id) = id {
                    out.push_str(&id.to_string());
                }
                let mut items = Vec::with_capacity(args.len() + 1);
                items.push(Value::String(name.clone()));
                items.extend(args.iter().cloned());
                out.push_str(&Value::Array(items).to_string());
                out
            }
            SocketPacket::Ack { nsp, id, args } => {
                let mut out = prefix('3', nsp);
                out.push_str(&id.to_string());
                out.push_str(&Value::Array(args.clone()).to_string());
                out
            }
            SocketPacket::ConnectError { nsp, data } => {
                let mut out = prefix('4', nsp);
                out.push_str(&data.to_string());
                out
            }
        }
    }
}

/// The Engine.IO frame text of an event on the default namespace: `42["name",payload]`,
/// serialised once and shared by every recipient.
pub fn event_frame(name: &str, payload: &Value) -> String {
    let body = serde_json::to_string(&(name, payload)).unwrap_or_default();
    format!("42{body}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_what_socket_io_client_3_sends() {
        assert_eq!(
            SocketPacket::decode(r#"0{"token":"abc"}"#),
            Ok(SocketPacket::Connect {
                nsp: "/".into(),
                data: Some(json!({"token": "abc"}))
            })
        );
        assert_eq!(
            SocketPacket::decode(r#"2["1:joinNotification"]"#),
            Ok(SocketPacket::Event {
                nsp: "/".into(),
                id: None,
                name: "1:joinNotification".into(),
                args: vec![]
            })
        );
        assert_eq!(
            SocketPacket::decode(r#"212["tenant:1:joinChatBox","57"]"#),
            Ok(SocketPacket::Event {
                nsp: "/".into(),
                id: Some(12),
                name: "tenant:1:joinChatBox".into(),
                args: vec![json!("57")]
            })
        );
        assert_eq!(
            SocketPacket::decode("1"),
            Ok(SocketPacket::Disconnect { nsp: "/".into() })
        );
        assert_eq!(
            SocketPacket::decode("0/admin,"),
            Ok(SocketPacket::Connect {
                nsp: "/admin".into(),
                data: None
            })
        );
    }

    #[test]
    fn refuses_malformed_packets() {
        assert!(SocketPacket::decode("").is_err());
        assert!(SocketPacket::decode("2{\"a\":1}").is_err());
        assert!(SocketPacket::decode("2[]").is_err());
        assert!(SocketPacket::decode("2[5]").is_err());
        assert!(SocketPacket::decode("5-[]").is_err());
        assert!(SocketPacket::decode("2[\"x\"").is_err());
        assert!(SocketPacket::decode("299999999999999999999[\"x\"]").is_err());
    }

    #[test]
    fn writes_server_packets() {
        assert_eq!(
            SocketPacket::Connect {
                nsp: "/".into(),
                data: Some(json!({"sid": "s1"}))
            }
            .encode(),
            r#"0{"sid":"s1"}"#
        );
        assert_eq!(
            SocketPacket::ConnectError {
                nsp: "/".into(),
                data: json!({"message": "ERR_INVALID_TOKEN"})
            }
            .encode(),
            r#"4{"message":"ERR_INVALID_TOKEN"}"#
        );
        assert_eq!(
            SocketPacket::Ack {
                nsp: "/".into(),
                id: 7,
                args: vec![json!({"ok": true})]
            }
            .encode(),
            r#"37[{"ok":true}]"#
        );
        assert_eq!(
            event_frame("1:ticketList", &json!({"type": "chat:create"})),
            r#"42["1:ticketList",{"type":"chat:create"}]"#
        );
    }
}
