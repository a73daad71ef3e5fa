//! Text measurement and word wrapping with real font metrics.
//!
//! Widths come from the advance table of one sans-serif font
//! ([`FONT_FAMILY`], see [`crate::text_metrics`]); an SVG that uses these
//! measurements should name that font first in its `font-family` so boxes fit
//! the text a viewer actually sees. Kerning is ignored: it changes a label's
//! width by a percent or two, well inside the padding around labels.

use crate::text_metrics::{DENSE, DENSE_START, EXTRA, FALLBACK_ADVANCE, UNITS_PER_EM};

pub use crate::text_metrics::FONT_FAMILY;

/// Advance width of one character in font units.
fn advance(c: char) -> u16 {
    let cp = u32::from(c);
    if let Some(i) = cp.checked_sub(DENSE_START)
        && let Some(&w) = DENSE.get(i as usize)
    {
        // Zero in the dense table marks control characters: they draw nothing.
        return w;
    }
    if cp < DENSE_START {
        return 0;
    }
    if let Ok(i) = EXTRA.binary_search_by_key(&c, |&(ch, _)| ch) {
        return EXTRA[i].1;
    }
    if is_zero_width(cp) {
        0
    } else if is_wide(cp) {
        UNITS_PER_EM
    } else {
        FALLBACK_ADVANCE
    }
}

/// Combining marks, zero-width spaces and joiners, variation selectors.
fn is_zero_width(cp: u32) -> bool {
    matches!(cp,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF
        | 0x200B..=0x200F | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0xFEFF)
}

/// East Asian wide and fullwidth ranges, and emoji: about one em each.
fn is_wide(cp: u32) -> bool {
    matches!(cp,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD)
}

fn scale(font_size: f64) -> f64 {
    font_size / f64::from(UNITS_PER_EM)
}

/// Width of `s` set on one line in [`FONT_FAMILY`] at `font_size` (same unit
/// as the result, e.g. px).
///
/// Characters outside the metrics table get an average letter width (or one em
/// for CJK and emoji); control characters and combining marks get none.
#[must_use]
pub fn text_width(s: &str, font_size: f64) -> f64 {
    let units: u64 = s.chars().map(|c| u64::from(advance(c))).sum();
    units as f64 * scale(font_size)
}

/// Breaks `s` into lines no wider than `max_width` at `font_size`.
///
/// Lines break between words (any whitespace); `\n` forces a break and blank
/// lines are kept. A word wider than `max_width` on its own is split between
/// characters. Every line holds at least one character, so a `max_width`
/// smaller than one character (or not a positive number) gives one character
/// per line rather than looping. Runs of whitespace inside a line collapse to
/// one space. An empty `s` gives one empty line.
#[must_use]
pub fn wrap(s: &str, max_width: f64, font_size: f64) -> Vec<String> {
    // NaN compares false everywhere; zero gives the documented one-per-line.
    let max_width = if max_width > 0.0 { max_width } else { 0.0 };
    let scale = scale(font_size);
    let space = f64::from(advance(' ')) * scale;
    let mut lines = Vec::new();
    for paragraph in s.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        for word in paragraph.split_whitespace() {
            let word_width = text_width(word, font_size);
            if !line.is_empty() && line_width + space + word_width <= max_width {
                line.push(' ');
                line.push_str(word);
                line_width += space + word_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if word_width <= max_width {
                line.push_str(word);
                line_width = word_width;
                continue;
            }
            // Overlong word: fill lines character by character; the last
            // piece stays open so the next word may join it.
            line_width = 0.0;
            for c in word.chars() {
                let w = f64::from(advance(c)) * scale;
                if !line.is_empty() && line_width + w > max_width {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += w;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_widths() {
        // DejaVu Sans: 'a' is 1255 units of 2048.
        assert!((text_width("a", 2048.0) - 1255.0).abs() < 1e-9);
        assert!((text_width("äöå", 2048.0) - (1255.0 + 1253.0 + 1255.0)).abs() < 1e-9);
        assert!(text_width("\u{2013}", 2048.0) > 0.0);
        assert_eq!(text_width("", 12.0), 0.0);
        // Unknown characters still take room.
        assert!(text_width("\u{0416}", 12.0) > 0.0);
        assert!((text_width("漢", 10.0) - 10.0).abs() < 1e-9);
    }

    #[test]
    fn wrap_breaks_between_words() {
        let w = text_width("hello world", 12.0);
        assert_eq!(wrap("hello world", w, 12.0), vec!["hello world"]);
        assert_eq!(wrap("hello world", w - 1.0, 12.0), vec!["hello", "world"]);
        assert_eq!(wrap("", 10.0, 12.0), vec![""]);
        assert_eq!(wrap("a\n\nb", 100.0, 12.0), vec!["a", "", "b"]);
    }

    #[test]
    fn wrap_splits_long_words() {
        let lines = wrap("abcdefghij", text_width("abc", 12.0), 12.0);
        assert!(lines.len() >= 4);
        assert_eq!(lines.concat(), "abcdefghij");
        for l in &lines {
            assert!(text_width(l, 12.0) <= text_width("abc", 12.0) + 1e-9);
        }
        // Degenerate widths terminate with one character per line.
        assert_eq!(wrap("ab", 0.0, 12.0), vec!["a", "b"]);
        assert_eq!(wrap("ab", f64::NAN, 12.0), vec!["a", "b"]);
    }
}
