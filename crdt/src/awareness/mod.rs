//! The y-protocols awareness exchange (presence: names, cursors, selections), as
//! `y-protocols/awareness.js` 1.0.x speaks it, behind no transport and no clock: frames
//! in, frames out, and the time passed in as `now_ms` (milliseconds, any epoch, as
//! JavaScript's `Date.now()` gives them).
//!
//! Every client has a clock and a state, a JSON object, or none once it left. An update
//! is `varUint(n)`, then n times `varUint(clientID) • varUint(clock) •
//! varString(JSON of the state, or "null")`. A received entry is taken when its clock is
//! newer than the one known for that client, or equal with a null state while a state is
//! known (someone saw the client go). A peer that removes *our* state is answered by
//! bumping our clock and sending our state again. States not renewed for 30 s are
//! dropped; our own is renewed every 15 s ([`Awareness::tick`]).
//!
//! On the wire an update travels in its own frame: `varUint(1) • varUint8Array(update)`
//! ([`frame_awareness`]); `varUint(3)` asks a peer for all the states it knows. Never put
//! an awareness update into the same frame as a sync message: JavaScript peers read only
//! the first message of a frame.
//!
//! Where this differs from awareness.js, on purpose:
//! - Input is bounded ([`AwarenessLimits`]) and checked as a whole before anything
//!   changes: an update that does not decode, is too large, or holds a state that is not
//!   a JSON object (or null) is refused entirely.
//! - Our own entry starts at clock 0 with no state, so the first state set gets clock 1:
//!   awareness.js sets `{}` at clock 0 in its constructor, which no peer ever takes
//!   (an unknown client's clock is taken as 0), and the first real state gets clock 1.
//! - The reported change is finer: `renewed` (same content, newer clock) is kept apart
//!   from `updated`, a client that comes back after leaving is `added`, and a peer
//!   removing our own state sets `reannounced` instead of listing us in `removed`.
//! - The number of clients remembered is bounded; under pressure the entries of clients
//!   that already left are forgotten first (awareness.js keeps them forever).

use std::collections::BTreeMap;

use yrs::encoding::write::Write;

/// Outer message type of a sync frame.
pub const MESSAGE_SYNC: u64 = 0;
/// Outer message type of an awareness update frame.
pub const MESSAGE_AWARENESS: u64 = 1;
/// Outer message type of a query for all awareness states.
pub const MESSAGE_QUERY_AWARENESS: u64 = 3;

/// A remote state not renewed for this long is dropped (awareness.js `outdatedTimeout`).
pub const OUTDATED_TIMEOUT_MS: f64 = 30_000.0;
/// Our own state is renewed when it is this old (`outdatedTimeout / 2`).
pub const RENEW_AFTER_MS: f64 = OUTDATED_TIMEOUT_MS / 2.0;
/// How often to call [`Awareness::tick`] (awareness.js checks every `outdatedTimeout / 10`).
pub const TICK_INTERVAL_MS: f64 = OUTDATED_TIMEOUT_MS / 10.0;

/// The largest clock taken from a peer: one below JavaScript's `Number.MAX_SAFE_INTEGER`,
/// so that bumping it once still reads back exactly in JavaScript.
pub const MAX_CLOCK: u64 = (1 << 53) - 2;

/// Bounds on what a peer may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwarenessLimits {
    /// Largest awareness update accepted, in bytes.
    pub max_update: usize,
    /// Most entries in one update.
    pub max_states: usize,
    /// Longest JSON text of one state, in UTF-8 bytes (also for our own state).
    pub max_state_len: usize,
    /// Most clients remembered, present or gone (ours included).
    pub max_clients: usize,
}

impl Default for AwarenessLimits {
    fn default() -> Self {
        AwarenessLimits {
            max_update: 64 * 1024,
            max_states: 256,
            max_state_len: 8 * 1024,
            max_clients: 1024,
        }
    }
}

/// Why an awareness update (or a local state) was refused. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwarenessError {
    /// The update is larger than `max_update` bytes.
    TooLarge(usize),
    /// The bytes do not decode as an awareness update (or frame).
    Undecodable(&'static str),
    /// More entries than `max_states`.
    TooManyStates(u64),
    /// A state's JSON text is longer than `max_state_len` bytes.
    StateTooLong { client: u32, len: usize },
    /// A state is not valid JSON.
    BadJson { client: u32, reason: String },
    /// A state is valid JSON but neither an object nor null.
    NotAnObject { client: u32 },
    /// Taking the update would mean remembering more than `max_clients` clients.
    TooManyClients,
}

impl std::fmt::Display for AwarenessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AwarenessError::TooLarge(n) => {
                write!(f, "awareness update of {n} bytes is over the limit")
            }
            AwarenessError::Undecodable(why) => {
                write!(f, "awareness update does not decode: {why}")
            }
            AwarenessError::TooManyStates(n) => {
                write!(f, "awareness update with {n} states is over the limit")
            }
            AwarenessError::StateTooLong { client, len } => {
                write!(
                    f,
                    "awareness state of client {client} is {len} bytes, over the limit"
                )
            }
            AwarenessError::BadJson { client, reason } => {
                write!(
                    f,
                    "awareness state of client {client} is not JSON: {reason}"
                )
            }
            AwarenessError::NotAnObject { client } => {
                write!(f, "awareness state of client {client} is not a JSON object")
            }
            AwarenessError::TooManyClients => write!(f, "too many awareness clients"),
        }
    }
}

impl std::error::Error for AwarenessError {}

/// What changed, and the frame that tells the other peers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwarenessChange {
    /// Clients that now have a state and had none.
    pub added: Vec<u32>,
    /// Clients whose state content changed.
    pub updated: Vec<u32>,
    /// Clients whose state was renewed with the same content (newer clock).
    pub renewed: Vec<u32>,
    /// Clients that left or were dropped (as awareness.js, this may name a client whose
    /// state was already gone, when a newer removal arrives).
    pub removed: Vec<u32>,
    /// A peer removed our own state: our clock was bumped and `broadcast` carries our
    /// state again.
    pub reannounced: bool,
    /// An awareness frame (`varUint(1) • varUint8Array(update)`) with every client named
    /// above, to send to every connected peer (awareness.js providers send each change on,
    /// whatever its origin; a peer ignores what it already knows). `None` when nothing
    /// changed.
    pub broadcast: Option<Vec<u8>>,
}

impl AwarenessChange {
    /// Nothing was taken.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.updated.is_empty()
            && self.renewed.is_empty()
            && self.removed.is_empty()
            && !self.reannounced
    }

    /// Whether what a person sees changed (anything but a renewal).
    pub fn is_visible(&self) -> bool {
        !(self.added.is_empty() && self.updated.is_empty() && self.removed.is_empty())
    }

    /// Every client this change names: those awareness.js lists in its `update` event.
    pub fn clients(&self, own: u32) -> Vec<u32> {
        let mut all: Vec<u32> = (self.added.iter())
            .chain(&self.updated)
            .chain(&self.renewed)
            .chain(&self.removed)
            .copied()
            .collect();
        if self.reannounced {
            all.push(own);
        }
        all
    }
}

/// What is known about one client.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientMeta {
    /// Its clock: the newest seen.
    pub clock: u64,
    /// Its state as JSON text; `None` once it left.
    pub state: Option<String>,
    /// When its entry last changed (`now_ms` of that call).
    pub last_updated: f64,
}

/// The awareness states of one room. One per room, shared by all its connections.
#[derive(Debug, Clone)]
pub struct Awareness {
    client_id: u32,
    clients: BTreeMap<u32, ClientMeta>,
    limits: AwarenessLimits,
}

/// One decoded entry of an update.
struct Entry {
    client: u32,
    clock: u64,
    state: Option<String>,
}

impl Awareness {
    /// Awareness for our client id (the board's yrs client id), with no state yet.
    pub fn new(client_id: u32) -> Awareness {
        Awareness::with_limits(client_id, AwarenessLimits::default())
    }

    pub fn with_limits(client_id: u32, limits: AwarenessLimits) -> Awareness {
        let mut clients = BTreeMap::new();
        clients.insert(
            client_id,
            ClientMeta {
                clock: 0,
                state: None,
                last_updated: 0.0,
            },
        );
        Awareness {
            client_id,
            clients,
            limits,
        }
    }

    pub fn client_id(&self) -> u32 {
        self.client_id
    }

    pub fn limits(&self) -> AwarenessLimits {
        self.limits
    }

    /// Our own state, as JSON text.
    pub fn local_state(&self) -> Option<&str> {
        self.state(self.client_id)
    }

    /// A client's state, as JSON text.
    pub fn state(&self, client: u32) -> Option<&str> {
        self.clients.get(&client)?.state.as_deref()
    }

    /// A client's entry, also after it left.
    pub fn meta(&self, client: u32) -> Option<&ClientMeta> {
        self.clients.get(&client)
    }

    /// Every client known, present or gone (ours always), by client id.
    pub fn clients(&self) -> impl Iterator<Item = (u32, &ClientMeta)> + '_ {
        self.clients.iter().map(|(&id, m)| (id, m))
    }

    /// Every present client (ours included when set) with its state, by client id.
    pub fn states(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        (self.clients.iter()).filter_map(|(&id, m)| Some((id, m.state.as_deref()?)))
    }

    /// Sets our state (a JSON object as text), or `None` when leaving (send the returned
    /// frame before the connections close). Our clock goes up by one either way.
    pub fn set_local_state(
        &mut self,
        state: Option<&str>,
        now_ms: f64,
    ) -> Result<AwarenessChange, AwarenessError> {
        if let Some(json) = state {
            check_state(self.client_id, json, &self.limits)?;
        }
        let own = self.client_id;
        // Our entry is inserted in `with_limits` and never removed (`make_room` skips
        // it; nothing else removes entries), so it is always there.
        let meta = self.clients.get_mut(&own).expect("own entry");
        let prev = meta.state.take();
        meta.clock = bump(meta.clock);
        meta.last_updated = now_ms;
        meta.state = state.map(str::to_owned);
        let mut change = AwarenessChange::default();
        match (&prev, state) {
            (_, None) => change.removed.push(own),
            (None, Some(_)) => change.added.push(own),
            (Some(prev), Some(new)) if same_json(prev, new) => change.renewed.push(own),
            (Some(_), Some(_)) => change.updated.push(own),
        }
        self.finish(&mut change);
        Ok(change)
    }

    /// Encodes the entries of `clients` as an awareness update (without the outer frame).
    /// Clients never heard of are left out (awareness.js would throw).
    pub fn encode_update(&self, clients: &[u32]) -> Vec<u8> {
        let known: Vec<(u32, &ClientMeta)> = (clients.iter())
            .filter_map(|id| Some((*id, self.clients.get(id)?)))
            .collect();
        let mut out = Vec::with_capacity(1 + known.len() * 64);
        out.write_var(known.len() as u64);
        for (id, meta) in known {
            out.write_var(id);
            out.write_var(meta.clock);
            out.write_string(meta.state.as_deref().unwrap_or("null"));
        }
        out
    }

    /// An update with every present state: what to answer a query (type 3) with, and to
    /// send when a connection opens.
    pub fn full_update(&self) -> Vec<u8> {
        let ids: Vec<u32> = self.states().map(|(id, _)| id).collect();
        self.encode_update(&ids)
    }

    /// [`Awareness::full_update`] in an awareness frame.
    pub fn full_frame(&self) -> Vec<u8> {
        frame_awareness(&self.full_update())
    }

    /// Applies an awareness update from a peer (the payload of a type 1 frame). The
    /// whole update is decoded and checked first; on an error nothing changed.
    pub fn apply_update(
        &mut self,
        bytes: &[u8],
        now_ms: f64,
    ) -> Result<AwarenessChange, AwarenessError> {
        let entries = self.decode(bytes)?;
        self.make_room(&entries)?;
        let own = self.client_id;
        let mut change = AwarenessChange::default();
        for Entry {
            client,
            clock,
            state,
        } in entries
        {
            let known = self.clients.get(&client);
            let curr_clock = known.map_or(0, |m| m.clock);
            let had_state = known.is_some_and(|m| m.state.is_some());
            if !(curr_clock < clock || (curr_clock == clock && state.is_none() && had_state)) {
                continue;
            }
            let existed = known.is_some();
            let meta = self.clients.entry(client).or_insert(ClientMeta {
                clock: 0,
                state: None,
                last_updated: now_ms,
            });
            meta.last_updated = now_ms;
            match state {
                None if client == own && had_state => {
                    // Never let a peer remove our state: answer with a newer clock.
                    meta.clock = bump(clock);
                    change.reannounced = true;
                }
                None => {
                    meta.clock = clock;
                    meta.state = None;
                    if existed {
                        change.removed.push(client);
                    }
                }
                Some(new) => {
                    meta.clock = clock;
                    match meta.state.replace(new) {
                        None => change.added.push(client),
                        Some(prev) if same_json(&prev, meta.state.as_deref().unwrap_or("")) => {
                            change.renewed.push(client)
                        }
                        Some(_) => change.updated.push(client),
                    }
                }
            }
        }
        self.finish(&mut change);
        Ok(change)
    }

    /// Removes the states of `clients`, as awareness.js `removeAwarenessStates` does (for
    /// instance the clients a closed connection spoke for). The broadcast frame carries
    /// them with a null state at their known clock, which peers take as a removal; our own
    /// clock goes up by one if we are among them.
    pub fn remove_states(&mut self, clients: &[u32], now_ms: f64) -> AwarenessChange {
        let mut change = AwarenessChange::default();
        for &client in clients {
            let Some(meta) = self.clients.get_mut(&client) else {
                continue;
            };
            if meta.state.take().is_none() {
                continue;
            }
            if client == self.client_id {
                meta.clock = bump(meta.clock);
                meta.last_updated = now_ms;
            }
            change.removed.push(client);
        }
        self.finish(&mut change);
        change
    }

    /// Call every [`TICK_INTERVAL_MS`]: renews our own state once it is
    /// [`RENEW_AFTER_MS`] old (listed in `renewed`) and drops remote states not renewed
    /// for [`OUTDATED_TIMEOUT_MS`] (listed in `removed`). Send `broadcast` to every peer.
    pub fn tick(&mut self, now_ms: f64) -> AwarenessChange {
        let own = self.client_id;
        let mut change = AwarenessChange::default();
        if let Some(meta) = self.clients.get_mut(&own) {
            if meta.state.is_some() && RENEW_AFTER_MS <= now_ms - meta.last_updated {
                meta.clock = bump(meta.clock);
                meta.last_updated = now_ms;
                change.renewed.push(own);
            }
        }
        for (&id, meta) in self.clients.iter_mut() {
            if id != own
                && meta.state.is_some()
                && OUTDATED_TIMEOUT_MS <= now_ms - meta.last_updated
            {
                meta.state = None;
                change.removed.push(id);
            }
        }
        self.finish(&mut change);
        change
    }

    /// Fills in the broadcast frame of a change.
    fn finish(&self, change: &mut AwarenessChange) {
        change.broadcast = (!change.is_empty())
            .then(|| frame_awareness(&self.encode_update(&change.clients(self.client_id))));
    }

    /// Decodes and checks a whole update without touching any state.
    fn decode(&self, bytes: &[u8]) -> Result<Vec<Entry>, AwarenessError> {
        if bytes.len() > self.limits.max_update {
            return Err(AwarenessError::TooLarge(bytes.len()));
        }
        let mut r = Reader::new(bytes);
        let n = r.var_uint()?;
        if n > self.limits.max_states as u64 {
            return Err(AwarenessError::TooManyStates(n));
        }
        // Each entry takes at least 3 bytes, so `n` is also bounded by the input.
        let mut entries = Vec::with_capacity((n as usize).min(bytes.len() / 3));
        for _ in 0..n {
            let client = u32::try_from(r.var_uint()?)
                .map_err(|_| AwarenessError::Undecodable("client id beyond 32 bits"))?;
            let clock = r.var_uint()?;
            if clock > MAX_CLOCK {
                return Err(AwarenessError::Undecodable("clock out of range"));
            }
            let json = r.var_string(self.limits.max_state_len, client)?;
            let state = match parse_state(client, json)? {
                Parsed::Null => None,
                Parsed::Object => Some(json.to_owned()),
            };
            entries.push(Entry {
                client,
                clock,
                state,
            });
        }
        // As awareness.js, bytes after the last entry are ignored.
        Ok(entries)
    }

    /// Checks that taking `entries` keeps within `max_clients`, forgetting clients that
    /// already left (oldest first) if needed. Changes nothing when it fails.
    fn make_room(&mut self, entries: &[Entry]) -> Result<(), AwarenessError> {
        let mut new_ids: Vec<u32> = (entries.iter())
            .filter(|e| e.clock > 0 && !self.clients.contains_key(&e.client))
            .map(|e| e.client)
            .collect();
        new_ids.sort_unstable();
        new_ids.dedup();
        let needed = (self.clients.len() + new_ids.len()).saturating_sub(self.limits.max_clients);
        if needed == 0 {
            return Ok(());
        }
        let own = self.client_id;
        let mut gone: Vec<(f64, u32)> = (self.clients.iter())
            .filter(|(&id, m)| id != own && m.state.is_none())
            .filter(|(id, _)| !entries.iter().any(|e| e.client == **id))
            .map(|(&id, m)| (m.last_updated, id))
            .collect();
        if gone.len() < needed {
            return Err(AwarenessError::TooManyClients);
        }
        crate::order::sort_by(&mut gone, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (_, id) in gone.into_iter().take(needed) {
            self.clients.remove(&id);
        }
        Ok(())
    }
}

mod wire;

use wire::{bump, check_state, parse_state, same_json, Parsed, Reader};
pub use wire::{frame_awareness, frame_type, query_awareness_frame, unframe_awareness};

#[cfg(test)]
mod tests {
    use super::*;

    const ME: u32 = 100;
    const PEER: u32 = 200;

    fn entry(out: &mut Vec<u8>, client: u64, clock: u64, json: &str) {
        out.write_var(client);
        out.write_var(clock);
        out.write_string(json);
    }

    /// An update with the given entries, written by hand as awareness.js writes it.
    fn update(entries: &[(u64, u64, &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        out.write_var(entries.len() as u64);
        for &(client, clock, json) in entries {
            entry(&mut out, client, clock, json);
        }
        out
    }

    fn states(a: &Awareness) -> Vec<(u32, String)> {
        a.states().map(|(id, s)| (id, s.to_owned())).collect()
    }

    #[test]
    fn the_wire_format_is_lib0_as_awareness_js_writes_it() {
        let mut a = Awareness::new(ME);
        a.set_local_state(Some(r#"{"user":{"name":"Jö"}}"#), 0.0)
            .unwrap();
        let bytes = a.encode_update(&[ME]);
        let json = r#"{"user":{"name":"Jö"}}"#;
        let mut expected = vec![1, 100, 1, json.len() as u8];
        expected.extend_from_slice(json.as_bytes());
        assert_eq!(bytes, expected);
        // Client ids above 127 take two varint bytes; a removed state is "null".
        let mut b = Awareness::new(300);
        b.set_local_state(None, 0.0).unwrap();
        assert_eq!(
            b.encode_update(&[300]),
            vec![1, 0xac, 0x02, 1, 4, b'n', b'u', b'l', b'l']
        );
        // Unknown clients are left out, and the count says so.
        assert_eq!(b.encode_update(&[1, 2, 300]), b.encode_update(&[300]));
        // The outer frame.
        assert_eq!(frame_awareness(&[7, 8]), vec![1, 2, 7, 8]);
        assert_eq!(query_awareness_frame(), vec![3]);
        assert_eq!(unframe_awareness(&[1, 2, 7, 8, 9]).unwrap(), &[7, 8]);
        assert!(unframe_awareness(&[0, 2, 7, 8]).is_err());
        assert!(unframe_awareness(&[1, 3, 7, 8]).is_err());
    }

    #[test]
    fn the_first_local_state_has_clock_1_and_each_change_counts_up() {
        let mut a = Awareness::new(ME);
        assert_eq!(a.local_state(), None);
        let c = a.set_local_state(Some(r#"{"a":1}"#), 10.0).unwrap();
        assert_eq!(c.added, vec![ME]);
        assert_eq!(a.meta(ME).unwrap().clock, 1);
        let c = a.set_local_state(Some(r#"{ "a" : 1 }"#), 20.0).unwrap();
        assert_eq!((c.renewed.clone(), c.updated.clone()), (vec![ME], vec![]));
        let c = a.set_local_state(Some(r#"{"a":2}"#), 30.0).unwrap();
        assert_eq!(c.updated, vec![ME]);
        assert_eq!(a.meta(ME).unwrap().clock, 3);
        assert_eq!(a.meta(ME).unwrap().last_updated, 30.0);
        // Every local change is broadcast with our entry.
        assert_eq!(c.broadcast, Some(frame_awareness(&a.encode_update(&[ME]))));
        let c = a.set_local_state(None, 40.0).unwrap();
        assert_eq!(c.removed, vec![ME]);
        assert_eq!(a.local_state(), None);
        assert_eq!(a.meta(ME).unwrap().clock, 4);
        // A peer that knew us takes the null at clock 4 as our leaving.
        let mut b = Awareness::new(PEER);
        b.apply_update(&update(&[(ME as u64, 3, r#"{"a":2}"#)]), 0.0)
            .unwrap();
        let c = b.apply_update(&a.encode_update(&[ME]), 0.0).unwrap();
        assert_eq!(c.removed, vec![ME]);
        assert!(states(&b).is_empty());
    }

    #[test]
    fn local_states_must_be_json_objects_within_the_limit() {
        let mut a = Awareness::new(ME);
        for bad in ["", "{", "[1]", "\"x\"", "1", "null", "{\"a\":1} x"] {
            assert!(a.set_local_state(Some(bad), 0.0).is_err(), "{bad:?}");
        }
        let long = format!("{{\"a\":\"{}\"}}", "x".repeat(8 * 1024));
        assert!(matches!(
            a.set_local_state(Some(&long), 0.0),
            Err(AwarenessError::StateTooLong { client: ME, .. })
        ));
        assert_eq!(
            a.meta(ME).unwrap().clock,
            0,
            "refused states change nothing"
        );
    }

    #[test]
    fn remote_updates_follow_the_clock_rules_of_awareness_js() {
        let mut a = Awareness::new(ME);
        let p = PEER as u64;
        // Clock 0 from an unknown client is never taken (the JS constructor's `{}`).
        let c = a.apply_update(&update(&[(p, 0, "{}")]), 1.0).unwrap();
        assert!(c.is_empty() && c.broadcast.is_none());
        assert!(a.meta(PEER).is_none());
        let c = a
            .apply_update(&update(&[(p, 1, r#"{"n":1}"#)]), 1.0)
            .unwrap();
        assert_eq!(c.added, vec![PEER]);
        assert_eq!(
            c.broadcast,
            Some(frame_awareness(&update(&[(p, 1, r#"{"n":1}"#)])))
        );
        // Older or equal clocks with a state are ignored.
        for clock in [0, 1] {
            let c = a
                .apply_update(&update(&[(p, clock, r#"{"n":9}"#)]), 2.0)
                .unwrap();
            assert!(c.is_empty());
        }
        assert_eq!(a.state(PEER), Some(r#"{"n":1}"#));
        assert_eq!(a.meta(PEER).unwrap().last_updated, 1.0);
        // A newer clock with the same content renews, with other content updates.
        let c = a
            .apply_update(&update(&[(p, 2, r#"{ "n": 1 }"#)]), 3.0)
            .unwrap();
        assert_eq!((c.renewed.clone(), c.is_visible()), (vec![PEER], false));
        let c = a
            .apply_update(&update(&[(p, 5, r#"{"n":2}"#)]), 4.0)
            .unwrap();
        assert_eq!(c.updated, vec![PEER]);
        assert_eq!(a.meta(PEER).unwrap().clock, 5);
        // A null at an older clock is ignored; at the same clock it removes the state
        // (someone saw the client go) and keeps the clock.
        assert!(a
            .apply_update(&update(&[(p, 4, "null")]), 5.0)
            .unwrap()
            .is_empty());
        let c = a.apply_update(&update(&[(p, 5, "null")]), 5.0).unwrap();
        assert_eq!(c.removed, vec![PEER]);
        assert_eq!(a.state(PEER), None);
        assert_eq!(a.meta(PEER).unwrap().clock, 5);
        // ...and once gone, the same null again is no news, nor is the old state.
        assert!(a
            .apply_update(&update(&[(p, 5, "null")]), 6.0)
            .unwrap()
            .is_empty());
        assert!(a
            .apply_update(&update(&[(p, 5, r#"{"n":2}"#)]), 6.0)
            .unwrap()
            .is_empty());
        // Coming back takes a newer clock, and counts as added.
        let c = a
            .apply_update(&update(&[(p, 6, r#"{"n":3}"#)]), 7.0)
            .unwrap();
        assert_eq!(c.added, vec![PEER]);
        // A null for a client never seen is remembered (its clock) but is no change.
        let c = a.apply_update(&update(&[(7, 3, "null")]), 8.0).unwrap();
        assert!(c.is_empty());
        assert_eq!(a.meta(7).unwrap().clock, 3);
        assert!(a
            .apply_update(&update(&[(7, 2, "{}")]), 8.0)
            .unwrap()
            .is_empty());
        // Entries of one update are taken in order.
        let c = a
            .apply_update(
                &update(&[(8, 1, r#"{"x":1}"#), (8, 2, r#"{"x":2}"#), (8, 2, "null")]),
                9.0,
            )
            .unwrap();
        assert_eq!(
            (c.added.clone(), c.updated.clone(), c.removed.clone()),
            (vec![8], vec![8], vec![8])
        );
    }

    #[test]
    fn a_peer_removing_our_state_makes_us_announce_it_again() {
        let mut a = Awareness::new(ME);
        a.set_local_state(Some(r#"{"user":{"name":"A"}}"#), 0.0)
            .unwrap();
        a.set_local_state(Some(r#"{"user":{"name":"B"}}"#), 0.0)
            .unwrap();
        assert_eq!(a.meta(ME).unwrap().clock, 2);
        // An older removal is ignored.
        assert!(a
            .apply_update(&update(&[(ME as u64, 1, "null")]), 1.0)
            .unwrap()
            .is_empty());
        // A removal at our clock (or newer) is answered with clock + 1 and our state.
        for (clock, expected) in [(2, 3), (7, 8)] {
            let c = a
                .apply_update(&update(&[(ME as u64, clock, "null")]), 1.0)
                .unwrap();
            assert!(c.reannounced && c.removed.is_empty());
            assert_eq!(a.local_state(), Some(r#"{"user":{"name":"B"}}"#));
            assert_eq!(a.meta(ME).unwrap().clock, expected);
            assert_eq!(c.broadcast, Some(frame_awareness(&a.encode_update(&[ME]))));
        }
        // The peer that removed us takes the re-announcement.
        let mut b = Awareness::new(PEER);
        b.apply_update(&update(&[(ME as u64, 7, "{}")]), 0.0)
            .unwrap();
        b.apply_update(&update(&[(ME as u64, 7, "null")]), 0.0)
            .unwrap();
        assert_eq!(b.state(ME), None);
        let c = b.apply_update(&a.encode_update(&[ME]), 0.0).unwrap();
        assert_eq!(c.added, vec![ME]);
        assert_eq!(b.state(ME), Some(r#"{"user":{"name":"B"}}"#));
        // Without a state of our own, a removal of us is just taken.
        let mut gone = Awareness::new(ME);
        let c = gone
            .apply_update(&update(&[(ME as u64, 4, "null")]), 0.0)
            .unwrap();
        assert!(!c.reannounced);
        assert_eq!(gone.meta(ME).unwrap().clock, 4);
    }

    #[test]
    fn remove_states_sends_nulls_at_the_known_clock_and_bumps_only_our_own() {
        let mut a = Awareness::new(ME);
        a.set_local_state(Some("{}"), 0.0).unwrap();
        a.apply_update(
            &update(&[(PEER as u64, 4, r#"{"p":1}"#), (300, 9, "{}")]),
            0.0,
        )
        .unwrap();
        let c = a.remove_states(&[PEER, 12345], 50.0);
        assert_eq!(c.removed, vec![PEER]);
        assert_eq!(
            c.broadcast,
            Some(frame_awareness(&update(&[(PEER as u64, 4, "null")])))
        );
        assert_eq!(a.meta(PEER).unwrap().clock, 4);
        // Nothing left to remove: no frame.
        assert_eq!(a.remove_states(&[PEER], 60.0).broadcast, None);
        // A third peer that still had PEER takes the removal; 300 stays.
        let mut b = Awareness::new(PEER + 1);
        b.apply_update(
            &update(&[(PEER as u64, 4, r#"{"p":1}"#), (300, 9, "{}")]),
            0.0,
        )
        .unwrap();
        let frame = c.broadcast.unwrap();
        let removed = b
            .apply_update(unframe_awareness(&frame).unwrap(), 0.0)
            .unwrap();
        assert_eq!(removed.removed, vec![PEER]);
        assert_eq!(states(&b), vec![(300, "{}".to_owned())]);
        // Removing ourselves counts our clock up.
        let c = a.remove_states(&[ME], 70.0);
        assert_eq!(c.removed, vec![ME]);
        assert_eq!(a.meta(ME).unwrap().clock, 2);
    }

    #[test]
    fn remote_states_expire_at_30_s_and_ours_is_renewed_every_15_s() {
        let mut a = Awareness::new(ME);
        a.set_local_state(Some(r#"{"me":1}"#), 1_000.0).unwrap();
        a.apply_update(&update(&[(PEER as u64, 1, "{}")]), 2_000.0)
            .unwrap();
        a.apply_update(&update(&[(300, 1, "{}")]), 10_000.0)
            .unwrap();
        let c = a.tick(15_999.0);
        assert!(c.is_empty() && c.broadcast.is_none());
        // 15 s after our last change: renewed, with the same state and clock + 1.
        let c = a.tick(16_000.0);
        assert_eq!(c.renewed, vec![ME]);
        assert!(c.removed.is_empty());
        assert_eq!(a.meta(ME).unwrap().clock, 2);
        assert_eq!(
            c.broadcast,
            Some(frame_awareness(&update(&[(ME as u64, 2, r#"{"me":1}"#)])))
        );
        let c = a.tick(31_000.0);
        assert_eq!((c.renewed.clone(), c.removed.clone()), (vec![ME], vec![]));
        // PEER was last heard of at 2 s: it goes at 32 s exactly, with its clock kept.
        let c = a.tick(32_000.0);
        assert_eq!((c.removed.clone(), c.renewed.clone()), (vec![PEER], vec![]));
        assert_eq!(
            c.broadcast,
            Some(frame_awareness(&update(&[(PEER as u64, 1, "null")])))
        );
        assert_eq!(a.meta(PEER).unwrap().clock, 1);
        // Renewed by its owner, 300 stays; gone peers are not removed twice.
        a.apply_update(&update(&[(300, 2, "{}")]), 39_000.0)
            .unwrap();
        let c = a.tick(45_000.0);
        assert!(c.removed.is_empty());
        assert_eq!(states(&a).len(), 2);
        // Our own state never expires, and nothing is renewed once we left.
        a.set_local_state(None, 50_000.0).unwrap();
        assert!(a.tick(1e9).renewed.is_empty());
        assert!(states(&a).is_empty());
    }

    #[test]
    fn bad_updates_are_refused_whole_and_change_nothing() {
        let mut a = Awareness::with_limits(
            ME,
            AwarenessLimits {
                max_update: 200,
                max_states: 3,
                max_state_len: 40,
                max_clients: 4,
            },
        );
        a.apply_update(&update(&[(PEER as u64, 3, r#"{"p":1}"#)]), 0.0)
            .unwrap();
        let before = (states(&a), a.meta(PEER).cloned());
        let ok = (5u64, 1u64, "{}");
        let long = format!("{{\"a\":\"{}\"}}", "x".repeat(40));
        let mut over_53 = Vec::new();
        over_53.write_var(1u64);
        over_53.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (vec![0u8; 201], "too large"),
            (update(&[ok, ok, ok, ok]), "too many states"),
            (update(&[ok, (6, 1, long.as_str())]), "state too long"),
            (update(&[ok, (6, 1, "{")]), "not JSON"),
            (update(&[ok, (6, 1, "[]")]), "not an object"),
            (update(&[ok, (6, 1, "17")]), "not an object"),
            (update(&[ok, (1 << 32, 1, "{}")]), "client beyond 32 bits"),
            (
                update(&[ok, (6, MAX_CLOCK + 1, "{}")]),
                "clock out of range",
            ),
            (update(&[ok, (6, 1, "\u{0}")]), "control character"),
            (over_53, "varint beyond 53 bits"),
            (vec![2, 5, 1, 2, b'{', b'}', 6, 1], "truncated"),
            (vec![1, 5, 1, 2, 0xff, 0xfe], "not UTF-8"),
            (vec![1, 5, 1, 0xff, 0xff, 0xff, 0xff, 0x0f], "huge length"),
            (vec![], "empty"),
            (
                update(&[
                    (PEER as u64, 9, r#"{"p":2}"#),
                    (6, 1, "{}"),
                    (7, 1, "{}"),
                    (8, 1, "{}"),
                ]),
                "too many clients",
            ),
        ];
        for (bytes, why) in cases {
            assert!(a.apply_update(&bytes, 1.0).is_err(), "{why}");
            assert_eq!((states(&a), a.meta(PEER).cloned()), before, "{why}");
        }
        // Trailing bytes after the last entry are ignored, as awareness.js does.
        let mut trailing = update(&[(PEER as u64, 4, r#"{"p":5}"#)]);
        trailing.extend_from_slice(&[0xff, 0xff]);
        assert_eq!(a.apply_update(&trailing, 1.0).unwrap().updated, vec![PEER]);
    }

    #[test]
    fn clients_that_left_are_forgotten_first_when_the_client_limit_is_reached() {
        let mut a = Awareness::with_limits(
            ME,
            AwarenessLimits {
                max_clients: 3,
                ..AwarenessLimits::default()
            },
        );
        a.apply_update(&update(&[(1, 1, "{}"), (2, 1, "{}")]), 0.0)
            .unwrap();
        a.apply_update(&update(&[(1, 1, "null")]), 10.0).unwrap();
        // Client 1 left, so 3 fits in its place.
        let c = a.apply_update(&update(&[(3, 1, "{}")]), 20.0).unwrap();
        assert_eq!(c.added, vec![3]);
        assert!(a.meta(1).is_none());
        // Now everybody is present: a fourth is refused until one goes.
        assert_eq!(
            a.apply_update(&update(&[(4, 1, "{}")]), 30.0),
            Err(AwarenessError::TooManyClients)
        );
        a.tick(50_000.0);
        assert_eq!(
            a.apply_update(&update(&[(4, 1, "{}")]), 50_000.0)
                .unwrap()
                .added,
            vec![4]
        );
    }

    #[test]
    fn clocks_stop_at_the_largest_one_javascript_reads_exactly() {
        let mut a = Awareness::new(ME);
        a.set_local_state(Some("{}"), 0.0).unwrap();
        a.apply_update(&update(&[(ME as u64, MAX_CLOCK, "null")]), 0.0)
            .unwrap();
        assert_eq!(a.meta(ME).unwrap().clock, MAX_CLOCK + 1);
        a.set_local_state(Some("{}"), 0.0).unwrap();
        assert_eq!(a.meta(ME).unwrap().clock, MAX_CLOCK + 1);
    }

    #[test]
    fn full_update_has_every_present_state() {
        let mut a = Awareness::new(ME);
        assert_eq!(a.full_update(), vec![0]);
        a.set_local_state(Some(r#"{"me":true}"#), 0.0).unwrap();
        a.apply_update(
            &update(&[(PEER as u64, 2, "{}"), (300, 1, "{}"), (300, 2, "null")]),
            0.0,
        )
        .unwrap();
        let mut b = Awareness::new(999);
        b.apply_update(unframe_awareness(&a.full_frame()).unwrap(), 0.0)
            .unwrap();
        assert_eq!(states(&b), states(&a));
        assert_eq!(
            states(&b),
            vec![(ME, r#"{"me":true}"#.to_owned()), (PEER, "{}".to_owned())]
        );
    }

    /// Bytes biased towards small values, which decode further than uniform noise.
    fn noise() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        proptest::collection::vec(
            prop_oneof![any::<u8>(), 0u8..8, Just(b'{'), Just(b'}'), Just(b'"')],
            0..300,
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        #[test]
        fn garbage_never_panics_and_errors_change_nothing(bytes in noise(), now in 0.0f64..1e6) {
            let mut a = Awareness::with_limits(ME, AwarenessLimits { max_clients: 8, ..Default::default() });
            a.set_local_state(Some(r#"{"user":{"name":"A"}}"#), 0.0).unwrap();
            a.apply_update(&update(&[(PEER as u64, 2, "{}")]), 0.0).unwrap();
            let before: Vec<(u32, ClientMeta)> = a.clients.iter().map(|(k, v)| (*k, v.clone())).collect();
            match a.apply_update(&bytes, now) {
                Err(_) => {
                    let after: Vec<(u32, ClientMeta)> = a.clients.iter().map(|(k, v)| (*k, v.clone())).collect();
                    proptest::prop_assert_eq!(after, before);
                }
                Ok(c) => {
                    // What was taken re-encodes and a fresh peer takes it.
                    if let Some(frame) = c.broadcast {
                        let mut b = Awareness::new(ME ^ 1);
                        b.apply_update(unframe_awareness(&frame).unwrap(), now).unwrap();
                    }
                    // A peer may replace our state (newer clock), never remove it.
                    proptest::prop_assert!(a.local_state().is_some());
                }
            }
            let _ = unframe_awareness(&bytes);
            let _ = frame_type(&bytes);
        }

        #[test]
        fn mutated_valid_updates_never_panic(
            flips in proptest::collection::vec((proptest::prelude::any::<usize>(), 1u8..=255), 1..4),
            cut in proptest::prelude::any::<usize>(),
        ) {
            let mut bytes = update(&[
                (PEER as u64, 3, r##"{"user":{"name":"Grüße 😀","color":"#ff0"},"cursor":{"x":1.5,"y":-2}}"##),
                (ME as u64, 9, "null"),
                (300, 1, r#"{"selection":["a","b"],"viewport":{"x":0,"y":0,"zoom":1}}"#),
            ]);
            for (i, x) in flips {
                let n = bytes.len();
                bytes[i % n] ^= x;
            }
            bytes.truncate(cut % (bytes.len() + 1));
            let mut a = Awareness::new(ME);
            a.set_local_state(Some("{}"), 0.0).unwrap();
            let _ = a.apply_update(&bytes, 1.0);
            proptest::prop_assert!(a.local_state().is_some());
        }
    }
}
