//! Integration tests of ecograph-render.

mod dot;
mod hostile;
mod layout;
mod mermaid;
mod svg;
mod views;
