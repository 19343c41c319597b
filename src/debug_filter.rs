//! The `debug` package's namespace patterns (`localStorage.debug`), kept
//! apart from the browser code so it is tested natively.

/// The `debug` package's rule: names separated by commas or spaces, `*` as
/// a wildcard, a leading `-` excludes.
pub(crate) fn matches(patterns: &str, name: &str) -> bool {
    let mut on = false;
    for pattern in patterns.split([',', ' ']).filter(|p| !p.is_empty()) {
        match pattern.strip_prefix('-') {
            Some(excluded) if glob(excluded, name) => return false,
            Some(_) => {}
            None => on |= glob(pattern, name),
        }
    }
    on
}

fn glob(pattern: &str, name: &str) -> bool {
    // A byte search and `get` (not `split_once`, `[i..]`): no panic path, so
    // no panic formatting in the wasm.
    let star = pattern.bytes().position(|c| c == b'*');
    let parts = star.and_then(|i| Some((pattern.get(..i)?, pattern.get(i + 1..)?)));
    match parts {
        None => pattern == name,
        Some((head, rest)) => {
            let Some(tail) = name.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len()).any(|i| tail.get(i..).is_some_and(|t| glob(rest, t)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    /// The cases js/debug.ts (the npm package's copy) passes too.
    #[test]
    fn patterns_as_the_debug_package() {
        let cases: serde_json::Value =
            serde_json::from_str(include_str!("../tests/vectors/debug-patterns.json"))
                .expect("the vector file is JSON");
        let cases = cases.as_array().expect("an array of cases");
        assert!(cases.len() >= 10);
        for case in cases {
            let patterns = case["patterns"].as_str().expect("patterns");
            let enabled = case["enabled"].as_bool().expect("enabled");
            assert_eq!(
                matches(patterns, "socketio-wasm:runtime"),
                enabled,
                "{patterns:?}"
            );
        }
    }
}
