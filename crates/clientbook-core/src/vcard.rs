//! vCard 2.1, 3.0 and 4.0 reading, 3.0 writing.
//!
//! Hand-written because the phonebook exports we must read break the rules the crates on
//! offer assume: 2.1 quoted-printable with soft breaks inside a multi-byte character, bare
//! 2.1 type parameters (`TEL;CELL:`), Windows-1251 charsets, Apple's grouped labels. A broken
//! card is reported with its line and never takes the rest of the file down with it.

use std::borrow::Cow;
use std::collections::HashMap;
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
    /// Where the name and parameters end (the first `:`), once a joined piece has had one.
    head_end: Option<usize>,
    /// Whether the name and parameters say QUOTED-PRINTABLE.
    quoted_printable: bool,
}

const QUOTED_PRINTABLE: &[u8] = b"QUOTED-PRINTABLE";

impl Logical {
    fn new(line: usize, raw: &[u8]) -> Logical {
        let mut logical = Logical {
            line,
            bytes: Vec::with_capacity(raw.len()),
            head_end: None,
            quoted_printable: false,
        };
        logical.extend(raw);
        logical
    }

    /// Appends a continuation. Only the newly added bytes are searched for the head's end and
    /// the encoding, so a line folded a million times costs a million small steps, not a
    /// million rescans of everything joined so far.
    fn extend(&mut self, more: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(more);
        if self.head_end.is_some() {
            return;
        }
        let colon = more.iter().position(|b| *b == b':').map(|p| start + p);
        let end = colon.unwrap_or(self.bytes.len());
        // Back up so a keyword split across two pieces is still seen.
        let from = start.saturating_sub(QUOTED_PRINTABLE.len() - 1).min(end);
        if !self.quoted_printable {
            self.quoted_printable = self.bytes[from..end]
                .windows(QUOTED_PRINTABLE.len())
                .any(|w| w.eq_ignore_ascii_case(QUOTED_PRINTABLE));
        }
        self.head_end = colon;
    }
}

fn physical_lines(input: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    input
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
}

fn is_card_boundary(raw: &[u8]) -> bool {
    is_line(raw, b"BEGIN:VCARD") || is_line(raw, b"END:VCARD")
}

/// Joins physical lines into logical ones as they are read, so only one logical line is held
/// at a time, never a second copy of the whole file.
struct LogicalLines<'a, I: Iterator<Item = (usize, &'a [u8])>> {
    physical: I,
    pending: Option<Logical>,
    qp_open: bool,
}

fn logical_lines(input: &[u8]) -> LogicalLines<'_, impl Iterator<Item = (usize, &[u8])>> {
    LogicalLines {
        physical: physical_lines(input),
        pending: None,
        qp_open: false,
    }
}

impl<'a, I: Iterator<Item = (usize, &'a [u8])>> Iterator for LogicalLines<'a, I> {
    type Item = Logical;

    fn next(&mut self) -> Option<Logical> {
        for (line, raw) in self.physical.by_ref() {
            if let Some(last) = self.pending.as_mut() {
                // A soft break never swallows the card's end: a value cut after its last `=`
                // loses that `=`, not the card.
                if self.qp_open && !is_card_boundary(raw) {
                    // Quoted-printable soft break: the `=` goes, the next line continues the
                    // value.
                    last.bytes.pop();
                    last.extend(raw);
                    self.qp_open = last.bytes.ends_with(b"=");
                    continue;
                }
                if matches!(raw.first(), Some(b' ' | b'\t')) {
                    last.extend(&raw[1..]);
                    self.qp_open = last.quoted_printable && last.bytes.ends_with(b"=");
                    continue;
                }
            }
            if raw.iter().all(|b| b.is_ascii_whitespace()) {
                self.qp_open = false;
                continue;
            }
            let next = Logical::new(line, raw);
            self.qp_open = next.quoted_printable && raw.ends_with(b"=");
            if let Some(done) = self.pending.replace(next) {
                return Some(done);
            }
        }
        self.pending.take()
    }
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

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let digit = |b: u8| (b as char).to_digit(16);
    match pair {
        [hi, lo] => Some((digit(*hi)? * 16 + digit(*lo)?) as u8),
        _ => None,
    }
}

/// Decodes quoted-printable leniently: every good escape is decoded, a broken one (`=ZZ`, `=D`
/// cut short) is kept as written and a dangling `=` at the very end (a soft break with nothing
/// after it) is dropped. Returns the bytes and, when something was broken, what.
fn decode_qp(value: &[u8]) -> (Vec<u8>, Option<String>) {
    let mut out = Vec::with_capacity(value.len());
    let mut problem = None;
    let mut i = 0;
    while i < value.len() {
        if value[i] != b'=' {
            out.push(value[i]);
            i += 1;
            continue;
        }
        if let Some(byte) = value.get(i + 1..i + 3).and_then(hex_byte) {
            out.push(byte);
            i += 3;
        } else if i + 1 == value.len() {
            problem.get_or_insert_with(|| {
                "quoted-printable soft break with nothing after it; dropped".to_string()
            });
            i += 1;
        } else {
            problem.get_or_insert_with(|| {
                if i + 3 > value.len() {
                    "quoted-printable escape cut short; kept as written".to_string()
                } else {
                    "bad quoted-printable escape; kept as written".to_string()
                }
            });
            out.push(b'=');
            i += 1;
        }
    }
    (out, problem)
}

/// Decodes the value bytes into text, honouring ENCODING and CHARSET.
fn decode_value(prop: &Property<'_>, warnings: &mut Vec<String>, line: usize) -> Option<String> {
    let encoding = prop.param("ENCODING").map(str::to_ascii_uppercase);
    let bytes: Cow<'_, [u8]> = match encoding.as_deref() {
        Some("QUOTED-PRINTABLE") => {
            // Keep what can be read: a broken escape is more likely a stray `=` than data, and
            // the good escapes around it are still text.
            let (bytes, problem) = decode_qp(prop.value);
            if let Some(reason) = problem {
                warnings.push(format!("line {line}: {} value: {reason}", prop.name));
            }
            Cow::Owned(bytes)
        }
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

/// Warnings kept per card; a card damaged on more lines than this gets one line saying how many
/// more there were, so a file of junk lines cannot turn into a far larger list of warnings.
pub const MAX_WARNINGS_PER_CARD: usize = 20;

/// Numbers (and emails) read from one card. Real cards have a handful; a card past this is
/// damaged or hostile, and its extra lines are skipped with a warning.
pub const MAX_PHONES_PER_CARD: usize = 1_000;

/// Largest file read: ten times a 50,000-contact phonebook. A larger one is refused before
/// it is read, so memory stays bounded whatever the file.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Refuses a file over [`MAX_FILE_BYTES`] with a reason that says so.
pub fn check_size(bytes: u64) -> crate::Result<()> {
    if bytes > MAX_FILE_BYTES {
        return Err(crate::Error::BadInput(format!(
            "the phonebook file is {} MB; files up to {} MB are read",
            bytes.div_ceil(1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

#[derive(Default)]
struct CardBuilder {
    index: usize,
    line: usize,
    contact: PhonebookContact,
    warnings: Vec<String>,
    /// Warnings past [`MAX_WARNINGS_PER_CARD`], counted only.
    more_warnings: usize,
    /// Apple `itemN.X-ABLabel` labels by group (the first one of each group), applied to that
    /// group's TEL at the end.
    group_labels: HashMap<String, String>,
    phone_groups: Vec<Option<String>>,
}

impl CardBuilder {
    fn apply(&mut self, logical: &Logical) {
        self.apply_property(logical);
        if self.warnings.len() > MAX_WARNINGS_PER_CARD {
            self.more_warnings += self.warnings.len() - MAX_WARNINGS_PER_CARD;
            self.warnings.truncate(MAX_WARNINGS_PER_CARD);
        }
    }

    fn apply_property(&mut self, logical: &Logical) {
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
            "BDAY" => c.birthday = non_empty(&text_value(&text)),
            // The app's own export group, as its exports write it (and phones keep it).
            "CATEGORIES" => {
                c.in_app_group |= split_escaped(&text, ',').into_iter().any(|g| {
                    unescape(g)
                        .trim()
                        .eq_ignore_ascii_case(crate::contact::APP_GROUP)
                })
            }
            "TEL" => {
                let number = text.trim().to_string();
                if number.is_empty() {
                    self.warnings
                        .push(format!("line {}: empty TEL skipped", logical.line));
                    return;
                }
                if c.phones.len() >= MAX_PHONES_PER_CARD {
                    // Not a person's card any more; bounded so one card cannot eat the memory.
                    self.warnings.push(format!(
                        "line {}: more than {MAX_PHONES_PER_CARD} numbers on one card; the rest are skipped",
                        logical.line
                    ));
                    return;
                }
                let label = PhoneLabel::from_type_names(prop.types());
                c.phones.push(RawPhone { number, label });
                self.phone_groups.push(prop.group.clone());
            }
            "EMAIL" if c.emails.len() >= MAX_PHONES_PER_CARD => {}
            "EMAIL" => {
                if let Some(e) = non_empty(&text_value(&text)) {
                    c.emails.push(e);
                }
            }
            "X-ABLABEL" => {
                if let Some(g) = prop.group.clone() {
                    self.group_labels
                        .entry(g)
                        .or_insert_with(|| text_value(&text));
                }
            }
            _ => {}
        }
    }

    fn finish(mut self) -> Card {
        for (phone, group) in self.contact.phones.iter_mut().zip(&self.phone_groups) {
            let Some(group) = group else { continue };
            if let Some(label) = self.group_labels.get(group) {
                let mapped = PhoneLabel::from_type_names([label.as_str()]);
                if mapped != PhoneLabel::Other {
                    phone.label = mapped;
                }
            }
        }
        if self.more_warnings > 0 {
            self.warnings.push(format!(
                "{} more damaged line(s) in this card not listed",
                self.more_warnings
            ));
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

/// Lines outside any card, reported as one error per unbroken run so a file of junk cannot
/// turn into a far larger list of errors.
struct Stray {
    index: usize,
    first_line: usize,
    last_line: usize,
    lines: usize,
    reason: &'static str,
}

impl Stray {
    fn into_error(self) -> CardError {
        let reason = if self.lines == 1 {
            self.reason.to_string()
        } else {
            format!(
                "{} lines outside any BEGIN:VCARD … END:VCARD block (lines {}–{})",
                self.lines, self.first_line, self.last_line
            )
        };
        CardError {
            index: self.index,
            line: self.first_line,
            reason,
        }
    }
}

/// Reads every card in a file. Never fails: what cannot be read is in `errors`.
///
/// Memory: the file is read one logical line at a time; what is kept is the cards themselves,
/// at most [`MAX_WARNINGS_PER_CARD`] warnings per card and one error per run of stray lines.
pub fn parse(input: &[u8]) -> ParsedFile {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut file = ParsedFile::default();
    let mut current: Option<CardBuilder> = None;
    let mut stray: Option<Stray> = None;
    let mut next_index = 0;
    for logical in logical_lines(input) {
        let begin = is_line(&logical.bytes, b"BEGIN:VCARD");
        let end = !begin && is_line(&logical.bytes, b"END:VCARD");
        if current.is_none() {
            if begin {
                if let Some(run) = stray.take() {
                    file.errors.push(run.into_error());
                }
            } else {
                match stray.as_mut() {
                    Some(run) => {
                        run.last_line = logical.line;
                        run.lines += 1;
                    }
                    None => {
                        stray = Some(Stray {
                            index: next_index,
                            first_line: logical.line,
                            last_line: logical.line,
                            lines: 1,
                            reason: if end {
                                "END:VCARD without a BEGIN:VCARD"
                            } else {
                                "text outside any BEGIN:VCARD … END:VCARD block"
                            },
                        })
                    }
                }
                continue;
            }
        }
        if begin {
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
        if end {
            if let Some(card) = current.take() {
                file.cards.push(card.finish());
            }
        } else if let Some(card) = current.as_mut() {
            card.apply(&logical);
        }
    }
    if let Some(run) = stray {
        file.errors.push(run.into_error());
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

/// A TEL value: a phone number or `tel:` URI, not text, so it is written as it reads (`;ext=`
/// stays a plain `;`). Only line breaks and other control characters, which would end the line,
/// become spaces.
fn phone_value(number: &str) -> String {
    number
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
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
                &format!("TEL;TYPE={}:{}", tel_type(p.label), phone_value(&p.number)),
            );
        }
        for e in &c.emails {
            push_folded(&mut out, &format!("EMAIL;TYPE=INTERNET:{}", escape(e)));
        }
        if !c.platform_id.is_empty() {
            push_folded(&mut out, &format!("UID:{}", escape(&c.platform_id)));
        }
        if let Some(bday) = c.birthday.as_deref().and_then(crate::contact::birthday) {
            push_folded(&mut out, &format!("BDAY:{bday}"));
        }
        if c.in_app_group {
            push_folded(
                &mut out,
                &format!("CATEGORIES:{}", escape(crate::contact::APP_GROUP)),
            );
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
            in_app_group: false,
            birthday: None,
        };
        let text = write(std::slice::from_ref(&contact));
        assert!(text.lines().all(|l| l.len() <= 76), "{text}");
        let back = parse(text.as_bytes());
        assert!(back.errors.is_empty());
        assert_eq!(back.cards[0].contact, contact);
    }

    #[test]
    fn a_tel_uri_with_an_extension_survives_write_and_read() {
        // Found by the `vcard` fuzz target: TEL values were escaped as text, so `;ext=` came
        // back as `\;ext=` and gained a backslash on every export of a re-imported card.
        let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bob\r\nTEL;VALUE=uri:tel:+1-415-555-0134;ext=12\r\nEND:VCARD\r\n";
        let once = parse(text.as_bytes()).cards[0].contact.clone();
        assert_eq!(once.phones[0].number, "tel:+1-415-555-0134;ext=12");
        let twice = parse(write(std::slice::from_ref(&once)).as_bytes()).cards[0]
            .contact
            .clone();
        assert_eq!(twice, once);
        let mut broken = once.clone();
        broken.phones[0].number = "+7 916\r\nEND:VCARD\n123".into();
        let back = parse(write(&[broken, once]).as_bytes());
        assert!(back.errors.is_empty(), "{:?}", back.errors);
        assert_eq!(
            back.cards.len(),
            2,
            "a line break in a number cannot end the card"
        );
        assert_eq!(
            back.cards[0].contact.phones[0].number,
            "+7 916  END:VCARD 123"
        );
    }

    #[test]
    fn broken_quoted_printable_keeps_the_good_escapes() {
        let text = "BEGIN:VCARD\r\nVERSION:2.1\r\n\
                    N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=ZZ;=D0=90=D0=BD=D0=BD=D0=B0=D0;;;\r\n\
                    TEL;CELL:+7 916 000 00 01\r\n\
                    FN;ENCODING=QUOTED-PRINTABLE:Anna=\r\n\
                    END:VCARD\r\n\
                    BEGIN:VCARD\r\nFN:Next\r\nEND:VCARD\r\n";
        let f = parse(text.as_bytes());
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(
            f.cards.len(),
            2,
            "a soft break before END:VCARD does not eat the card"
        );
        let c = &f.cards[0].contact;
        assert_eq!(c.family_name.as_deref(), Some("И=ZZ"));
        // The cut `=D0` is not UTF-8: replaced, and reported.
        assert_eq!(c.given_name.as_deref(), Some("Анна\u{FFFD}"));
        assert_eq!(c.display_name.as_deref(), Some("Anna"));
        let w = &f.cards[0].warnings;
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].contains("bad quoted-printable escape"), "{w:?}");
        assert!(w[1].contains("not valid UTF-8"), "{w:?}");
        assert!(w[2].contains("soft break"), "{w:?}");
        let (bytes, problem) = decode_qp(b"=D0=9");
        assert_eq!(bytes, b"\xD0=9");
        assert!(problem.unwrap().contains("cut short"));
        // `u8::from_str_radix` took a sign: `=+1` is no escape.
        assert_eq!(decode_qp(b"a=+1"), (b"a=+1".to_vec(), decode_qp(b"=+1").1));
        assert!(decode_qp(b"=+1").1.is_some());
    }

    #[test]
    fn junk_lines_give_one_error_per_run_and_capped_warnings() {
        let mut text = String::from("junk\n".repeat(1000).as_str());
        text.push_str("BEGIN:VCARD\nFN:Anna\n");
        text.push_str(&"no colon\n".repeat(1000));
        text.push_str("TEL:+7 916 000 00 01\nEND:VCARD\nEND:VCARD\n");
        let f = parse(text.as_bytes());
        assert_eq!(f.errors.len(), 2, "{:?}", f.errors);
        assert_eq!((f.errors[0].index, f.errors[0].line), (0, 1));
        assert!(f.errors[0].reason.contains("1000 lines"), "{}", f.errors[0]);
        assert_eq!(f.errors[1].reason, "END:VCARD without a BEGIN:VCARD");
        let card = &f.cards[0];
        assert_eq!(card.contact.phones.len(), 1);
        assert_eq!(card.warnings.len(), MAX_WARNINGS_PER_CARD + 1);
        assert!(card.warnings[MAX_WARNINGS_PER_CARD].starts_with("980 more"));
    }

    #[test]
    fn the_first_apple_label_of_a_group_wins() {
        let text = "BEGIN:VCARD\nitem1.TEL:+7 916 000 00 01\nitem1.X-ABLabel:_$!<Home>!$_\nitem1.X-ABLabel:_$!<Mobile>!$_\nitem2.TEL:+7 916 000 00 02\nitem3.X-ABLabel:Mobile\nEND:VCARD\n";
        let c = &parse(text.as_bytes()).cards[0].contact;
        assert_eq!(c.phones[0].label, PhoneLabel::Home);
        assert_eq!(c.phones[1].label, PhoneLabel::Other);
    }

    #[test]
    fn quoted_printable_found_across_a_fold_in_the_parameters() {
        let text =
            "BEGIN:VCARD\nFN;ENCODING=QUOTED-\n PRINTABLE:=D0=90=D0=\n=BD=D0=BD=D0=B0\nEND:VCARD\n";
        let f = parse(text.as_bytes());
        assert_eq!(f.cards[0].contact.display_name.as_deref(), Some("Анна"));
    }

    #[test]
    fn one_card_reads_at_most_a_thousand_numbers() {
        let mut text = String::from("BEGIN:VCARD\r\nFN:Many\r\n");
        for i in 0..1_005 {
            text.push_str(&format!("TEL:+7916{i:07}\r\n"));
        }
        text.push_str("END:VCARD\r\n");
        let f = parse(text.as_bytes());
        assert_eq!(f.cards[0].contact.phones.len(), MAX_PHONES_PER_CARD);
        assert!(f.cards[0]
            .warnings
            .iter()
            .any(|w| w.contains("more than 1000 numbers")));
        assert!(check_size(MAX_FILE_BYTES).is_ok());
        let err = check_size(MAX_FILE_BYTES + 1).unwrap_err().to_string();
        assert!(err.contains("up to 64 MB"), "{err}");
    }

    #[test]
    fn the_apps_export_group_survives_a_round_trip_as_categories() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ours\r\nTEL:+79160000001\r\nCATEGORIES:Friends,altegio clients\r\nEND:VCARD\r\n\
                    BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Theirs\r\nTEL:+79160000002\r\nCATEGORIES:Friends\r\nEND:VCARD\r\n";
        let f = parse(text.as_bytes());
        let groups: Vec<bool> = f.cards.iter().map(|c| c.contact.in_app_group).collect();
        assert_eq!(groups, vec![true, false]);
        let written = write(&[f.cards[0].contact.clone(), f.cards[1].contact.clone()]);
        assert_eq!(written.matches("CATEGORIES:Altegio clients").count(), 1);
        let again = parse(written.as_bytes());
        let groups: Vec<bool> = again.cards.iter().map(|c| c.contact.in_app_group).collect();
        assert_eq!(groups, vec![true, false]);
    }

    #[test]
    fn birthdays_are_read_as_given_and_written_as_full_dates() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nTEL:+79160000001\r\nBDAY:19850312\r\nEND:VCARD\r\n\
                    BEGIN:VCARD\r\nVERSION:4.0\r\nFN:B\r\nTEL:+79160000002\r\nBDAY:--0312\r\nEND:VCARD\r\n";
        let f = parse(text.as_bytes());
        let raw: Vec<Option<&str>> = f
            .cards
            .iter()
            .map(|c| c.contact.birthday.as_deref())
            .collect();
        assert_eq!(raw, vec![Some("19850312"), Some("--0312")]);
        let written = write(&[f.cards[0].contact.clone(), f.cards[1].contact.clone()]);
        assert_eq!(
            written.matches("BDAY:").count(),
            1,
            "no year, no date: {written}"
        );
        assert!(written.contains("BDAY:1985-03-12"));
    }
}
