//! The relay: topics and their subscribers, and one WebSocket connection's life.
//!
//! Each connection has two threads. The reader (the connection's own thread) runs the
//! tungstenite state machine, applies the limits and handles messages. The writer owns the
//! socket's sending side and writes whole frames from a bounded queue, the connection's
//! outbox: frames relayed by other connections, and everything tungstenite itself sends
//! (pongs, pings, close frames), which reaches the writer through [`Duplex`]. So a slow
//! client never blocks the connections that publish to it; when its outbox is full it is
//! disconnected.

use crate::{lock, Limits, Shared};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;
use tungstenite::handshake::derive_accept_key;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::frame::CloseFrame;
use tungstenite::protocol::{Role, WebSocketConfig};
use tungstenite::{Bytes, Message, Utf8Bytes, WebSocket};

/// A whole, encoded WebSocket frame, shared by every receiver of a relayed message.
type Frame = Arc<[u8]>;

/// Topics and their subscribers, by connection id.
#[derive(Default)]
pub(crate) struct Hub {
    topics: Mutex<HashMap<String, HashMap<u64, Arc<Peer>>>>,
}

/// The relay's handle on one connection: its outbox and its socket.
pub(crate) struct Peer {
    id: u64,
    outbox: SyncSender<Frame>,
    socket: Arc<TcpStream>,
}

impl Peer {
    /// Queues a frame; a client whose outbox is full is too slow and is disconnected.
    fn push(&self, frame: Frame) {
        match self.outbox.try_send(frame) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(_)) => {
                log::debug!("conn {}: outbox full, disconnecting", self.id);
                let _ = self.socket.shutdown(Shutdown::Both);
            }
        }
    }
}

impl Hub {
    fn subscribe(&self, topic: &str, peer: &Arc<Peer>) {
        lock(&self.topics)
            .entry(topic.to_string())
            .or_default()
            .insert(peer.id, Arc::clone(peer));
    }

    fn unsubscribe(&self, topic: &str, id: u64) {
        let mut topics = lock(&self.topics);
        if let Some(subscribers) = topics.get_mut(topic) {
            subscribers.remove(&id);
            if subscribers.is_empty() {
                topics.remove(topic);
            }
        }
    }

    /// Sends `message` plus `"clients": N` to every subscriber of `topic`.
    fn publish(&self, topic: &str, mut message: Map<String, Value>) {
        let topics = lock(&self.topics);
        let Some(subscribers) = topics.get(topic) else {
            return;
        };
        message.insert("clients".into(), Value::from(subscribers.len()));
        let text = Value::Object(message).to_string();
        let frame = text_frame(text.as_bytes());
        for peer in subscribers.values() {
            peer.push(Arc::clone(&frame));
        }
    }

    pub(crate) fn topic_count(&self) -> usize {
        lock(&self.topics).len()
    }
}

/// An unmasked, unfragmented text frame (servers never mask).
fn text_frame(payload: &[u8]) -> Frame {
    let mut frame = Vec::with_capacity(payload.len() + 10);
    frame.push(0x81);
    match payload.len() {
        len @ 0..=125 => frame.push(len as u8),
        len @ 126..=0xffff => {
            frame.push(126);
            frame.extend_from_slice(&(len as u16).to_be_bytes());
        }
        len => {
            frame.push(127);
            frame.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(payload);
    frame.into()
}

/// The stream tungstenite runs on: reads from the socket until `deadline`, writes into the
/// outbox. tungstenite always hands over whole frames, so they never interleave with
/// relayed ones.
struct Duplex {
    socket: Arc<TcpStream>,
    outbox: SyncSender<Frame>,
    /// Reads past this instant fail with `WouldBlock`, so the reader can send pings and
    /// enforce the idle timeout even while a client trickles in a partial frame.
    deadline: Instant,
}

impl Read for Duplex {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        self.socket.set_read_timeout(Some(remaining))?;
        (&*self.socket).read(buf)
    }
}

impl Write for Duplex {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.outbox.try_send(Arc::from(buf)) {
            Ok(()) => Ok(buf.len()),
            Err(TrySendError::Full(_)) => Err(io::Error::other("outbox full")),
            Err(TrySendError::Disconnected(_)) => Err(io::ErrorKind::BrokenPipe.into()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs one WebSocket connection after a valid upgrade request; returns when it is closed.
pub(crate) fn serve(
    shared: &Arc<Shared>,
    id: u64,
    socket: Arc<TcpStream>,
    key: &str,
    leftover: Vec<u8>,
) {
    let limits = &shared.limits;
    let accept = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\n\r\n",
        derive_accept_key(key.as_bytes())
    );
    if (&*socket).write_all(accept.as_bytes()).is_err() {
        return;
    }
    let (outbox, queue) = sync_channel::<Frame>(limits.outbox_frames);
    let writer = {
        let socket = Arc::clone(&socket);
        thread::Builder::new()
            .name(format!("conn-{id}-write"))
            .stack_size(64 * 1024)
            .spawn(move || write_loop(&socket, &queue))
    };
    let writer = match writer {
        Ok(writer) => writer,
        Err(err) => {
            log::warn!("conn {id}: could not start a writer thread: {err}");
            return;
        }
    };
    log::debug!("conn {id}: WebSocket open");
    let peer = Arc::new(Peer {
        id,
        outbox: outbox.clone(),
        socket: Arc::clone(&socket),
    });
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0)
        .max_message_size(Some(limits.max_frame_bytes))
        .max_frame_size(Some(limits.max_frame_bytes));
    let duplex = Duplex {
        socket,
        outbox,
        deadline: Instant::now(),
    };
    let mut ws = WebSocket::from_partially_read(duplex, leftover, Role::Server, Some(config));
    let mut connection = Connection {
        id,
        peer,
        topics: HashSet::new(),
        bucket: Bucket::new(limits, Instant::now()),
    };
    let why = connection.run(shared, &mut ws);
    log::debug!("conn {id}: closed: {why}");
    for topic in connection.topics.drain() {
        shared.hub.unsubscribe(&topic, id);
    }
    // Dropping the last senders lets the writer drain the outbox (a close frame, say) and
    // finish; only then may the connection's socket be shut.
    drop(connection);
    drop(ws);
    let _ = writer.join();
}

fn write_loop(socket: &TcpStream, queue: &Receiver<Frame>) {
    let mut out = socket;
    while let Ok(frame) = queue.recv() {
        if let Err(err) = out.write_all(&frame) {
            log::debug!("write failed: {err}");
            break;
        }
    }
    let _ = socket.shutdown(Shutdown::Both);
}

struct Connection {
    id: u64,
    peer: Arc<Peer>,
    topics: HashSet<String>,
    bucket: Bucket,
}

impl Connection {
    /// Reads and handles messages until the connection ends; returns why it ended.
    fn run(&mut self, shared: &Shared, ws: &mut WebSocket<Duplex>) -> String {
        let limits = &shared.limits;
        let mut last_heard = Instant::now();
        let mut ping_sent: Option<Instant> = None;
        loop {
            if shared.stopping() {
                close(ws, CloseCode::Away, "server stopping");
                return "server stopping".into();
            }
            let now = Instant::now();
            let deadline = match ping_sent {
                None => last_heard + limits.ping_interval,
                Some(sent) => sent + limits.idle_timeout,
            };
            if now >= deadline {
                if ping_sent.is_some() {
                    close(ws, CloseCode::Away, "idle");
                    return "no answer to a ping".into();
                }
                if let Err(err) = ws.send(Message::Ping(Bytes::new())) {
                    return format!("sending a ping: {err}");
                }
                ping_sent = Some(now);
                continue;
            }
            ws.get_mut().deadline = deadline;
            let message = match ws.read() {
                Ok(message) => message,
                Err(tungstenite::Error::Io(err))
                    if matches!(
                        err.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) =>
                {
                    continue;
                }
                Err(tungstenite::Error::Capacity(err)) => {
                    close(ws, CloseCode::Size, "message too big");
                    return format!("message too big: {err}");
                }
                Err(tungstenite::Error::ConnectionClosed) => return "closed by client".into(),
                Err(err) => return err.to_string(),
            };
            last_heard = Instant::now();
            ping_sent = None;
            match self.bucket.take(last_heard) {
                Verdict::Accept => {}
                Verdict::Drop => {
                    log::debug!("conn {}: over the rate limit, message dropped", self.id);
                    continue;
                }
                Verdict::Close => {
                    close(ws, CloseCode::Policy, "rate limit");
                    return "kept sending over the rate limit".into();
                }
            }
            let payload: &[u8] = match &message {
                Message::Text(text) => text.as_bytes(),
                // y-webrtc sends text; y-webrtc's server also parses binary frames.
                Message::Binary(bytes) => bytes,
                Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => continue,
                // tungstenite has queued the reply; the next read ends the loop.
                Message::Close(_) => continue,
            };
            if payload.len() > limits.max_message_bytes {
                log::debug!(
                    "conn {}: message of {} bytes dropped (limit {})",
                    self.id,
                    payload.len(),
                    limits.max_message_bytes
                );
                continue;
            }
            if let Some(reply) = self.handle(shared, payload) {
                if let Err(err) = ws.send(Message::Text(reply)) {
                    return format!("sending a reply: {err}");
                }
            }
        }
    }

    /// Handles one message; returns the reply to send back, if any.
    fn handle(&mut self, shared: &Shared, payload: &[u8]) -> Option<Utf8Bytes> {
        let limits = &shared.limits;
        let id = self.id;
        let message = match serde_json::from_slice::<Value>(payload) {
            Ok(Value::Object(message)) => message,
            Ok(_) => {
                log::debug!("conn {id}: ignored a message that is not a JSON object");
                return None;
            }
            Err(err) => {
                log::debug!("conn {id}: ignored a message that is not JSON: {err}");
                return None;
            }
        };
        let kind = match message.get("type") {
            Some(Value::String(kind)) => kind.as_str(),
            _ => {
                log::debug!("conn {id}: ignored a message without a string `type`");
                return None;
            }
        };
        match kind {
            "subscribe" => {
                for topic in topic_names(&message) {
                    if topic.len() > limits.max_topic_bytes {
                        log::debug!("conn {id}: ignored a topic of {} bytes", topic.len());
                    } else if self.topics.contains(topic) {
                        // Already subscribed.
                    } else if self.topics.len() >= limits.max_topics_per_connection {
                        log::debug!(
                            "conn {id}: ignored a subscription over the cap of {}",
                            limits.max_topics_per_connection
                        );
                    } else {
                        shared.hub.subscribe(topic, &self.peer);
                        self.topics.insert(topic.to_string());
                    }
                }
                None
            }
            "unsubscribe" => {
                for topic in topic_names(&message) {
                    if self.topics.remove(topic) {
                        shared.hub.unsubscribe(topic, id);
                    }
                }
                None
            }
            "publish" => {
                match message.get("topic") {
                    Some(Value::String(topic)) if !topic.is_empty() => {
                        let topic = topic.clone();
                        shared.hub.publish(&topic, message);
                    }
                    _ => log::debug!("conn {id}: ignored a publish without a string `topic`"),
                }
                None
            }
            "ping" => Some(Utf8Bytes::from_static(r#"{"type":"pong"}"#)),
            _ => {
                log::debug!("conn {id}: ignored a message of unknown type");
                None
            }
        }
    }
}

/// The string entries of a message's `topics` array (others are ignored, as y-webrtc's
/// server does).
fn topic_names(message: &Map<String, Value>) -> impl Iterator<Item = &str> {
    let topics = match message.get("topics") {
        Some(Value::Array(topics)) => topics.as_slice(),
        _ => &[],
    };
    topics.iter().filter_map(Value::as_str)
}

/// Queues a close frame; the writer sends it before the socket is shut.
fn close(ws: &mut WebSocket<Duplex>, code: CloseCode, reason: &'static str) {
    let _ = ws.close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    }));
}

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Accept,
    Drop,
    Close,
}

/// Token bucket for a connection's incoming messages, plus a count of dropped messages
/// that decays at a tenth of the rate: a client that keeps flooding is closed.
struct Bucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    dropped: f64,
    flood_limit: f64,
    last: Instant,
}

impl Bucket {
    fn new(limits: &Limits, now: Instant) -> Bucket {
        Bucket {
            rate: f64::from(limits.rate_per_sec.max(1)),
            burst: f64::from(limits.rate_burst.max(1)),
            tokens: f64::from(limits.rate_burst.max(1)),
            dropped: 0.0,
            flood_limit: f64::from(limits.flood_limit),
            last: now,
        }
    }

    fn take(&mut self, now: Instant) -> Verdict {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.dropped = (self.dropped - elapsed * self.rate / 10.0).max(0.0);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Verdict::Accept
        } else {
            self.dropped += 1.0;
            if self.dropped > self.flood_limit {
                Verdict::Close
            } else {
                Verdict::Drop
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn limits(rate: u32, burst: u32, flood: u32) -> Limits {
        Limits {
            rate_per_sec: rate,
            rate_burst: burst,
            flood_limit: flood,
            ..Limits::default()
        }
    }

    #[test]
    fn bucket_allows_the_burst_then_the_rate() {
        let start = Instant::now();
        let mut bucket = Bucket::new(&limits(10, 5, 100), start);
        for _ in 0..5 {
            assert_eq!(bucket.take(start), Verdict::Accept);
        }
        assert_eq!(bucket.take(start), Verdict::Drop);
        // A tenth of a second later, one more token.
        let later = start + Duration::from_millis(101);
        assert_eq!(bucket.take(later), Verdict::Accept);
        assert_eq!(bucket.take(later), Verdict::Drop);
    }

    #[test]
    fn bucket_closes_a_flood_and_forgives_slowly() {
        let start = Instant::now();
        let mut bucket = Bucket::new(&limits(10, 1, 3), start);
        assert_eq!(bucket.take(start), Verdict::Accept);
        for _ in 0..3 {
            assert_eq!(bucket.take(start), Verdict::Drop);
        }
        // Dropped messages are forgiven at 1/s here: after 2 s, two more drops are fine.
        let later = start + Duration::from_secs(2);
        assert_eq!(bucket.take(later), Verdict::Accept);
        assert_eq!(bucket.take(later), Verdict::Drop);
        assert_eq!(bucket.take(later), Verdict::Drop);
        assert_eq!(bucket.take(later), Verdict::Close);
    }

    #[test]
    fn frames_encode_every_length_class() {
        assert_eq!(&text_frame(b"hi")[..], &[0x81, 2, b'h', b'i']);
        let mid = text_frame(&[b'a'; 300]);
        assert_eq!(&mid[..4], &[0x81, 126, 1, 44]);
        assert_eq!(mid.len(), 304);
        let big = text_frame(&vec![b'a'; 70_000]);
        assert_eq!(&big[..10], &[0x81, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
    }
}
