//! The modules of `src/proto` and of `src/web` form a chain: each may use
//! only the modules before it in its chain below, so there is no import
//! cycle and a newcomer can read the code bottom up. This test reads the
//! sources (every `super::x`, `super::super::x`, `crate::proto::x` and
//! `crate::web::x` path outside comments, `use` lines included) and fails
//! when a module reaches one declared later in its chain, or one the chain
//! does not know (add a new module to the chain where it belongs).

use std::fs;
use std::path::Path;

/// `src/proto`, bottom up. A module may use only the ones before it.
const PROTO: &[&str] = &[
    // Leaves: no protocol knowledge.
    "error",
    "queue",
    "rng",
    "backoff",
    // Codecs.
    "json",
    "engine_codec",
    "packet",
    "payloads",
    // What the state machines share.
    "config",
    "ids",
    "events",
    "stats",
    "timer",
    // State machines: the Engine.IO session, the namespace sockets, the Manager.
    "transport",
    "session",
    "socket",
    "manager",
];

/// `src/web`, bottom up (it may use all of `src/proto`).
const WEB: &[&str] = &[
    "glue",
    "sys",
    "debug",
    "payload",
    "sink",
    "websocket",
    "polling",
    "event",
    "listeners",
    "driver",
    "api",
    "typed",
];

/// The module a file belongs to: `session.rs` and `session/probe.rs` both
/// belong to `session` (its children may use its private items).
fn module_of(dir: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(dir).unwrap();
    let first = rel.components().next().unwrap().as_os_str();
    first.to_string_lossy().trim_end_matches(".rs").to_string()
}

/// The `.rs` files under `dir`, recursively.
fn sources(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The first identifier of `s`.
fn ident(s: &str) -> &str {
    let s = s.trim_start();
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The modules of `chain` that `text` names, as `(line, module)`: `text` is
/// a file `depth` directories below the chain's root `crate::{root}`.
fn imports(text: &str, depth: usize, root: &str, chain: &[&str]) -> Vec<(usize, String)> {
    let prefixes = ["super::".repeat(depth + 1), format!("crate::{root}::")];
    let mut found = Vec::new();
    // Inside a braced `use` list spread over several lines.
    let mut in_list = false;
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut names: Vec<&str> = Vec::new();
        if in_list {
            // `    ids::SocketId,` in `use super::{ ... };`
            names.extend(code.split(',').filter(|p| p.contains("::")));
        }
        for prefix in &prefixes {
            let mut rest = code;
            while let Some(at) = rest.find(prefix.as_str()) {
                rest = &rest[at + prefix.len()..];
                match rest.strip_prefix('{') {
                    // `use super::{a, b::c}` (the rest of the line)
                    Some(list) => {
                        let list = list.split('}').next().unwrap_or("");
                        names.extend(list.split(','));
                        in_list = !code.contains('}');
                    }
                    None => names.push(rest),
                }
            }
        }
        if in_list && code.contains('}') && !code.contains('{') {
            in_list = false;
        }
        for name in names {
            let name = ident(name);
            if chain.contains(&name) {
                found.push((n + 1, String::from(name)));
            }
        }
    }
    found
}

/// Every import against `chain`'s order, as readable lines.
fn violations(dir: &str, root: &str, chain: &[&str]) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut bad = Vec::new();
    for file in sources(&dir) {
        let this = module_of(&dir, &file);
        if this == "mod" {
            continue; // the table of contents re-exports everything
        }
        let rel = file.strip_prefix(&dir).unwrap();
        let depth = rel.components().count() - 1;
        let Some(pos) = chain.iter().position(|m| *m == this) else {
            bad.push(format!(
                "{}: module `{this}` is not in the chain",
                rel.display()
            ));
            continue;
        };
        let text = fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if root == "proto" && (code.contains("crate::web") || code.contains("crate::bindings"))
            {
                bad.push(format!(
                    "{}:{}: the core uses the browser layers",
                    rel.display(),
                    n + 1
                ));
            }
        }
        for (line, used) in imports(&text, depth, root, chain) {
            let at = chain.iter().position(|m| *m == used).unwrap();
            if at >= pos && used != this {
                bad.push(format!(
                    "{}:{line}: `{this}` uses `{used}`, which comes after it in the chain",
                    rel.display()
                ));
            }
        }
    }
    bad
}

#[test]
fn proto_modules_form_a_chain() {
    let bad = violations("src/proto", "proto", PROTO);
    assert!(
        bad.is_empty(),
        "import against the chain:\n{}",
        bad.join("\n")
    );
}

#[test]
fn web_modules_form_a_chain() {
    let bad = violations("src/web", "web", WEB);
    assert!(
        bad.is_empty(),
        "import against the chain:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_check_sees_an_upward_import() {
    let text = "use super::manager::Manager;\nuse super::{ids, events::Event};\n";
    let found = imports(text, 0, "proto", PROTO);
    assert_eq!(
        found,
        vec![
            (1, "manager".into()),
            (2, "ids".into()),
            (2, "events".into())
        ]
    );
    let child = "use super::super::timer::Timer;\nuse super::Session;\n";
    assert_eq!(imports(child, 1, "proto", PROTO), vec![(1, "timer".into())]);
    let multi = "use super::{\n    ids::SocketId,\n    socket::Io,\n};\nuse super::queue;\n";
    assert_eq!(
        imports(multi, 0, "proto", PROTO),
        vec![(2, "ids".into()), (3, "socket".into()), (5, "queue".into())]
    );
}
