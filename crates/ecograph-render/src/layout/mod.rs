//! Layered layout (in progress).
