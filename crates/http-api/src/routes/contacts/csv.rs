//! Just enough CSV for contact import and export (RFC 4180): text decoding (UTF-8 with or
//! without BOM, UTF-16 with BOM, Windows-1252 as the fallback Excel uses on Brazilian
//! Windows), delimiter detection (comma, semicolon or tab), quoted fields, and a writer that
//! quotes properly and neutralises spreadsheet formulas. The build has no CSV or spreadsheet
//! crate, hence this small module.

use crate::error::{ApiError, ApiResult};

const ERR_INVALID_FILE: &str = "ERR_INVALID_FILE";

/// Decodes the bytes of an uploaded text file.
pub fn decode_text(bytes: &[u8]) -> ApiResult<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(ApiError::bad_request(
            ERR_INVALID_FILE,
            "the file is not a text CSV file (it contains binary data)",
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => Ok(bytes.iter().map(|b| windows_1252(*b)).collect()),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> ApiResult<String> {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| unit([pair[0], pair[1]]))
        .collect();
    String::from_utf16(&units)
        .map_err(|_| ApiError::bad_request(ERR_INVALID_FILE, "the file is not valid UTF-16 text"))
}

/// Windows-1252: Latin-1 plus typographic characters in 0x80..0x9F.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// The delimiter of the first line (outside quotes): the most frequent of `,`, `;` and tab,
/// comma on a tie or when none occurs.
pub fn detect_delimiter(text: &str) -> char {
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if !quoted => {
                if let Some(entry) = counts.iter_mut().find(|(d, _)| *d == c) {
                    entry.1 += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = counts[0];
    for entry in &counts[1..] {
        if entry.1 > best.1 {
            best = *entry;
        }
    }
    best.0
}

/// Splits `text` into records of fields. Blank lines are dropped. More than `max_records`
/// records is an error carrying `too_many`, so a huge file is refused without being held whole.
pub fn parse(
    text: &str,
    delimiter: char,
    max_records: usize,
    too_many: impl Fn() -> ApiError,
) -> ApiResult<Vec<Vec<String>>> {
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut push_record = |record: &mut Vec<String>| -> ApiResult<()> {
        let blank = record.iter().all(|f| f.trim().is_empty());
        let taken = std::mem::take(record);
        if !blank {
            if records.len() >= max_records {
                return Err(too_many());
            }
            records.push(taken);
        }
        Ok(())
    };
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                record.push(std::mem::take(&mut field));
                push_record(&mut record)?;
            }
            _ if c == delimiter => record.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(ApiError::bad_request(
            ERR_INVALID_FILE,
            "the CSV file ends inside a quoted field (a \" is not closed)",
        ));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        push_record(&mut record)?;
    }
    Ok(records)
}

/// A header cell reduced to compare column names: lower case, accents and separators removed
/// (`E-mail` → `email`, `Número` → `numero`).
pub fn header_key(cell: &str) -> String {
    cell.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'í' | 'ì' | 'î' | 'ï' => Some('i'),
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => Some('o'),
            'ú' | 'ù' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            '-' | '_' | ' ' | '.' | '\u{feff}' => None,
            other => Some(other),
        })
        .collect()
}

/// Builds a CSV text: comma-separated, CRLF line ends, UTF-8 with a BOM (so spreadsheet
/// programs read accents right).
#[derive(Debug)]
pub struct Writer {
    out: String,
}

impl Default for Writer {
    fn default() -> Self {
        Self {
            out: String::from('\u{feff}'),
        }
    }
}

impl Writer {
    /// A writer with the BOM written.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes one record.
    pub fn record<S: AsRef<str>>(&mut self, fields: &[S]) {
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.out.push_str(&quote(f.as_ref()));
        }
        self.out.push_str("\r\n");
    }

    /// The finished text as bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out.into_bytes()
    }
}

/// One field, quoted when needed. A text starting with `=`, `+`, `-`, `@`, tab or CR is
/// prefixed with `'` so that a spreadsheet shows it instead of running it as a formula.
fn quote(field: &str) -> String {
    let neutralised;
    let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutralised = format!("'{field}");
        neutralised.as_str()
    } else {
        field
    };
    let needs_quotes = field.contains([',', ';', '"', '\r', '\n'])
        || field.starts_with(' ')
        || field.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        let d = detect_delimiter(text);
        parse(text, d, 100, || ApiError::Internal("too many".into())).unwrap_or_default()
    }

    #[test]
    fn reads_comma_semicolon_and_tab_files() {
        assert_eq!(
            rows("nome,numero\nAna,5511\n"),
            vec![vec!["nome", "numero"], vec!["Ana", "5511"]]
        );
        assert_eq!(
            rows("nome;numero\r\n\"Silva, Ana\";5511\r\n\r\n"),
            vec![vec!["nome", "numero"], vec!["Silva, Ana", "5511"]]
        );
        assert_eq!(rows("a\tb\n1\t2"), vec![vec!["a", "b"], vec!["1", "2"]]);
    }

    #[test]
    fn quoted_fields_hold_quotes_newlines_and_delimiters() {
        assert_eq!(
            rows("a,b\n\"say \"\"hi\"\"\",\"two\nlines\"\n"),
            vec![vec!["a", "b"], vec!["say \"hi\"", "two\nlines"]]
        );
        let err = parse("a,\"open", ',', 10, || ApiError::Internal("x".into()));
        assert!(err.is_err());
    }

    #[test]
    fn too_many_records_is_refused() {
        let text = "h\n1\n2\n3\n";
        assert!(parse(text, ',', 3, || ApiError::Internal("x".into())).is_err());
        assert!(parse(text, ',', 4, || ApiError::Internal("x".into())).is_ok());
    }

    #[test]
    fn decodes_utf8_bom_utf16_and_windows_1252() {
        assert_eq!(
            decode_text(b"\xEF\xBB\xBFnome").ok().as_deref(),
            Some("nome")
        );
        assert_eq!(decode_text(b"Jo\xe3o \x80").ok().as_deref(), Some("João €"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Número".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_text(&utf16).ok().as_deref(), Some("Número"));
        assert!(decode_text(b"PK\x03\x04\x00\x00").is_err());
    }

    #[test]
    fn header_keys_ignore_case_accents_and_separators() {
        assert_eq!(header_key(" Número "), "numero");
        assert_eq!(header_key("E-mail"), "email");
        assert_eq!(header_key("\u{feff}NOME"), "nome");
    }

    #[test]
    fn writer_quotes_and_neutralises_formulas() {
        let mut w = Writer::new();
        w.record(&["id", "name"]);
        w.record(&["1", "Silva, \"Ana\""]);
        w.record(&["2", "=HYPERLINK(\"x\")"]);
        let text = String::from_utf8(w.into_bytes()).unwrap_or_default();
        assert_eq!(
            text,
            "\u{feff}id,name\r\n1,\"Silva, \"\"Ana\"\"\"\r\n2,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
        );
        let back = rows(text.trim_start_matches('\u{feff}'));
        assert_eq!(back[1], vec!["1", "Silva, \"Ana\""]);
    }
}
