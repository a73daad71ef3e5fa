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
    Multi(Box<[(Arc<str>, Box<str>)]>),
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
        Text(Repr::Multi(pairs.into_boxed_slice()))
    }

    /// A text from values in languages the model already holds.
    pub(crate) fn from_shared(pairs: Vec<(Arc<str>, Box<str>)>) -> Text {
        Text(Repr::Multi(pairs.into_boxed_slice()))
    }

    /// The text in the default language.
    pub fn default_value(&self) -> &str {
        match &self.0 {
            Repr::Plain(s) => s,
            Repr::Multi(pairs) => pairs.first().map_or("", |(_, v)| v),
        }
    }

    /// The text in `lang`, if it was written in that language. A plain string counts as
    /// written in no particular language: use [`Text::resolve`] to fall back.
    pub fn get(&self, lang: &str) -> Option<&str> {
        match &self.0 {
            Repr::Plain(_) => None,
            Repr::Multi(pairs) => pairs.iter().find(|(l, _)| &**l == lang).map(|(_, v)| &**v),
        }
    }

    /// The text in `lang`, or in the default language when it has no such translation.
    pub fn resolve(&self, lang: Option<&str>) -> &str {
        lang.and_then(|l| self.get(l))
            .unwrap_or_else(|| self.default_value())
    }

    /// The `(language, value)` pairs, or `None` for a plain string.
    pub fn translations(&self) -> Option<impl Iterator<Item = (&str, &str)>> {
        match &self.0 {
            Repr::Plain(_) => None,
            Repr::Multi(pairs) => Some(pairs.iter().map(|(l, v)| (&**l, &**v))),
        }
    }

    /// Every value in every language.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        let (plain, multi) = match &self.0 {
            Repr::Plain(s) => (Some(&**s), &[][..]),
            Repr::Multi(pairs) => (None, &pairs[..]),
        };
        plain.into_iter().chain(multi.iter().map(|(_, v)| &**v))
    }

    pub(crate) fn to_json(&self) -> serde_json::Value {
        match &self.0 {
            Repr::Plain(s) => serde_json::Value::from(&**s),
            Repr::Multi(pairs) => serde_json::Value::Object(
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
