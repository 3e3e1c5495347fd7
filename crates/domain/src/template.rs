//! Message templates (behaviour.md §1.5): `{{key}}` and `{key}` placeholders for the contact's
//! `name`, the ticket's `protocol` and a `greeting` by hour of day. Unknown keys render empty,
//! as in the reference; text without braces is returned as is.

/// Values a template may use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateValues<'a> {
    /// The contact's name.
    pub name: &'a str,
    /// The latest protocol number of the ticket.
    pub protocol: &'a str,
    /// Hour of day (0–23) that picks the greeting.
    pub hour: u32,
}

/// The greeting for an hour of day (Portuguese, as the reference).
pub fn greeting(hour: u32) -> &'static str {
    match hour {
        6..=11 => "Bom dia!",
        12..=17 => "Boa Tarde!",
        18..=23 => "Boa Noite!",
        _ => "Olá!",
    }
}

fn value_of<'a>(key: &str, v: &TemplateValues<'a>) -> &'a str {
    match key.trim() {
        "name" => v.name,
        "protocol" => v.protocol,
        "greeting" => greeting(v.hour),
        _ => "",
    }
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
}

/// Renders `{{key}}` and `{key}` placeholders; braces that do not enclose a key stay as text.
pub fn render(text: &str, values: &TemplateValues<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let (open, close) = if tail.starts_with("{{") {
            ("{{", "}}")
        } else {
            ("{", "}")
        };
        let inner = &tail[open.len()..];
        match inner.find(close) {
            Some(end) if is_key(&inner[..end]) => {
                out.push_str(value_of(&inner[..end], values));
                rest = &inner[end + close.len()..];
            }
            _ => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> TemplateValues<'static> {
        TemplateValues {
            name: "Ana",
            protocol: "(1)-7",
            hour: 9,
        }
    }

    #[test]
    fn renders_both_placeholder_styles() {
        assert_eq!(
            render("{{greeting}} {name}, protocolo {{protocol}}.", &values()),
            "Bom dia! Ana, protocolo (1)-7."
        );
    }

    #[test]
    fn unknown_keys_are_empty_and_stray_braces_stay() {
        assert_eq!(render("a {x} b", &values()), "a  b");
        assert_eq!(render("json {\"a\": 1} {", &values()), "json {\"a\": 1} {");
        assert_eq!(render("no braces", &values()), "no braces");
    }

    #[test]
    fn greetings_follow_the_hour() {
        assert_eq!(greeting(5), "Olá!");
        assert_eq!(greeting(12), "Boa Tarde!");
        assert_eq!(greeting(23), "Boa Noite!");
    }
}
