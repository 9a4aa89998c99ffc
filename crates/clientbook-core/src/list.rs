//! What the import and export lists share: paging, and the search box's matching.
//!
//! A screen never copies a 50,000-row list per redraw: it pages it. The search box matches
//! names case-insensitively and numbers by their digits, so `8 916` finds `+7 (916) …`.

/// Rows `offset..offset + limit` of a list, fewer at its end, none past it.
pub(crate) fn page<T>(rows: &[T], offset: u64, limit: u64) -> &[T] {
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(rows.len());
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(rows.len());
    &rows[start..end]
}

/// A search box's text: case-insensitive on names; its digits match any spelling of a number.
pub(crate) struct TextQuery {
    needle: String,
    digits: String,
}

impl TextQuery {
    pub(crate) fn new(query: &str) -> Self {
        let needle = query.trim().to_lowercase();
        let digits = needle.chars().filter(char::is_ascii_digit).collect();
        TextQuery { needle, digits }
    }

    pub(crate) fn matches<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
        numbers: impl IntoIterator<Item = &'a str>,
    ) -> bool {
        if self.needle.is_empty() {
            return true;
        }
        names
            .into_iter()
            .any(|n| n.to_lowercase().contains(&self.needle))
            || (!self.digits.is_empty()
                && numbers.into_iter().any(|n| {
                    n.chars()
                        .filter(char::is_ascii_digit)
                        .collect::<String>()
                        .contains(&self.digits)
                }))
    }
}
