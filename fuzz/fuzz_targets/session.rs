//! The whole state machine fed arbitrary sequences: app commands, transport
//! inputs (valid-looking and garbage frames, closes, errors) for live and
//! stale transports, and clock jumps. It must never panic, and the core's
//! invariants must hold after every step.
//!
//! Input: a byte program. Each step takes an opcode byte, then its operands;
//! frame text is the bytes up to the next NUL.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socketio_wasm::proto::{
    AckMode, Auth, Emit, Manager, ManagerConfig, SocketConfig, SocketId, Transmit, TransportId,
    TransportInput, TransportKind,
};

/// Frames a real server sends, so programs reach deep states quickly.
const FRAMES: &[&str] = &[
    "0{\"sid\":\"abc\",\"upgrades\":[\"websocket\"],\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000}",
    "40{\"sid\":\"s1\",\"pid\":\"p1\"}",
    "40/chat,{\"sid\":\"s2\"}",
    "42[\"ev\",1,\"offset-1\"]",
    "42/chat,[\"ev\",{\"a\":[1,2]}]",
    "430[\"ok\"]",
    "431[\"ok\"]",
    "4451-[\"bin\",{\"_placeholder\":true,\"num\":0}]",
    "44{\"message\":\"nope\",\"data\":{\"x\":1}}",
    "41",
    "2",
    "3probe",
    "6",
    "1",
];

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn text(&mut self) -> String {
        let end = self.0.iter().position(|&b| b == 0).unwrap_or(self.0.len());
        let (head, rest) = self.0.split_at(end);
        self.0 = rest.get(1..).unwrap_or_default();
        String::from_utf8_lossy(head).into_owned()
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader(data);
    let mut cfg = ManagerConfig::new("example.com", false);
    cfg.timeout = Some(1_000);
    cfg.reconnection_delay = 10;
    cfg.reconnection_delay_max = 50;
    if r.byte().is_some_and(|b| b & 1 == 1) {
        cfg.transports = vec![TransportKind::WebSocket];
    }
    let mut m = Manager::new(cfg, 42);
    let sockets: Vec<SocketId> = ["/", "/chat"]
        .iter()
        .map(|nsp| {
            m.socket(
                nsp,
                SocketConfig {
                    auth: Auth::Ask,
                    ack_timeout: Some(100),
                    retries: 2,
                    max_buffered_packets: 8,
                    max_pending_acks: 8,
                },
            )
        })
        .collect();
    let mut now = 0u64;
    let mut transports: Vec<TransportId> = Vec::new();
    let mut steps = 0;
    while let Some(op) = r.byte() {
        steps += 1;
        if steps > 256 {
            break;
        }
        let socket = sockets[usize::from(op >> 7)];
        let pick = |t: &Vec<TransportId>, b: u8| t.get(usize::from(b) % t.len().max(1)).copied();
        match op & 0x0f {
            0 => m.connect(now, socket),
            1 => m.disconnect(now, socket),
            2 => {
                let _ = m.emit(
                    now,
                    socket,
                    Emit {
                        data: String::from("[\"x\",1]"),
                        attachments: Vec::new(),
                        ack: match op & 0x30 {
                            0x00 => AckMode::None,
                            0x10 => AckMode::Callback,
                            0x20 => AckMode::WithError,
                            _ => AckMode::WithTimeout(50),
                        },
                        volatile: op & 0x40 != 0,
                    },
                );
            }
            3 => m.set_auth(now, socket, Some(String::from("{\"t\":1}"))),
            4 => now += u64::from(r.byte().unwrap_or(0)) * 10,
            5 => m.handle_timeout(now),
            6 | 7 => {
                let b = r.byte().unwrap_or(0);
                if let Some(t) = pick(&transports, b) {
                    let frame = FRAMES[usize::from(b) % FRAMES.len()];
                    let input = if op & 1 == 0 {
                        TransportInput::Text(String::from(frame))
                    } else {
                        TransportInput::poll_body(frame)
                    };
                    m.handle_transport(now, t, input);
                }
            }
            8 => {
                let b = r.byte().unwrap_or(0);
                let text = r.text();
                if let Some(t) = pick(&transports, b) {
                    m.handle_transport(now, t, TransportInput::Text(text));
                }
            }
            9 => {
                let b = r.byte().unwrap_or(0);
                let bytes = r.text().into_bytes();
                if let Some(t) = pick(&transports, b) {
                    m.handle_transport(now, t, TransportInput::Binary(bytes));
                }
            }
            10 => {
                if let Some(t) = pick(&transports, r.byte().unwrap_or(0)) {
                    m.handle_transport(now, t, TransportInput::Opened);
                }
            }
            11 => {
                if let Some(t) = pick(&transports, r.byte().unwrap_or(0)) {
                    m.handle_transport(now, t, TransportInput::PostDone);
                }
            }
            12 => {
                if let Some(t) = pick(&transports, r.byte().unwrap_or(0)) {
                    m.handle_transport(
                        now,
                        t,
                        TransportInput::Closed {
                            description: String::new(),
                        },
                    );
                }
            }
            13 => {
                if let Some(t) = pick(&transports, r.byte().unwrap_or(0)) {
                    m.handle_transport(
                        now,
                        t,
                        TransportInput::Error {
                            description: String::new(),
                        },
                    );
                }
            }
            14 => m.open(now),
            _ => m.close(now),
        }
        // Drain outputs as a runtime would; remember every transport ever
        // opened (stale ones stay targets: late inputs must be ignored).
        while let Some(t) = m.poll_transmit() {
            if let Transmit::OpenWebSocket { transport, .. }
            | Transmit::PollGet { transport, .. }
            | Transmit::PollPost { transport, .. } = t
            {
                if !transports.contains(&transport) {
                    transports.push(transport);
                }
            }
        }
        while m.poll_event().is_some() {}
        let _ = m.poll_timeout();
        for &s in &sockets {
            assert!(m.buffered(s) <= 8 * 2, "send buffer over its bound");
            // max_pending_acks, plus the one in-flight packet of the retry
            // queue (which max_buffered_packets bounds separately).
            assert!(m.pending_acks(s) <= 8 + 1, "ack table over its bound");
        }
    }
});
