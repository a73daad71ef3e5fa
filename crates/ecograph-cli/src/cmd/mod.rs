//! One module per subcommand.

pub mod check;
pub mod completions;
pub mod diff;
pub mod export;
pub mod fmt;
pub mod impact;
pub mod import;
pub mod list;
pub mod markdown;
pub mod path;
pub mod render;
pub mod report;
pub mod schedule;
pub mod schema;
pub mod show;
pub mod since;
pub mod why;
