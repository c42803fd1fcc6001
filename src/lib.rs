//! leakprov's library: everything the binary runs, so tests and other front ends can reach it.
#![forbid(unsafe_code)]

pub mod dkim;
