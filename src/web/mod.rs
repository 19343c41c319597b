//! Browser I/O that drives the protocol core.
