//! Integration tests of ecograph-render.

mod layout;
