//! Socket.IO packet headers decoded from a head of the text.
//!
//! The npm runtime hands the core only the first `Manager::head_len()`
//! characters of a frame (`whole` false), so `decode_header` on such a head
//! must decide as it would on the whole text, or else drop the packet as one
//! for a namespace none of the client's (`nsp: None`). Input: one packet's
//! text (invalid UTF-8 is skipped). For every head `p` of it, shorter than
//! the text:
//!
//! - no panic, whatever `whole` says (and on the text itself);
//! - soundness, at any length: a head that names a namespace decodes exactly
//!   as the whole text (so when the whole text fails, every head fails or
//!   says `nsp: None`);
//! - completeness: when the whole text decodes with namespace `n` and `p` is
//!   at least `header_len(n.len())` bytes (what a client with namespace `n`
//!   is passed), `p` decodes exactly as the whole text, `Some(n)` included;
//! - at least the shortest head the runtime passes ([`MIN_HEAD`]), `p` never
//!   fails unless the whole text fails with the same error: a valid packet
//!   for someone else's namespace is dropped, not a reason to close. It may
//!   say `nsp: None` where the whole text fails (a packet for a namespace
//!   longer than the client's: not validated, as its payload is not); kind
//!   and attachments are then still the whole text's, so a binary packet
//!   still swallows its attachments.
//!
//! The heads are every char-boundary prefix, plus what JavaScript's
//! `slice` makes of a cut between the two halves of a surrogate pair: the
//! prefix before a 4-byte character followed by U+FFFD (the lone surrogate,
//! as the string crosses into wasm). The head length the runtime promises is
//! in UTF-16 units; a head is at least as many UTF-8 bytes, and `head_len` is
//! counted in bytes of the namespace, so checking by byte length covers it.
//!
//! Also: `decode` is `decode_header` on the whole text, then `check_body` on
//! the rest.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socketio_wasm::proto::packet::{self, Limits, Packet};
use std::borrow::Cow;

/// The shortest head the runtime passes: `Manager::head_len()` without the
/// Engine.IO type, for the shortest namespace `Manager::socket` takes ("").
const MIN_HEAD: usize = packet::header_len(0);

/// Every head of `t` shorter than `t`, as the runtime may pass it.
fn heads(t: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let cuts = (0..t.len())
        .filter(|&k| t.is_char_boundary(k))
        .map(|k| Cow::Borrowed(&t[..k]));
    let split_pairs = t
        .char_indices()
        .filter(|(_, c)| c.len_utf8() == 4)
        .map(|(k, _)| Cow::Owned(format!("{}\u{FFFD}", &t[..k])));
    cuts.chain(split_pairs)
}

fn check(t: &str, limits: &Limits) {
    let whole = packet::decode_header(t, true, limits);
    let _ = packet::decode_header(t, false, limits);
    if let Ok(h) = whole {
        assert!(h.nsp.is_some(), "a whole text always has a namespace");
        assert!(h.body <= t.len() && t.is_char_boundary(h.body));
    }
    for p in heads(t) {
        let _ = packet::decode_header(&p, true, limits);
        let head = packet::decode_header(&p, false, limits);
        if let Ok(hp) = head {
            assert!(hp.body <= p.len() && p.is_char_boundary(hp.body));
            if hp.nsp.is_some() {
                assert_eq!(head, whole, "head {p:?} of {t:?} names a namespace");
            }
        }
        if p.len() < MIN_HEAD {
            continue;
        }
        match whole {
            Ok(h) => {
                let n = h.nsp.unwrap_or_default();
                if p.len() >= packet::header_len(n.len()) {
                    assert_eq!(head, whole, "head {p:?} of {t:?}");
                } else if head != whole {
                    let hp = head.unwrap_or_else(|e| panic!("head {p:?} of valid {t:?}: {e:?}"));
                    assert_eq!(hp.nsp, None, "head {p:?} of {t:?}");
                    assert_eq!((hp.kind, hp.attachments), (h.kind, h.attachments));
                }
            }
            Err(e) => match head {
                Err(eh) => assert_eq!(eh, e, "head {p:?} of {t:?}"),
                Ok(hp) => assert_eq!(hp.nsp, None, "head {p:?} of failing {t:?}"),
            },
        }
    }
    let decoded = packet::decode(t, limits);
    let parts = whole.and_then(|h| {
        let rest = &t[h.body..];
        packet::check_body(h.kind, rest, limits, h.attachments)?;
        Ok(Packet {
            kind: h.kind,
            nsp: h.nsp.unwrap_or_default().to_owned(),
            id: h.id,
            data: (!rest.is_empty()).then(|| rest.to_owned()),
            attachments: h.attachments,
        })
    });
    assert_eq!(decoded, parts, "{t:?}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(t) = std::str::from_utf8(data) else {
        return;
    };
    check(t, &Limits::default());
    // Counts of any length up to the 20-digit bound are accepted here.
    check(
        t,
        &Limits {
            max_attachments: usize::MAX,
            ..Limits::default()
        },
    );
});
