//! What std's prelude would bring: the crate is `no_std`, so every module
//! that allocates imports this (`use crate::prelude::*;`). Each build
//! (host, wasm, tests) uses a different part of it.
#![allow(unused_imports)]

pub(crate) use alloc::borrow::ToOwned;
pub(crate) use alloc::boxed::Box;
pub(crate) use alloc::string::{String, ToString};
pub(crate) use alloc::vec;
pub(crate) use alloc::vec::Vec;
