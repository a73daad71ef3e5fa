//! One module per subcommand.

pub mod check;
pub mod fmt;
pub mod list;
pub mod path;
pub mod render;
pub mod schema;
pub mod show;
