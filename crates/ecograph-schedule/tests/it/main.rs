//! Integration tests of ecograph-schedule, one binary.

mod schedule;
