//! Integration tests of ecograph-render.

mod collapse;
mod dot;
mod highlight;
mod hostile;
mod layout;
mod mermaid;
mod mermaid_cli;
mod svg;
mod views;
