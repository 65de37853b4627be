//! The `ballots` root map: published dot-voting ballots (`crate::ballots`).
//!
//! A ballot is written under a throwaway Yjs client id, never this session's: the
//! session's id is also its awareness id, which peers see next to a name, and every
//! Yjs item carries its writer's client id. The throwaway id is derived from the
//! ballot's key and value, so publishing the same ballot twice writes the same item.

use std::cell::Cell;
use std::rc::Rc;

use yrs::block::ClientID;
use yrs::types::ToJson;
use yrs::updates::decoder::Decode;
use yrs::{
    Any, Doc, Map, Observable, Options, Out, ReadTxn, StateVector, Transact, Update, WriteTxn,
};

use super::{Board, BoardError};
use crate::ballots::Ballot;

/// Origin of ballot writes: synced and stored, never undone.
const BALLOT: &str = "ballot";
const ROOT: &str = "ballots";

/// FNV-1a (64 bit), folded to 32 bits: a stable hash for the throwaway client id.
fn client_for(key: &str, value: &str, attempt: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = key
        .bytes()
        .chain([0])
        .chain(value.bytes())
        .chain(attempt.to_le_bytes());
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h ^ (h >> 32)) as u32
}

impl Board {
    /// Publishes `ballot` into `ballots` (key `"{round}:{token}"`, value
    /// `{"r":round,"v":{…}}`), written by a throwaway client id. An empty ballot, or one
    /// already stored with the same value, writes nothing. Not an undo step.
    pub fn publish_ballot(&mut self, ballot: &Ballot) -> Result<(), BoardError> {
        if ballot.is_empty() {
            return Ok(());
        }
        let (key, value) = (ballot.key(), ballot.published_value());
        let known = {
            let txn = self.doc.try_transact().map_err(|_| BoardError::Busy)?;
            let stored = txn.get_map(ROOT).and_then(|m| m.get(&txn, &key));
            if matches!(&stored, Some(Out::Any(Any::String(s))) if **s == *value) {
                return Ok(());
            }
            txn.state_vector()
        };
        let own = self.client_id();
        let client = (0u32..)
            .map(|attempt| client_for(&key, &value, attempt))
            .find(|c| *c != own && !known.contains_client(&ClientID::new(u64::from(*c))))
            .unwrap_or(own);
        let temp = Doc::with_options(Options::with_client_id(ClientID::new(u64::from(client))));
        let bytes = {
            let mut txn = temp.transact_mut();
            let map = txn.get_or_insert_map(ROOT);
            map.insert(&mut txn, key.as_str(), value.as_str());
            txn.encode_state_as_update_v1(&StateVector::default())
        };
        let update = Update::decode_v1(&bytes).map_err(|e| BoardError::BadUpdate(e.to_string()))?;
        let mut txn = self.txn(BALLOT)?;
        txn.apply_update(update)
            .map_err(|e| BoardError::BadUpdate(e.to_string()))
    }

    /// The `ballots` map's entries whose values are strings (published ballots, in no
    /// particular order); anything else there is skipped. Empty while the board is busy.
    pub fn ballot_entries(&self) -> Vec<(String, String)> {
        let Ok(txn) = self.doc.try_transact() else {
            log::warn!("ballots: board busy, read nothing");
            return Vec::new();
        };
        let Some(map) = txn.get_map(ROOT) else {
            return Vec::new();
        };
        map.iter(&txn)
            .filter_map(|(k, v)| match v {
                Out::Any(Any::String(s)) => Some((k.to_string(), s.to_string())),
                other => {
                    log::debug!(
                        "ballots: skipped {k:?}, not a string ({})",
                        other.to_json(&txn)
                    );
                    None
                }
            })
            .collect()
    }

    /// Removes every ballot of round `round` (keys starting `"{round}:"`). The moderator's
    /// "clear votes" does this after signing the round `cleared`; the signed state is
    /// what hides the results everywhere. Not an undo step.
    pub fn clear_ballots(&mut self, round: u32) {
        let prefix = format!("{round}:");
        let Ok(mut txn) = self.txn(BALLOT) else {
            log::error!("ballots: board busy, round {round} not cleared");
            return;
        };
        let map = txn.get_or_insert_map(ROOT);
        let keys: Vec<String> = map
            .keys(&txn)
            .filter(|k| k.starts_with(&prefix))
            .map(String::from)
            .collect();
        for k in keys {
            map.remove(&mut txn, &k);
        }
    }

    /// A counter that goes up whenever the `ballots` map changes (from any origin), so
    /// the app re-tallies only then (`BoardChange` does not cover `ballots`). Each call
    /// replaces the previous watcher: call once per board.
    pub fn watch_ballots(&self) -> Rc<Cell<u64>> {
        let counter = Rc::new(Cell::new(0u64));
        let map = self
            .doc
            .try_transact()
            .ok()
            .and_then(|txn| txn.get_map(ROOT));
        match map {
            Some(map) => {
                let c = counter.clone();
                map.observe("ballots-watch", move |_txn, _event| c.set(c.get() + 1));
            }
            None => log::warn!("ballots: cannot watch (board busy or map missing)"),
        }
        counter
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ballots::{tally, Round, Scope};
    use crate::{Command, NewElement, LOCAL, REMOTE};

    fn voting_board() -> (Board, Vec<String>) {
        let mut board = Board::new(11);
        board.init_new("Retro", None).unwrap();
        let mut ids = Vec::new();
        let mut notes = Vec::new();
        for i in 0..4 {
            let n = NewElement::note_centred(i as f64 * 250.0, 0.0, "yellow");
            ids.push(n.id.clone());
            notes.push(n);
        }
        board.apply(&Command::Create(notes), LOCAL).unwrap();
        (board, ids)
    }

    #[test]
    fn publish_entries_tally_round_trip_between_peers() {
        let (mut a, ids) = voting_board();
        let mut b = Board::new(12);
        b.apply_update(&a.encode(), REMOTE).unwrap();
        let round = Round::new(1, 2, Scope::Board, vec!["note".into()], false);
        let mut ballot_a = Ballot::new(1, [1; 16]);
        ballot_a.add(&round, &ids[0]);
        ballot_a.add(&round, &ids[1]);
        let mut ballot_b = Ballot::new(1, [2; 16]);
        ballot_b.add(&round, &ids[1]);
        let closed = round.closed();
        assert!(ballot_a.is_publishable(&closed));
        a.publish_ballot(&ballot_a).unwrap();
        b.publish_ballot(&ballot_b).unwrap();
        b.publish_ballot(&Ballot::new(1, [3; 16])).unwrap(); // empty: nothing
        let (ua, ub) = (a.take_outgoing().unwrap(), b.take_outgoing().unwrap());
        a.apply_update(&ub, REMOTE).unwrap();
        b.apply_update(&ua, REMOTE).unwrap();
        for board in [&a, &b] {
            let entries = board.ballot_entries();
            assert_eq!(entries.len(), 2);
            let elements = board.elements();
            let eligible = closed.eligible_ids(&elements);
            let t = tally(&closed, &entries, |id| eligible.contains(id));
            assert_eq!(t.ranked()[0], (ids[1].clone(), 2, 1));
            assert_eq!(t.votes(&ids[0]), 1);
            assert_eq!(t.ballots_counted, 2);
        }
        // Not undone with the user's edits, and publishing again writes nothing.
        while a.undo() {}
        assert_eq!(a.ballot_entries().len(), 2);
        a.take_outgoing();
        a.publish_ballot(&ballot_a).unwrap();
        assert!(a.take_outgoing().is_none());
    }

    #[test]
    fn ballots_are_written_by_no_session_client() {
        let (mut a, ids) = voting_board();
        let round = Round::new(1, 1, Scope::Board, vec!["note".into()], false);
        let mut ballot = Ballot::new(1, [4; 16]);
        ballot.add(&round, &ids[2]);
        let before = a.state_vector();
        a.publish_ballot(&ballot).unwrap();
        let after = a.state_vector();
        let own = ClientID::new(u64::from(a.client_id()));
        assert_eq!(
            before.get(&own),
            after.get(&own),
            "the session wrote nothing"
        );
        let new: Vec<_> = after
            .iter()
            .filter(|(c, _)| !before.contains_client(c))
            .collect();
        assert_eq!(new.len(), 1, "one throwaway client");
    }

    #[test]
    fn no_name_in_the_stored_bytes_nor_a_link_to_awareness() {
        let (mut a, ids) = voting_board();
        // Alice is in the room: awareness links her session's client id to her name.
        let mut aw = crate::Awareness::new(a.client_id());
        aw.set_local_state(Some(r#"{"user":{"name":"Alice Example"}}"#), 0.0)
            .unwrap();
        let round = Round::new(7, 3, Scope::Board, vec!["note".into()], true);
        let mut ballot = Ballot::new(7, [8; 16]);
        ballot.add(&round, &ids[0]);
        ballot.add(&round, &ids[0]);
        let before = a.state_vector();
        a.publish_ballot(&ballot).unwrap();
        let bytes = a.encode();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains(r#"{"r":7,"v":{""#));
        for needle in ["Alice", "name", "user", "\"t\""] {
            assert!(!text.contains(needle), "{needle} in the board");
        }
        // The ballot's writer is no client that awareness knows.
        let known: Vec<u32> = aw.states().map(|(id, _)| id).collect();
        let after = a.state_vector();
        let writers: Vec<u32> = after
            .iter()
            .filter(|(c, n)| before.get(c) != **n)
            .map(|(c, _)| c.get() as u32)
            .collect();
        assert_eq!(writers.len(), 1);
        assert!(!known.contains(&writers[0]));
        // The published value holds the round and the votes, nothing else.
        let (_, value) = a.ballot_entries().pop().unwrap();
        let v: serde_json::Value = serde_json::from_str(&value).unwrap();
        let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["r", "v"]);
    }

    #[test]
    fn clearing_removes_only_that_round_and_watching_sees_changes() {
        let (mut a, ids) = voting_board();
        let watch = a.watch_ballots();
        for r in [1, 2] {
            let round = Round::new(r, 1, Scope::Board, vec!["note".into()], false);
            let mut b = Ballot::new(r, [r as u8; 16]);
            b.add(&round, &ids[0]);
            a.publish_ballot(&b).unwrap();
        }
        assert_eq!(watch.get(), 2);
        a.clear_ballots(1);
        assert_eq!(watch.get(), 3);
        let entries = a.ballot_entries();
        assert_eq!(entries.len(), 1);
        assert!(entries[0].0.starts_with("2:"));
        while a.undo() {}
        assert_eq!(a.ballot_entries().len(), 1, "clearing is not undone");
    }
}
