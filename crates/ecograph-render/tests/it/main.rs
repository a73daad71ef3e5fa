//! Integration tests of ecograph-render.

mod layout;
mod dot;
mod hostile;
mod mermaid;
mod svg;
mod views;
