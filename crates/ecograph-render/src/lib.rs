//! Diagrams of ecograph models.
pub mod layout;
pub mod text;
pub mod text_metrics;
