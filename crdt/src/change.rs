//! `BoardChange`: what one or more transactions did to the board, derived from deep
//! observation of the `elements` and `meta` maps. The UI updates its scene index and
//! redraws from this, never by re-reading the whole board.

use std::collections::{BTreeMap, BTreeSet};
use yrs::types::{Event, Events, PathSegment};
use yrs::Map;
use yrs::TransactionMut;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardChange {
    /// Elements that appeared (or were replaced wholesale).
    pub added: BTreeSet<String>,
    /// Elements whose keys changed, with the changed keys (`text` for text edits).
    pub updated: BTreeMap<String, BTreeSet<String>>,
    /// Elements that are gone.
    pub removed: BTreeSet<String>,
    /// Board settings (`meta`) changed.
    pub meta: bool,
    /// Moderator control entries (`control`) changed.
    pub control: bool,
    /// Published ballots (`ballots`) changed.
    pub ballots: bool,
}

impl BoardChange {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.updated.is_empty()
            && self.removed.is_empty()
            && !self.meta
            && !self.control
            && !self.ballots
    }

    /// Folds a later change into this one.
    pub fn merge(&mut self, mut later: BoardChange) {
        if self.is_empty() {
            // The usual case: the first change since the last look (a board received in
            // pieces brings thousands of ids in each).
            *self = later;
            return;
        }
        for id in std::mem::take(&mut later.removed) {
            self.added.remove(&id);
            self.updated.remove(&id);
            self.removed.insert(id);
        }
        if !self.removed.is_empty() || !self.updated.is_empty() {
            for id in &later.added {
                self.removed.remove(id);
                self.updated.remove(id);
            }
        }
        if later.added.len() * 16 > self.added.len() {
            // Both sorted: merged in one pass, O(n + m) (pieces of a board arriving add
            // hundreds each).
            self.added.append(&mut later.added);
        } else {
            // A few into many (one note at a time while nobody looks): O(m log n).
            self.added.extend(later.added);
        }
        for (id, keys) in later.updated {
            if !self.added.contains(&id) {
                self.updated.entry(id).or_default().extend(keys);
            }
        }
        self.meta |= later.meta;
        self.control |= later.control;
        self.ballots |= later.ballots;
    }

    /// The change made by one transaction, from its deep events on `elements`.
    pub(crate) fn of_events(txn: &TransactionMut<'_>, events: &Events<'_>) -> BoardChange {
        let mut next = BoardChange::default();
        for event in events.iter() {
            let path = event.path();
            match (event, path.len()) {
                (Event::Map(e), 0) => {
                    // An element is added (or replaced) if its key is there now, and gone
                    // if not: cheaper than asking the event for old and new values.
                    let elements = e.target();
                    for key in e.keys_touched() {
                        if elements.contains_key(txn, &key) {
                            next.added.insert(key.to_string());
                        } else {
                            next.removed.insert(key.to_string());
                        }
                    }
                }
                (Event::Map(e), _) => {
                    if let Some(PathSegment::Key(id)) = path.front() {
                        let keys = e.keys_touched().into_iter().map(|k| k.to_string());
                        next.updated.entry(id.to_string()).or_default().extend(keys);
                    }
                }
                (_, _) => {
                    // Text (or any nested type) inside an element: path starts with its id.
                    if let Some(PathSegment::Key(id)) = path.front() {
                        let key = match path.get(1) {
                            Some(PathSegment::Key(k)) => k.to_string(),
                            _ => "text".to_string(),
                        };
                        next.updated.entry(id.to_string()).or_default().insert(key);
                    }
                }
            }
        }
        // Within one transaction, an added element's own edits are part of its adding.
        next.updated.retain(|id, _| !next.added.contains(id));
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(xs: &[&str]) -> BTreeSet<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    fn updated(id: &str, key: &str) -> BTreeMap<String, BTreeSet<String>> {
        [(id.to_string(), ids(&[key]))].into_iter().collect()
    }

    #[test]
    fn merging_keeps_the_last_word_on_each_element() {
        let mut c = BoardChange::default();
        c.merge(BoardChange {
            added: ids(&["a", "b"]),
            updated: updated("u", "x"),
            ..Default::default()
        });
        c.merge(BoardChange {
            removed: ids(&["a"]),
            updated: updated("b", "text"),
            ..Default::default()
        });
        // Gone after it was added; an added element's edits are part of its adding.
        assert_eq!(c.added, ids(&["b"]));
        assert_eq!(c.removed, ids(&["a"]));
        assert_eq!(c.updated, updated("u", "x"));
        c.merge(BoardChange {
            added: ids(&["a", "u", "c"]),
            meta: true,
            ..Default::default()
        });
        // Back again, and added after an update: added, nothing else.
        assert_eq!(c.added, ids(&["a", "b", "c", "u"]));
        assert!(c.removed.is_empty());
        assert!(c.updated.is_empty());
        assert!(c.meta);
    }
}
