//! Strings without `format!` (std::fmt costs ~10 KB of wasm).

use crate::prelude::*;

/// `parts` joined.
pub(crate) fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `n` in decimal.
pub(crate) fn num(mut n: u64) -> String {
    // No indexing: a bounds check would keep panic formatting in the wasm.
    let mut digits = Vec::new();
    loop {
        digits.push(char::from(b'0' + (n % 10) as u8));
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}
