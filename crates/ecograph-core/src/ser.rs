//! `serde::Serialize` for the public value types (the `serde` feature, on by default):
//! each serialises as the CLI's JSON output writes it, and the CLI writes through these
//! impls.
//!
//! - ids, kinds, statuses, severities: the string used in model files (`"ra.B"`,
//!   `"depends_on"`, `"in_progress"`, `"error"`);
//! - periods, dates and durations: as written (`"2024-H2"`, `"2024-06-15"`, `"6w"`);
//! - a [`Text`]: a string when it was written as one, else an object from language to
//!   value, the default language first;
//! - an [`ElementIndex`]: its number;
//! - a [`Diagnostic`]: an object with `severity`, `code`, `message`, `file`, `line`,
//!   `column`, `path`, `id`, `suggestion` and `notes` (absent values are `null`), and
//!   [`Diagnostics`] a list of them.
//!
//! ```
//! use ecograph_core::{Period, RelationKind};
//! let p: Period = "2024-H2".parse()?;
//! assert_eq!(serde_json::to_string(&(p, RelationKind::DependsOn)).unwrap(), r#"["2024-H2","depends_on"]"#);
//! # Ok::<(), ecograph_core::Error>(())
//! ```

use crate::{
    Confidence, Date, Diagnostic, Diagnostics, Duration, ElementId, ElementIndex, ElementKind,
    Period, RelationKind, Severity, Status, Step, Text,
};
use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

macro_rules! as_str {
    ($($t:ty),+) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    )+};
}
as_str!(
    ElementId,
    ElementKind,
    RelationKind,
    Status,
    Severity,
    Confidence
);

macro_rules! display {
    ($($t:ty),+) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    )+};
}
display!(Period, Date, Duration);

impl Serialize for ElementIndex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.index() as u64)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.translations() {
            None => s.serialize_str(self.default_value()),
            Some(pairs) => {
                let pairs: Vec<(&str, &str)> = pairs.collect();
                let mut m = s.serialize_map(Some(pairs.len()))?;
                for (lang, value) in pairs {
                    m.serialize_entry(lang, value)?;
                }
                m.end()
            }
        }
    }
}

impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Diagnostic", 10)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("code", self.code)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("file", &self.file.as_deref())?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("column", &self.column)?;
        st.serialize_field("path", &self.path.to_string())?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("suggestion", &self.suggestion)?;
        st.serialize_field("notes", &self.notes)?;
        st.end()
    }
}

impl Serialize for Diagnostics {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.items.iter())
    }
}

/// `{"from": ID, "relation": KIND, "to": ID, "forward": BOOL}`: the step's own ends (the
/// element it leaves and the one it reaches), as `ecograph path --format json` prints.
impl Serialize for Step<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Step", 4)?;
        st.serialize_field("from", &self.from().id())?;
        st.serialize_field("relation", &self.relation().kind())?;
        st.serialize_field("to", &self.to().id())?;
        st.serialize_field("forward", &self.is_forward())?;
        st.end()
    }
}
