//! Where a browser transport (WebSocket or long-polling) reports what
//! happens on it: the driver's input handler, shared by both transports.
use crate::proto::TransportInput;

/// Receives what happens on a transport.
pub(crate) type Sink = alloc::rc::Rc<dyn Fn(TransportInput)>;
