//! Multilingual text.

use std::fmt;
use std::sync::Arc;

/// A text in one or more languages: a name, a description, a label or a title.
///
/// A text written as a plain string is in the model's default language. A text written
/// as a map keeps its languages in the order of the model's `languages`, the default
/// language first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Text(Repr);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Repr {
    Plain(Box<str>),
    /// Language codes are shared by every text of a model: one allocation per value.
    Multi(Box<[Pair]>),
    /// More than [`INDEX_FROM`] languages, with the pairs' positions sorted by language,
    /// so that [`Text::get`] is a binary search: a report draws each view in each of the
    /// model's languages, and a name in all of 100k languages was searched 100k times.
    Indexed(Box<Indexed>),
}

type Pair = (Arc<str>, Box<str>);

/// Texts in up to this many languages are searched in order.
const INDEX_FROM: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Indexed {
    pairs: Box<[Pair]>,
    /// Positions in `pairs`, sorted by language and then by position, so that the first
    /// of repeated languages is the one found, as a search in order finds it.
    by_lang: Box<[u32]>,
}

/// The representation of `pairs`: indexed when they are many.
fn multi(pairs: Vec<Pair>) -> Repr {
    if pairs.len() <= INDEX_FROM || u32::try_from(pairs.len()).is_err() {
        return Repr::Multi(pairs.into_boxed_slice());
    }
    let mut by_lang: Vec<u32> = (0..pairs.len())
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    by_lang.sort_by(|&a, &b| {
        pairs[a as usize]
            .0
            .cmp(&pairs[b as usize].0)
            .then(a.cmp(&b))
    });
    Repr::Indexed(Box::new(Indexed {
        pairs: pairs.into_boxed_slice(),
        by_lang: by_lang.into_boxed_slice(),
    }))
}

impl Text {
    /// A text in the default language.
    pub fn plain(s: impl Into<String>) -> Text {
        Text(Repr::Plain(s.into().into_boxed_str()))
    }

    /// A text from `(language, value)` pairs; the first pair is the default language.
    pub fn translated<L: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (L, V)>,
    ) -> Text {
        let pairs: Vec<_> = pairs
            .into_iter()
            .map(|(l, v)| (Arc::from(l.into()), v.into().into_boxed_str()))
            .collect();
        Text(multi(pairs))
    }

    /// A text from values in languages the model already holds.
    pub(crate) fn from_shared(pairs: Vec<(Arc<str>, Box<str>)>) -> Text {
        Text(multi(pairs))
    }

    /// The `(language, value)` pairs of a translated text; `None` for a plain string.
    fn pairs(&self) -> Option<&[Pair]> {
        match &self.0 {
            Repr::Plain(_) => None,
            Repr::Multi(pairs) => Some(pairs),
            Repr::Indexed(ix) => Some(&ix.pairs),
        }
    }

    /// The text in the default language.
    pub fn default_value(&self) -> &str {
        match (&self.0, self.pairs()) {
            (Repr::Plain(s), _) => s,
            (_, pairs) => pairs.and_then(<[Pair]>::first).map_or("", |(_, v)| v),
        }
    }

    /// The text in `lang`, if it was written in that language. A plain string counts as
    /// written in no particular language: use [`Text::resolve`] to fall back.
    pub fn get(&self, lang: &str) -> Option<&str> {
        match &self.0 {
            Repr::Plain(_) => None,
            Repr::Multi(pairs) => pairs.iter().find(|(l, _)| &**l == lang).map(|(_, v)| &**v),
            Repr::Indexed(ix) => {
                let at = ix
                    .by_lang
                    .partition_point(|&i| &*ix.pairs[i as usize].0 < lang);
                let (l, v) = &ix.pairs[*ix.by_lang.get(at)? as usize];
                (&**l == lang).then_some(&**v)
            }
        }
    }

    /// The text in `lang`, or in the default language when it has no such translation.
    pub fn resolve(&self, lang: Option<&str>) -> &str {
        lang.and_then(|l| self.get(l))
            .unwrap_or_else(|| self.default_value())
    }

    /// The `(language, value)` pairs, or `None` for a plain string.
    pub fn translations(&self) -> Option<impl Iterator<Item = (&str, &str)>> {
        self.pairs()
            .map(|pairs| pairs.iter().map(|(l, v)| (&**l, &**v)))
    }

    /// Every value in every language.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        let (plain, multi) = match (&self.0, self.pairs()) {
            (Repr::Plain(s), _) => (Some(&**s), &[][..]),
            (_, pairs) => (None, pairs.unwrap_or_default()),
        };
        plain.into_iter().chain(multi.iter().map(|(_, v)| &**v))
    }

    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self.pairs() {
            None => serde_json::Value::from(self.default_value()),
            Some(pairs) => serde_json::Value::Object(
                pairs
                    .iter()
                    .map(|(l, v)| (l.to_string(), serde_json::Value::from(&**v)))
                    .collect(),
            ),
        }
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.default_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_in_many_languages_finds_what_a_search_in_order_finds() {
        for n in [0, 1, 8, 9, 10, 50, 300] {
            // Repeated languages (the first one counts), in no sorted order.
            let pairs: Vec<(String, String)> = (0..n)
                .map(|i| (format!("l{}", (i * 7) % (n / 2 + 1)), format!("v{i}")))
                .collect();
            let text = Text::translated(pairs.clone());
            for probe in (0..n + 2).map(|i| format!("l{i}")).chain(["".into()]) {
                let expected = pairs
                    .iter()
                    .find(|(l, _)| *l == probe)
                    .map(|(_, v)| v.as_str());
                assert_eq!(text.get(&probe), expected, "{n} pairs, `{probe}`");
            }
            let values: Vec<&str> = text.values().collect();
            let written: Vec<&str> = pairs.iter().map(|(_, v)| v.as_str()).collect();
            assert_eq!(values, written, "{n} pairs keep their order");
            assert_eq!(text.default_value(), written.first().copied().unwrap_or(""));
        }
    }

    #[test]
    fn the_index_makes_no_text_larger() {
        // What a text was before texts in many languages had an index.
        #[allow(dead_code)]
        enum Unindexed {
            Plain(Box<str>),
            Multi(Box<[Pair]>),
        }
        assert_eq!(
            std::mem::size_of::<Text>(),
            std::mem::size_of::<Unindexed>()
        );
    }
}
