//! Test doubles over the ports, for the tests of this crate and of the crates above it. Compiled
//! only with the `testing` feature, so no production binary carries them.

pub mod faults;
