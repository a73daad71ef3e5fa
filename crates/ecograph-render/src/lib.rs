//! Diagrams of ecograph models.
pub mod layout;
