//! ecograph ids <-> XML identifiers (`xs:ID`, an NCName), reversibly.
//!
//! An ecograph id (`[A-Za-z0-9][A-Za-z0-9_.:-]*`) that starts with a letter and holds
//! neither `_` nor `:` is written as it is. Any other id is written as `_` followed by
//! the id with `_` as `_5F` and `:` as `_3A`. Identifiers the exporter makes up for
//! things without an ecograph id start with `__`, which neither form can.

/// The XML identifier of an ecograph id.
pub(crate) fn encode(id: &str) -> String {
    let plain = id.starts_with(|c: char| c.is_ascii_alphabetic()) && !id.contains(['_', ':']);
    if plain {
        return id.to_owned();
    }
    let mut s = String::with_capacity(id.len() + 4);
    s.push('_');
    for c in id.chars() {
        match c {
            '_' => s.push_str("_5F"),
            ':' => s.push_str("_3A"),
            c => s.push(c),
        }
    }
    s
}

/// Whether `s` is a valid ecograph id.
pub(crate) fn is_ecograph_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'))
}

/// The ecograph id an XML identifier stands for, when it is one [`encode`] writes.
pub(crate) fn decode(ident: &str) -> Option<String> {
    if let Some(rest) = ident.strip_prefix('_') {
        if rest.starts_with('_') {
            return None;
        }
        let mut out = String::with_capacity(rest.len());
        let mut it = rest.split("_");
        out.push_str(it.next().unwrap_or(""));
        for part in it {
            if let Some(tail) = part.strip_prefix("5F") {
                out.push('_');
                out.push_str(tail);
            } else if let Some(tail) = part.strip_prefix("3A") {
                out.push(':');
                out.push_str(tail);
            } else {
                return None;
            }
        }
        return (is_ecograph_id(&out) && encode(&out) == ident).then_some(out);
    }
    is_ecograph_id(ident).then(|| ident.to_owned())
}

/// An ecograph id for an identifier that is not one [`decode`] understands (a tool's
/// own identifier such as `id-é1`): its characters outside the id syntax become `-`.
pub(crate) fn sanitize(ident: &str) -> String {
    let mut s: String = ident
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        s.insert(0, 'x');
    }
    s
}

/// Whether `s` is an XML NCName (what `xs:ID` and `xs:IDREF` values must be).
#[cfg(test)]
pub(crate) fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    let start = |c: char| c.is_alphabetic() || c == '_';
    matches!(chars.next(), Some(c) if start(c))
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '\u{B7}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_round_trips_and_is_an_ncname() {
        for id in [
            "tmt",
            "tj.A",
            "1st",
            "a_b",
            "a:b",
            "x_3A",
            "id-5",
            "A-b.c_5F:d",
            "9",
        ] {
            let e = encode(id);
            assert!(is_ncname(&e), "{e}");
            assert_eq!(decode(&e).as_deref(), Some(id), "{id} -> {e}");
            assert!(!e.starts_with("__"));
        }
        assert_eq!(decode("__rel.3"), None);
        assert_eq!(decode("_x_9Z"), None);
    }
}
