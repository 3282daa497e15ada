//! Repairs text whose UTF-8 was once decoded as Windows-1252 and re-encoded —
//! how the seed documents' emoji turned into `ðŸš€` — and strips emoji, which
//! are decoration, never content.
//!
//! A run of such characters is mapped back to the bytes it came from; when
//! those bytes are valid UTF-8 the run is replaced by what they spell (so a
//! mangled `Ã©` becomes `é` again). Runs that cannot be repaired but start with
//! a UTF-8 lead byte are remains of an emoji whose bytes were partly lost, and
//! are dropped. A lone accented letter is left as it is.

/// The Windows-1252 byte a character decodes from, for the non-ASCII range.
fn cp1252_byte(c: char) -> Option<u8> {
    let b = match c {
        '\u{A0}'..='\u{FF}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        // C1 controls survive some decoders unchanged.
        '\u{80}'..='\u{9F}' => c as u32 as u8,
        _ => return None,
    };
    Some(b)
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0xFE00..=0xFE0F | 0x200D | 0x20E3 | 0xE0020..=0xE007F)
}

/// Repairs mojibake, removes emoji and collapses the spaces they leave behind.
pub fn clean(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut repaired = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if cp1252_byte(chars[i]).is_none() {
            repaired.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        let mut bytes = Vec::new();
        while i < chars.len() {
            match cp1252_byte(chars[i]) {
                Some(b) => bytes.push(b),
                None => break,
            }
            i += 1;
        }
        match std::str::from_utf8(&bytes) {
            Ok(s) => repaired.push_str(s),
            Err(_) if bytes.len() >= 2 && bytes[0] >= 0xC2 => {}
            Err(_) => repaired.extend(&chars[start..i]),
        }
    }
    let without_emoji: String = repaired.chars().filter(|c| !is_emoji(*c)).collect();
    without_emoji
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn strips_mangled_emoji() {
        assert_eq!(clean("# ðŸš€ BEAST MODE"), "# BEAST MODE");
        assert_eq!(clean("## ðŸ“… QUARTER 1: X"), "## QUARTER 1: X");
        assert_eq!(clean("Done âœ… now"), "Done now");
        // 🐕 lost its 0x90 byte on the way: remains are dropped, not kept.
        assert_eq!(clean("Dog Fooding: ðŸ• MAXIMUM"), "Dog Fooding: MAXIMUM");
    }

    #[test]
    fn repairs_accents_and_keeps_real_text() {
        assert_eq!(clean("cafÃ© menu"), "café menu");
        assert_eq!(clean("café"), "café");
        assert_eq!(clean("15% → 60%"), "15% → 60%");
        assert_eq!(clean("Week 1-2: Fix"), "Week 1-2: Fix");
    }
}
