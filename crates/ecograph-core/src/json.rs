//! JSON strings written without serde_json's byte-by-byte escape search when nothing in
//! them needs escaping, which is nearly every identifier, kind and name. The bytes are
//! always serde_json's: a string that needs any escape is handed to serde_json whole.

/// Appends `s` as a JSON string to `out`: the same bytes as `serde_json::to_writer`.
///
/// ```
/// let mut out = Vec::new();
/// ecograph_core::json::write_str(&mut out, "a \"b\"\n");
/// assert_eq!(out, br#""a \"b\"\n""#);
/// ```
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        // Writing into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Whether `b` holds a byte serde_json escapes: `"`, `\` or one below 0x20. Eight bytes
/// at a time, the last eight overlapping the word before; a string shorter than that
/// byte by byte through a table, without a branch per byte.
fn needs_escape(b: &[u8]) -> bool {
    if b.len() < 8 {
        return b.iter().fold(0, |a, &c| a | SPECIAL[usize::from(c)]) != 0;
    }
    let word = |w: &[u8]| {
        let mut a = [0; 8];
        a.copy_from_slice(w);
        word_needs_escape(u64::from_le_bytes(a))
    };
    b.chunks_exact(8).any(word) || word(&b[b.len() - 8..])
}

/// 1 for the bytes serde_json escapes.
static SPECIAL: [u8; 256] = {
    let mut t = [0; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 1;
        i += 1;
    }
    t[b'"' as usize] = 1;
    t[b'\\' as usize] = 1;
    t
};

/// Eight bytes at a time: a byte below 0x20, a zero byte after xor with `"` or with
/// `\` (the classic "has a byte less than n" test, exact as a yes/no for n ≤ 128).
fn word_needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    (below(w, 0x20)
        | below(w ^ (ONES * u64::from(b'"')), 1)
        | below(w ^ (ONES * u64::from(b'\\')), 1))
        != 0
}

#[cfg(test)]
mod tests {
    use super::write_str;
    use proptest::prelude::*;

    fn serde(s: &str) -> Vec<u8> {
        serde_json::to_vec(s).expect("a string prints")
    }

    #[test]
    fn every_single_byte_and_position_is_escaped_as_serde_json_does() {
        for c in (0u32..0x100).filter_map(char::from_u32) {
            for pre in 0..17 {
                let s = format!("{}{c}{}", "a".repeat(pre), "é".repeat(pre % 3));
                let mut out = Vec::new();
                write_str(&mut out, &s);
                assert_eq!(out, serde(&s), "{s:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn write_str_is_serde_jsons(s in "\\PC*|[\\x00-\\x7f]*|[ -~\u{80}-\u{10ffff}]*", pre in "[a-z]{0,9}") {
            let s = format!("{pre}{s}");
            let mut out = b"x".to_vec();
            write_str(&mut out, &s);
            let mut want = b"x".to_vec();
            want.extend(serde(&s));
            prop_assert_eq!(out, want);
        }
    }
}
