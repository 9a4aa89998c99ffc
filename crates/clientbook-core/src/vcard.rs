//! vCard 2.1, 3.0 and 4.0 reading, 3.0 writing.
//!
//! Hand-written because the phonebook exports we must read break the rules the crates on
//! offer assume: 2.1 quoted-printable with soft breaks inside a multi-byte character, bare
//! 2.1 type parameters (`TEL;CELL:`), Windows-1251 charsets, Apple's grouped labels. A broken
//! card is reported with its line and never takes the rest of the file down with it.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::contact::{PhonebookContact, RawPhone};
use crate::phone::PhoneLabel;

/// A card that parsed, with its position in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// Position of the card in the file, from 0, counting broken cards too.
    pub index: usize,
    /// Line of its `BEGIN:VCARD`, from 1.
    pub line: usize,
    pub contact: PhonebookContact,
    /// Lines that were skipped or repaired, with their line numbers.
    pub warnings: Vec<String>,
}

/// A card that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CardError {
    pub index: usize,
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for CardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "card {} at line {}: {}",
            self.index, self.line, self.reason
        )
    }
}

#[derive(Debug, Default)]
pub struct ParsedFile {
    pub cards: Vec<Card>,
    pub errors: Vec<CardError>,
}

/// A logical line: folded and soft-broken physical lines joined.
struct Logical {
    line: usize,
    bytes: Vec<u8>,
}

fn physical_lines(input: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    input
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
}

fn params_part(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|b| *b == b':') {
        Some(p) => &bytes[..p],
        None => bytes,
    }
}

fn is_quoted_printable(bytes: &[u8]) -> bool {
    let head = params_part(bytes).to_ascii_uppercase();
    head.windows(16).any(|w| w == b"QUOTED-PRINTABLE")
}

fn logical_lines(input: &[u8]) -> Vec<Logical> {
    let mut out: Vec<Logical> = Vec::new();
    let mut qp_open = false;
    for (line, raw) in physical_lines(input) {
        if let Some(last) = out.last_mut() {
            if qp_open {
                // Quoted-printable soft break: the `=` goes, the next line continues the value.
                last.bytes.pop();
                last.bytes.extend_from_slice(raw);
                qp_open = last.bytes.ends_with(b"=");
                continue;
            }
            if matches!(raw.first(), Some(b' ' | b'\t')) {
                last.bytes.extend_from_slice(&raw[1..]);
                qp_open = is_quoted_printable(&last.bytes) && last.bytes.ends_with(b"=");
                continue;
            }
        }
        if raw.iter().all(|b| b.is_ascii_whitespace()) {
            qp_open = false;
            continue;
        }
        qp_open = is_quoted_printable(raw) && raw.ends_with(b"=");
        out.push(Logical {
            line,
            bytes: raw.to_vec(),
        });
    }
    out
}

/// One parsed property line.
struct Property<'a> {
    group: Option<String>,
    name: String,
    params: Vec<(String, String)>,
    value: &'a [u8],
}

impl Property<'_> {
    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn types(&self) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(|(k, _)| k == "TYPE")
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim_matches('"'))
    }
}

fn parse_property(bytes: &[u8]) -> Option<Property<'_>> {
    // The first colon outside double quotes ends the name and parameters.
    let mut in_quotes = false;
    let colon = bytes.iter().position(|b| {
        if *b == b'"' {
            in_quotes = !in_quotes;
        }
        *b == b':' && !in_quotes
    })?;
    let head = String::from_utf8_lossy(&bytes[..colon]);
    let mut parts = split_unquoted(&head, ';').into_iter();
    let full_name = parts.next()?.trim().to_ascii_uppercase();
    let (group, name) = match full_name.rsplit_once('.') {
        Some((g, n)) => (Some(g.to_string()), n.to_string()),
        None => (None, full_name),
    };
    if name.is_empty() {
        return None;
    }
    let params = parts
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (
                k.trim().to_ascii_uppercase(),
                v.trim().trim_matches('"').to_string(),
            ),
            // vCard 2.1 bare parameters: `TEL;CELL;PREF:` and `;QUOTED-PRINTABLE`.
            None => {
                let v = p.trim().to_ascii_uppercase();
                match v.as_str() {
                    "QUOTED-PRINTABLE" | "BASE64" | "8BIT" | "7BIT" | "B" => ("ENCODING".into(), v),
                    _ => ("TYPE".into(), v),
                }
            }
        })
        .collect();
    Some(Property {
        group,
        name,
        params,
        value: &bytes[colon + 1..],
    })
}

fn split_unquoted(s: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut in_quotes = false;
    for c in s.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        if c == sep && !in_quotes {
            out.push(String::new());
        } else if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

fn decode_qp(value: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'=' {
            let hex = value
                .get(i + 1..i + 3)
                .ok_or("quoted-printable escape cut short")?;
            let text = std::str::from_utf8(hex).map_err(|_| "bad quoted-printable escape")?;
            let byte = u8::from_str_radix(text, 16)
                .map_err(|_| format!("bad quoted-printable escape ={text}"))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(value[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Decodes the value bytes into text, honouring ENCODING and CHARSET.
fn decode_value(prop: &Property<'_>, warnings: &mut Vec<String>, line: usize) -> Option<String> {
    let encoding = prop.param("ENCODING").map(str::to_ascii_uppercase);
    let bytes: Cow<'_, [u8]> = match encoding.as_deref() {
        Some("QUOTED-PRINTABLE") => match decode_qp(prop.value) {
            Ok(b) => Cow::Owned(b),
            Err(reason) => {
                // Keep what can be read: a broken escape is more likely a stray `=` than data.
                warnings.push(format!(
                    "line {line}: {} value: {reason}; read as plain text",
                    prop.name
                ));
                Cow::Borrowed(prop.value)
            }
        },
        Some("B" | "BASE64") => return None,
        _ => Cow::Borrowed(prop.value),
    };
    let charset = prop.param("CHARSET").map(str::to_ascii_uppercase);
    let text = match charset.as_deref() {
        None | Some("UTF-8" | "UTF8" | "US-ASCII") => match std::str::from_utf8(&bytes) {
            Ok(s) => s.to_string(),
            Err(_) => {
                warnings.push(format!(
                    "line {line}: {} value is not valid UTF-8; damaged characters dropped",
                    prop.name
                ));
                String::from_utf8_lossy(&bytes).into_owned()
            }
        },
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(enc) => enc.decode(&bytes).0.into_owned(),
            None => {
                warnings.push(format!(
                    "line {line}: unknown charset {label}; read as UTF-8"
                ));
                String::from_utf8_lossy(&bytes).into_owned()
            }
        },
    };
    Some(text)
}

/// Splits on `sep` where it is not escaped by a backslash; pieces stay escaped.
fn split_escaped(value: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            out.push(&value[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&value[start..]);
    out
}

fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Structured value components (`N`, `ORG`), each unescaped.
fn components(value: &str) -> Vec<String> {
    split_escaped(value, ';')
        .into_iter()
        .map(unescape)
        .collect()
}

/// A component that may hold several values (`Philip,Paul`): joined with spaces.
fn multi_value(component: &str) -> Option<String> {
    let parts: Vec<String> = split_escaped(component, ',')
        .into_iter()
        .filter_map(|p| non_empty(&unescape(p)))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn text_value(value: &str) -> String {
    unescape(value)
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[derive(Default)]
struct CardBuilder {
    index: usize,
    line: usize,
    contact: PhonebookContact,
    warnings: Vec<String>,
    /// Apple `itemN.X-ABLabel` labels by group, applied to that group's TEL at the end.
    group_labels: Vec<(String, String)>,
    phone_groups: Vec<Option<String>>,
}

impl CardBuilder {
    fn apply(&mut self, logical: &Logical) {
        let Some(prop) = parse_property(&logical.bytes) else {
            self.warnings.push(format!(
                "line {}: not a vCard property (no name or no ':'); skipped",
                logical.line
            ));
            return;
        };
        let name = prop.name.clone();
        if matches!(name.as_str(), "PHOTO" | "LOGO" | "SOUND" | "KEY") {
            return;
        }
        let Some(text) = decode_value(&prop, &mut self.warnings, logical.line) else {
            return;
        };
        let c = &mut self.contact;
        match name.as_str() {
            "N" => {
                let parts = split_escaped(&text, ';');
                let part = |i: usize| parts.get(i).and_then(|p| multi_value(p));
                c.family_name = part(0);
                c.given_name = part(1);
                c.middle_name = part(2);
            }
            "FN" => c.display_name = non_empty(&text_value(&text)),
            "ORG" => c.organization = components(&text).first().and_then(|s| non_empty(s)),
            "NICKNAME" => {
                c.nickname = split_escaped(&text, ',')
                    .into_iter()
                    .find_map(|n| non_empty(&unescape(n)))
            }
            "UID" => c.platform_id = text_value(&text).trim().to_string(),
            "TEL" => {
                let number = text.trim().to_string();
                if number.is_empty() {
                    self.warnings
                        .push(format!("line {}: empty TEL skipped", logical.line));
                    return;
                }
                let label = PhoneLabel::from_type_names(prop.types());
                c.phones.push(RawPhone { number, label });
                self.phone_groups.push(prop.group.clone());
            }
            "EMAIL" => {
                if let Some(e) = non_empty(&text_value(&text)) {
                    c.emails.push(e);
                }
            }
            "X-ABLABEL" => {
                if let Some(g) = prop.group.clone() {
                    self.group_labels.push((g, text_value(&text)));
                }
            }
            _ => {}
        }
    }

    fn finish(mut self) -> Card {
        for (phone, group) in self.contact.phones.iter_mut().zip(&self.phone_groups) {
            let Some(group) = group else { continue };
            if let Some((_, label)) = self.group_labels.iter().find(|(g, _)| g == group) {
                let mapped = PhoneLabel::from_type_names([label.as_str()]);
                if mapped != PhoneLabel::Other {
                    phone.label = mapped;
                }
            }
        }
        Card {
            index: self.index,
            line: self.line,
            contact: self.contact,
            warnings: self.warnings,
        }
    }
}

fn is_line(bytes: &[u8], expected: &[u8]) -> bool {
    let trimmed = bytes.trim_ascii();
    trimmed.len() == expected.len() && trimmed.eq_ignore_ascii_case(expected)
}

/// Reads every card in a file. Never fails: what cannot be read is in `errors`.
pub fn parse(input: &[u8]) -> ParsedFile {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut file = ParsedFile::default();
    let mut current: Option<CardBuilder> = None;
    let mut next_index = 0;
    for logical in logical_lines(input) {
        if is_line(&logical.bytes, b"BEGIN:VCARD") {
            if let Some(open) = current.take() {
                file.errors.push(CardError {
                    index: open.index,
                    line: open.line,
                    reason: format!(
                        "card has no END:VCARD before the next card at line {}",
                        logical.line
                    ),
                });
            }
            current = Some(CardBuilder {
                index: next_index,
                line: logical.line,
                ..Default::default()
            });
            next_index += 1;
            continue;
        }
        if is_line(&logical.bytes, b"END:VCARD") {
            match current.take() {
                Some(card) => file.cards.push(card.finish()),
                None => file.errors.push(CardError {
                    index: next_index,
                    line: logical.line,
                    reason: "END:VCARD without a BEGIN:VCARD".into(),
                }),
            }
            continue;
        }
        match current.as_mut() {
            Some(card) => card.apply(&logical),
            None => file.errors.push(CardError {
                index: next_index,
                line: logical.line,
                reason: "text outside any BEGIN:VCARD … END:VCARD block".into(),
            }),
        }
    }
    if let Some(open) = current {
        file.errors.push(CardError {
            index: open.index,
            line: open.line,
            reason: "file ends before this card's END:VCARD".into(),
        });
    }
    tracing::debug!(
        cards = file.cards.len(),
        errors = file.errors.len(),
        "vcard parsed"
    );
    file
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Folds to 75 octets per line as RFC 2426 asks, never inside a UTF-8 character.
fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn tel_type(label: PhoneLabel) -> &'static str {
    match label {
        PhoneLabel::Mobile => "CELL",
        PhoneLabel::Main => "PREF",
        PhoneLabel::Work => "WORK",
        PhoneLabel::Home => "HOME",
        PhoneLabel::Fax => "FAX",
        PhoneLabel::Pager => "PAGER",
        PhoneLabel::Other => "VOICE",
    }
}

/// Writes contacts as vCard 3.0, the version every phone and address book imports.
pub fn write(contacts: &[PhonebookContact]) -> String {
    let mut out = String::new();
    for c in contacts {
        let opt = |s: &Option<String>| escape(s.as_deref().unwrap_or(""));
        out.push_str("BEGIN:VCARD\r\nVERSION:3.0\r\n");
        push_folded(
            &mut out,
            &format!(
                "N:{};{};{};;",
                opt(&c.family_name),
                opt(&c.given_name),
                opt(&c.middle_name)
            ),
        );
        let fn_text = c.display_name.clone().unwrap_or_else(|| {
            [&c.given_name, &c.middle_name, &c.family_name]
                .iter()
                .filter_map(|s| s.as_deref())
                .collect::<Vec<_>>()
                .join(" ")
        });
        push_folded(&mut out, &format!("FN:{}", escape(&fn_text)));
        if let Some(org) = &c.organization {
            push_folded(&mut out, &format!("ORG:{}", escape(org)));
        }
        for p in &c.phones {
            push_folded(
                &mut out,
                &format!("TEL;TYPE={}:{}", tel_type(p.label), escape(&p.number)),
            );
        }
        for e in &c.emails {
            push_folded(&mut out, &format!("EMAIL;TYPE=INTERNET:{}", escape(e)));
        }
        if !c.platform_id.is_empty() {
            push_folded(&mut out, &format!("UID:{}", escape(&c.platform_id)));
        }
        let _ = write!(out, "END:VCARD\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_21_quoted_printable_with_a_soft_break_inside_a_character() {
        // "Анна" = D0 90 D0 BD D0 BD D0 B0; the soft break splits the second character's bytes.
        let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=B2=D0=B0=D0=BD=D0=BE=D0=B2=D0=B0;=D0=90=D0=\r\n=BD=D0=BD=D0=B0;;;\r\nTEL;CELL;PREF:8 916 123-45-67\r\nTEL;HOME:+7 495 123 45 67\r\nEND:VCARD\r\n";
        let f = parse(text.as_bytes());
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let c = &f.cards[0].contact;
        assert_eq!(c.family_name.as_deref(), Some("Иванова"));
        assert_eq!(c.given_name.as_deref(), Some("Анна"));
        assert_eq!(
            c.phones[0],
            RawPhone {
                number: "8 916 123-45-67".into(),
                label: PhoneLabel::Mobile
            }
        );
        assert_eq!(c.phones[1].label, PhoneLabel::Home);
    }

    #[test]
    fn reads_30_folding_escapes_and_apple_labels() {
        let text = "BEGIN:VCARD\nVERSION:3.0\nN:Smith;Anna;;;\nFN:Anna\n  Smith\nORG:Beauty\\, Nails & Co;Dept\nitem1.TEL:+7 916 000 00 01\nitem1.X-ABLabel:_$!<Mobile>!$_\nTEL;TYPE=WORK,VOICE:+7 495 000 00 02\nEMAIL;TYPE=INTERNET:anna@example.com\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\n BBBB\nEND:VCARD\n";
        let f = parse(text.as_bytes());
        let c = &f.cards[0].contact;
        assert_eq!(c.display_name.as_deref(), Some("Anna Smith"));
        assert_eq!(c.organization.as_deref(), Some("Beauty, Nails & Co"));
        assert_eq!(c.phones[0].label, PhoneLabel::Mobile);
        assert_eq!(c.phones[1].label, PhoneLabel::Work);
        assert_eq!(c.emails, vec!["anna@example.com"]);
    }

    #[test]
    fn reads_40_tel_uris_and_quoted_params() {
        let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bob\r\nTEL;VALUE=uri;TYPE=\"voice,work\":tel:+1-212-555-0147;ext=55\r\nTEL;TYPE=cell;VALUE=uri:tel:+7-916-123-45-67\r\nEND:VCARD\r\n";
        let f = parse(text.as_bytes());
        let c = &f.cards[0].contact;
        assert_eq!(c.phones[0].number, "tel:+1-212-555-0147;ext=55");
        assert_eq!(c.phones[0].label, PhoneLabel::Work);
        assert_eq!(c.phones[1].label, PhoneLabel::Mobile);
    }

    #[test]
    fn windows_1251_charset() {
        // "Ольга" in Windows-1251, quoted-printable.
        let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=WINDOWS-1251;ENCODING=QUOTED-PRINTABLE:;=CE=EB=FC=E3=E0;;;\r\nEND:VCARD\r\n";
        let f = parse(text.as_bytes());
        assert_eq!(f.cards[0].contact.given_name.as_deref(), Some("Ольга"));
    }

    #[test]
    fn broken_cards_are_reported_with_lines_and_the_rest_still_reads() {
        let text = "BEGIN:VCARD\nFN:One\nBEGIN:VCARD\nFN:Two\nthis line has no colon\nEND:VCARD\nEND:VCARD\nBEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:;=ZZ;;;\nEND:VCARD\nBEGIN:VCARD\nFN:Cut\n";
        let f = parse(text.as_bytes());
        let errors: Vec<(usize, usize)> = f.errors.iter().map(|e| (e.index, e.line)).collect();
        assert_eq!(errors, vec![(0, 1), (2, 7), (3, 11)]);
        assert_eq!(f.cards.len(), 2);
        assert_eq!(f.cards[0].index, 1);
        assert_eq!(f.cards[0].contact.display_name.as_deref(), Some("Two"));
        assert!(
            f.cards[0].warnings[0].starts_with("line 5:"),
            "{:?}",
            f.cards[0].warnings
        );
        assert_eq!(f.cards[1].index, 2);
        assert!(f.cards[1].warnings[0].contains("quoted-printable"));
    }

    #[test]
    fn written_cards_read_back_the_same() {
        let contact = PhonebookContact {
            platform_id: "clientbook-7".into(),
            given_name: Some("Анна; \"Ann\"".into()),
            middle_name: Some("Сергеевна".into()),
            family_name: Some("Иванова-Петрова, мл.".into()),
            display_name: Some("Анна Иванова ".repeat(10).trim().to_string()),
            organization: None,
            nickname: None,
            phones: vec![RawPhone {
                number: "+79161234567".into(),
                label: PhoneLabel::Mobile,
            }],
            emails: vec!["anna@example.com".into()],
        };
        let text = write(std::slice::from_ref(&contact));
        assert!(text.lines().all(|l| l.len() <= 76), "{text}");
        let back = parse(text.as_bytes());
        assert!(back.errors.is_empty());
        assert_eq!(back.cards[0].contact, contact);
    }
}
