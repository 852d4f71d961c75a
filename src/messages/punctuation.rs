//! The catalogue's own rule for Japanese text: full-width brackets and colons inside Japanese
//! sentences. Held by the catalogue's tests and by the golden files' test.

/// Kana, kanji, Japanese punctuation and full-width forms.
pub fn japanese_char(c: char) -> bool {
    ('\u{3000}'..='\u{30ff}').contains(&c)
        || ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// An ASCII bracket or colon whose nearest neighbour (spaces skipped) on either side is
/// Japanese: Japanese sentences use （） and ：.
pub fn ascii_punctuation_in_japanese(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if !matches!(c, '(' | ')' | ':') {
            continue;
        }
        let before = chars.iter().take(i).rev().find(|c| **c != ' ');
        let after = chars.iter().skip(i + 1).find(|c| **c != ' ');
        if before.is_some_and(|c| japanese_char(*c)) || after.is_some_and(|c| japanese_char(*c)) {
            let from = i.saturating_sub(8);
            let to = (i + 9).min(chars.len());
            return Some(chars.iter().skip(from).take(to - from).collect());
        }
    }
    None
}
