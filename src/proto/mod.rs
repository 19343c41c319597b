//! The sans-IO protocol core (being built: see the protocol-core issue).
#![deny(unsafe_code)]
