//! Dot voting (UI.md "Facilitation"): the round the moderator runs, each participant's
//! ballot, and the tally every client computes by the same rule.
//!
//! - The **round** is the moderator's signed `control` entry `voting`
//!   ([`crate::control::keys::VOTING`]): its number, votes per person, scope, the kinds
//!   that can receive votes, whether several dots may go on one element, and its state.
//! - A **ballot** stays on its participant's device (local storage) while the round is
//!   open. When the moderator closes the round, every client publishes its ballot into
//!   the `ballots` Y.Map (`Board::publish_ballot`), so nobody, not even a peer reading
//!   the raw document, can count votes mid-round.
//! - A published ballot carries no identity: its key is the round number and a random
//!   token made fresh for each round, its value the votes and the round number, nothing
//!   else; and it is written under a throwaway Yjs client id, not the session's (which
//!   awareness links to a name). See docs/schema.md, "Moderator control and ballots".
//! - The **tally** ([`tally`]) is a pure function of the round, the `ballots` entries
//!   and which elements are eligible, so every client shows the same totals once their
//!   documents agree. Whether a ballot is valid depends on the ballot and the round
//!   only; a valid ballot's votes for elements that are not (or no longer) eligible do
//!   not count, and the rest of the ballot does.
//!
//! Ballots are anonymous and unsigned, so this cannot stop a participant who changes
//! their client from publishing extra ballots: compare [`Tally::ballots_counted`] with
//! the number of people who voted (the awareness flag) to notice it.

use std::collections::{BTreeMap, HashMap, HashSet};

use base64::Engine;
use serde_json::{json, Map, Value};

use crate::element::Element;

/// Most votes per person a round may give.
pub const MAX_PER_PERSON: u32 = 99;
/// A published ballot whose value is longer than this (UTF-8 bytes) is ignored.
pub const MAX_BALLOT_BYTES: usize = 8 * 1024;
/// Length bounds of a ballot token (characters of `[A-Za-z0-9_-]`).
pub const TOKEN_MIN: usize = 16;
pub const TOKEN_MAX: usize = 64;

/// JavaScript's `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// Which part of the board a round covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Board,
    /// The frame with this id and everything inside it, nested frames included
    /// (followed through `parent`).
    Frame(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Participants place dots; ballots stay on their devices.
    Open,
    /// Ballots are published and totals shown.
    Closed,
    /// The moderator cleared the votes: no totals are shown for this round.
    Cleared,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Closed => "closed",
            State::Cleared => "cleared",
        }
    }
}

/// A voting round: the value of the moderator's `control` entry `voting`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    /// Round number, 1 for the first; each new round takes a higher one
    /// ([`Round::next_id`]), so ballots of earlier rounds stay apart.
    pub id: u32,
    /// Votes per person, `1..=99`.
    pub per_person: u32,
    pub scope: Scope,
    /// Kind names (`note`, `text`, `rect`, …, as stored in `kind`) that can receive votes.
    pub kinds: Vec<String>,
    /// Several dots may go on one element.
    pub multi: bool,
    pub state: State,
}

/// A non-negative integer: a JSON number with no fractional part, at most 2^53 − 1
/// (what JavaScript's `Number.isSafeInteger` accepts, minus the negatives).
fn int(v: &Value) -> Option<u64> {
    if let Some(n) = v.as_u64() {
        return (n as f64 <= MAX_SAFE).then_some(n);
    }
    let f = v.as_f64()?;
    (f.fract() == 0.0 && (0.0..=MAX_SAFE).contains(&f)).then_some(f as u64)
}

impl Round {
    /// A new open round; `per_person` is clamped to `1..=99`.
    pub fn new(id: u32, per_person: u32, scope: Scope, kinds: Vec<String>, multi: bool) -> Round {
        Round {
            id,
            per_person: per_person.clamp(1, MAX_PER_PERSON),
            scope,
            kinds,
            multi,
            state: State::Open,
        }
    }

    /// The number for a new round: above the current round's and above every round
    /// that has ballots in `entries` (`Board::ballot_entries`), so a new round never
    /// meets old ballots.
    pub fn next_id(current: Option<&Round>, entries: &[(String, String)]) -> u32 {
        let used = entries
            .iter()
            .filter_map(|(k, _)| k.split_once(':')?.0.parse::<u32>().ok())
            .chain(current.map(|r| r.id))
            .max()
            .unwrap_or(0);
        used.saturating_add(1)
    }

    /// Reads the stored value; `None` for anything unreadable (a client then shows no
    /// round). `multi` may be missing (false); every other key is required.
    pub fn from_value(v: &Value) -> Option<Round> {
        let id = u32::try_from(int(v.get("id")?)?).ok()?;
        let per_person = u32::try_from(int(v.get("perPerson")?)?)
            .ok()
            .filter(|n| (1..=MAX_PER_PERSON).contains(n))?;
        let scope = match v.get("scope")?.as_str()? {
            "board" => Scope::Board,
            "frame" => Scope::Frame(v.get("frame")?.as_str()?.to_string()),
            _ => return None,
        };
        let kinds = v
            .get("kinds")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect();
        let multi = match v.get("multi") {
            None => false,
            Some(m) => m.as_bool()?,
        };
        let state = match v.get("state")?.as_str()? {
            "open" => State::Open,
            "closed" => State::Closed,
            "cleared" => State::Cleared,
            _ => return None,
        };
        Some(Round {
            id,
            per_person,
            scope,
            kinds,
            multi,
            state,
        })
    }

    pub fn to_value(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "perPerson": self.per_person,
            "scope": "board",
            "kinds": self.kinds,
            "multi": self.multi,
            "state": self.state.as_str(),
        });
        if let Scope::Frame(f) = &self.scope {
            v["scope"] = json!("frame");
            v["frame"] = json!(f);
        }
        v
    }

    pub fn is_open(&self) -> bool {
        self.state == State::Open
    }

    /// Totals may be shown: the round is closed (and not cleared).
    pub fn shows_results(&self) -> bool {
        self.state == State::Closed
    }

    pub fn closed(&self) -> Round {
        Round {
            state: State::Closed,
            ..self.clone()
        }
    }

    pub fn cleared(&self) -> Round {
        Round {
            state: State::Cleared,
            ..self.clone()
        }
    }

    /// Whether `element` can receive votes: its kind is one of `kinds`, and with a
    /// frame scope it lies in that frame, directly or through nested frames.
    /// `parent_of(id)` gives an element's `parent`. The frame itself is not inside
    /// itself; a `parent` cycle ends the walk.
    pub fn eligible(&self, element: &Element, parent_of: impl Fn(&str) -> Option<String>) -> bool {
        if !self.kinds.iter().any(|k| k == element.kind.as_str()) {
            return false;
        }
        let frame = match &self.scope {
            Scope::Board => return true,
            Scope::Frame(f) => f,
        };
        let mut seen = HashSet::new();
        seen.insert(element.id.clone());
        let mut next = element.parent.clone();
        while let Some(p) = next {
            if p == *frame {
                return true;
            }
            if !seen.insert(p.clone()) {
                return false;
            }
            next = parent_of(&p);
        }
        false
    }

    /// The ids of all eligible elements (one pass; for the tally and the badges).
    pub fn eligible_ids(&self, elements: &[Element]) -> HashSet<String> {
        let parents: HashMap<&str, &str> = elements
            .iter()
            .filter_map(|e| Some((e.id.as_str(), e.parent.as_deref()?)))
            .collect();
        let parent_of = |id: &str| parents.get(id).map(|p| p.to_string());
        elements
            .iter()
            .filter(|e| self.eligible(e, parent_of))
            .map(|e| e.id.clone())
            .collect()
    }
}

mod ballot;
mod tally;

pub use ballot::*;
pub use tally::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::Kind;

    fn round(per_person: u32, multi: bool) -> Round {
        Round::new(3, per_person, Scope::Board, vec!["note".into()], multi)
    }

    fn el(id: &str, kind: Kind, parent: Option<&str>) -> Element {
        Element {
            id: id.into(),
            kind,
            x: 0.0,
            y: 0.0,
            w: 200.0,
            h: 200.0,
            z: "a0".into(),
            color: "yellow".into(),
            text: String::new(),
            parent: parent.map(String::from),
            from: None,
            to: None,
            pts: Vec::new(),
            locked: false,
        }
    }

    fn entry(key: &str, value: &str) -> (String, String) {
        (key.to_string(), value.to_string())
    }

    const TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn rounds_round_trip_and_odd_values_are_none() {
        let r = Round::new(
            4,
            5,
            Scope::Frame("f1".into()),
            vec!["note".into(), "rect".into()],
            true,
        );
        assert_eq!(Round::from_value(&r.to_value()), Some(r.clone()));
        assert_eq!(
            Round::from_value(&r.closed().to_value()).unwrap().state,
            State::Closed
        );
        assert_eq!(
            Round::from_value(&r.cleared().to_value()).unwrap().state,
            State::Cleared
        );
        let b = round(3, false);
        assert_eq!(Round::from_value(&b.to_value()), Some(b));
        assert_eq!(Round::new(1, 0, Scope::Board, vec![], false).per_person, 1);
        assert_eq!(
            Round::new(1, 500, Scope::Board, vec![], false).per_person,
            99
        );
        let ok = json!({"id":1,"perPerson":3,"scope":"board","kinds":["note",7],"state":"open"});
        let r = Round::from_value(&ok).unwrap();
        assert_eq!(
            (r.kinds.clone(), r.multi),
            (vec!["note".to_string()], false)
        );
        assert_eq!(
            Round::from_value(
                &json!({"id":1.0,"perPerson":3.0,"scope":"board","kinds":[],"state":"open"})
            )
            .map(|r| r.id),
            Some(1)
        );
        for bad in [
            json!(null),
            json!("voting"),
            json!({"id":1,"perPerson":0,"scope":"board","kinds":[],"state":"open"}),
            json!({"id":1,"perPerson":100,"scope":"board","kinds":[],"state":"open"}),
            json!({"id":-1,"perPerson":3,"scope":"board","kinds":[],"state":"open"}),
            json!({"id":1.5,"perPerson":3,"scope":"board","kinds":[],"state":"open"}),
            json!({"id":1,"perPerson":3,"scope":"frame","kinds":[],"state":"open"}),
            json!({"id":1,"perPerson":3,"scope":"room","kinds":[],"state":"open"}),
            json!({"id":1,"perPerson":3,"scope":"board","kinds":"note","state":"open"}),
            json!({"id":1,"perPerson":3,"scope":"board","kinds":[],"state":"done"}),
            json!({"id":1,"perPerson":3,"scope":"board","kinds":[],"state":"open","multi":1}),
            json!({"id":4294967296u64,"perPerson":3,"scope":"board","kinds":[],"state":"open"}),
        ] {
            assert_eq!(Round::from_value(&bad), None, "{bad}");
        }
    }

    #[test]
    fn next_round_is_above_the_current_one_and_all_ballots() {
        assert_eq!(Round::next_id(None, &[]), 1);
        let r = round(3, false);
        assert_eq!(Round::next_id(Some(&r), &[]), 4);
        let old = [entry("9:x", "{}"), entry("junk", "{}"), entry("2:y", "{}")];
        assert_eq!(Round::next_id(Some(&r), &old), 10);
    }

    #[test]
    fn eligibility_follows_kinds_and_nested_frames() {
        let frame = el("F", Kind::Frame, None);
        let inner = el("G", Kind::Frame, Some("F"));
        let a = el("a", Kind::Note, Some("F"));
        let b = el("b", Kind::Note, Some("G"));
        let c = el("c", Kind::Note, None);
        let d = el("d", Kind::Rect, Some("F"));
        let loop1 = el("x", Kind::Note, Some("y"));
        let loop2 = el("y", Kind::Frame, Some("x"));
        let all = vec![frame, inner, a, b, c, d, loop1, loop2];
        let mut r = Round::new(1, 3, Scope::Frame("F".into()), vec!["note".into()], false);
        let ids = r.eligible_ids(&all);
        let mut ids: Vec<_> = ids.into_iter().collect();
        ids.sort();
        assert_eq!(ids, ["a", "b"]);
        r.kinds.push("frame".into());
        let mut ids: Vec<_> = r.eligible_ids(&all).into_iter().collect();
        ids.sort();
        assert_eq!(ids, ["G", "a", "b"], "a frame is not inside itself");
        r.scope = Scope::Board;
        assert_eq!(r.eligible_ids(&all).len(), 7);
    }

    #[test]
    fn a_ballot_keeps_to_the_budget_single() {
        let r = round(3, false);
        let mut b = Ballot::new(3, [1; 16]);
        assert!(is_token(&b.token) && b.token.len() == 22);
        assert_eq!(b.votes_left(&r), 3);
        assert!(b.add(&r, "a"));
        assert!(!b.add(&r, "a"), "one dot per element");
        assert!(b.add(&r, "b") && b.add(&r, "c"));
        assert_eq!(b.votes_left(&r), 0);
        assert!(!b.add(&r, "d"), "budget spent");
        assert!(b.remove(&r, "b"));
        assert!(!b.remove(&r, "b"));
        assert!(b.add(&r, "d"));
        assert_eq!(b.votes.keys().collect::<Vec<_>>(), ["a", "c", "d"]);
        // Not for another round, and frozen once closed.
        let other = Round { id: 4, ..r.clone() };
        assert_eq!(b.votes_left(&other), 0);
        assert!(!b.remove(&other, "a"));
        assert!(!b.remove(&r.closed(), "a") && !b.add(&r.closed(), "x"));
        assert!(b.is_publishable(&r.closed()) && !b.is_publishable(&r));
        assert!(!Ballot::new(3, [1; 16]).is_publishable(&r.closed()));
    }

    #[test]
    fn a_ballot_keeps_to_the_budget_multi() {
        let r = round(5, true);
        let mut b = Ballot::new(3, [2; 16]);
        for _ in 0..5 {
            assert!(b.add(&r, "a"));
        }
        assert!(!b.add(&r, "b"));
        assert_eq!((b.count("a"), b.votes_left(&r)), (5, 0));
        assert!(b.remove(&r, "a"));
        assert!(b.add(&r, "b"));
        assert_eq!(b.used(), 5);
        // Rules tightened under the same round number: conform before publishing.
        let mut c = b.clone();
        assert!(c.conform(&round(5, false)));
        assert_eq!(c.votes, BTreeMap::from([("a".into(), 1), ("b".into(), 1)]));
        let mut d = b.clone();
        assert!(d.conform(&round(2, true)));
        assert_eq!(d.votes, BTreeMap::from([("a".into(), 2)]));
        assert!(!d.conform(&round(2, true)));
        assert!(read_published(&round(2, true), &d.key(), &d.published_value()).is_ok());
    }

    #[test]
    fn ballots_survive_local_storage() {
        let r = round(5, true);
        let mut b = Ballot::new(3, [9; 16]);
        b.add(&r, "a");
        b.add(&r, "a");
        b.add(&r, "b");
        assert_eq!(Ballot::from_json(&b.to_json()), Some(b.clone()));
        for bad in [
            "",
            "null",
            r#"{"r":3,"t":"short","v":{}}"#,
            r#"{"r":3,"t":"AAAAAAAAAAAAAAAAAAAAAA","v":{"a":0}}"#,
            r#"{"r":-3,"t":"AAAAAAAAAAAAAAAAAAAAAA","v":{}}"#,
            r#"{"r":3,"t":"AAAAAAAAAAAAAAAAAAAAAA","v":[]}"#,
        ] {
            assert_eq!(Ballot::from_json(bad), None, "{bad}");
        }
    }

    #[test]
    fn published_ballots_carry_only_round_and_votes() {
        let r = round(3, false);
        let mut b = Ballot::new(3, [5; 16]);
        b.add(&r, "n1");
        b.add(&r, "n2");
        assert_eq!(b.key(), format!("3:{}", b.token));
        assert_eq!(b.published_value(), r#"{"r":3,"v":{"n1":1,"n2":1}}"#);
        assert!(!b.published_value().contains(&b.token));
    }

    #[test]
    fn the_rule_ignores_what_breaks_it() {
        let single = round(3, false);
        let multi = round(3, true);
        let k = format!("3:{TOKEN}");
        let read = |r: &Round, key: &str, v: &str| read_published(r, key, v);
        assert_eq!(
            read(&single, &k, r#"{"r":3,"v":{"a":1,"b":1,"c":1}}"#)
                .unwrap()
                .len(),
            3
        );
        assert_eq!(
            read(&single, &k, r#"{"r":3.0,"v":{"a":1.0},"x":"extra"}"#).unwrap()["a"],
            1
        );
        assert_eq!(read(&single, &k, r#"{"r":3,"v":{}}"#), Ok(BTreeMap::new()));
        let cases: &[(&Round, &str, &str, BallotError)] = &[
            (
                &single,
                "4:AAAAAAAAAAAAAAAAAAAAAA",
                "{}",
                BallotError::OtherRound,
            ),
            (
                &single,
                "33:AAAAAAAAAAAAAAAAAAAAAA",
                "{}",
                BallotError::OtherRound,
            ),
            (
                &single,
                "3:short",
                r#"{"r":3,"v":{}}"#,
                BallotError::BadToken,
            ),
            (
                &single,
                "3:AAAAAAAAAAAAAAAA AAAAA",
                r#"{"r":3,"v":{}}"#,
                BallotError::BadToken,
            ),
            (&single, &k, "nope", BallotError::Malformed("not JSON")),
            (
                &single,
                &k,
                r#"{"v":{}}"#,
                BallotError::Malformed("no round number"),
            ),
            (&single, &k, r#"{"r":4,"v":{}}"#, BallotError::WrongRound),
            (&single, &k, r#"{"r":"3","v":{}}"#, BallotError::WrongRound),
            (
                &single,
                &k,
                r#"{"r":3,"v":[]}"#,
                BallotError::Malformed("no votes"),
            ),
            (&single, &k, r#"{"r":3,"v":{"a":0}}"#, BallotError::BadCount),
            (
                &single,
                &k,
                r#"{"r":3,"v":{"a":-1}}"#,
                BallotError::BadCount,
            ),
            (
                &single,
                &k,
                r#"{"r":3,"v":{"a":1.5}}"#,
                BallotError::BadCount,
            ),
            (
                &single,
                &k,
                r#"{"r":3,"v":{"a":"1"}}"#,
                BallotError::BadCount,
            ),
            (
                &single,
                &k,
                r#"{"r":3,"v":{"a":2}}"#,
                BallotError::NotSingle,
            ),
            (
                &single,
                &k,
                r#"{"r":3,"v":{"a":1,"b":1,"c":1,"d":1}}"#,
                BallotError::OverBudget,
            ),
            (
                &multi,
                &k,
                r#"{"r":3,"v":{"a":2,"b":2}}"#,
                BallotError::OverBudget,
            ),
            (
                &multi,
                &k,
                r#"{"r":3,"v":{"a":1e300}}"#,
                BallotError::BadCount,
            ),
            (
                &multi,
                &k,
                r#"{"r":3,"v":{"a":18446744073709551615}}"#,
                BallotError::BadCount,
            ),
        ];
        for (r, key, v, want) in cases {
            assert_eq!(read(r, key, v).as_ref(), Err(want), "{key} {v}");
        }
        assert_eq!(read(&multi, &k, r#"{"r":3,"v":{"a":3}}"#).unwrap()["a"], 3);
        // Duplicate keys: the last counts, as JSON.parse reads them.
        assert_eq!(
            read(&single, &k, r#"{"r":3,"v":{"a":2,"a":1}}"#).unwrap()["a"],
            1
        );
        let big = format!(
            r#"{{"r":3,"v":{{"a":1}},"pad":"{}"}}"#,
            "x".repeat(MAX_BALLOT_BYTES)
        );
        assert_eq!(read(&single, &k, &big), Err(BallotError::TooLarge));
    }

    #[test]
    fn tally_counts_valid_ballots_and_ignores_the_rest() {
        let r = round(2, false);
        let t = |n: u8| format!("3:{}", "A".repeat(21) + &((b'a' + n) as char).to_string());
        let entries = vec![
            entry(&t(0), r#"{"r":3,"v":{"a":1,"b":1}}"#),
            entry(&t(1), r#"{"r":3,"v":{"a":1,"gone":1}}"#),
            entry(&t(2), r#"{"r":3,"v":{"a":1,"b":1,"c":1}}"#), // over budget
            entry(&t(3), r#"{"r":3,"v":{"b":2}}"#),             // not single
            entry(&t(4), "garbage"),
            entry("2:AAAAAAAAAAAAAAAAAAAAAA", r#"{"r":2,"v":{"c":1}}"#), // older round
        ];
        let eligible = |id: &str| ["a", "b", "c"].contains(&id);
        let tally1 = tally(&r, &entries, eligible);
        assert_eq!(
            tally1.totals,
            BTreeMap::from([("a".into(), 2), ("b".into(), 1)])
        );
        assert_eq!(
            (
                tally1.ballots_counted,
                tally1.ballots_ignored,
                tally1.votes_dropped
            ),
            (2, 3, 1)
        );
        assert_eq!(tally1.total(), 3);
        let mut reversed = entries.clone();
        reversed.reverse();
        assert_eq!(
            tally(&r, &reversed, eligible),
            tally1,
            "order does not matter"
        );
    }

    #[test]
    fn ties_share_a_rank() {
        let mut t = Tally::default();
        for (id, n) in [("d", 2), ("b", 5), ("a", 2), ("c", 5), ("e", 1)] {
            t.totals.insert(id.into(), n);
        }
        let ranked: Vec<(String, u32, u32)> = t.ranked();
        let want = [
            ("b", 5, 1),
            ("c", 5, 1),
            ("a", 2, 3),
            ("d", 2, 3),
            ("e", 1, 5),
        ]
        .map(|(i, n, r)| (i.to_string(), n, r));
        assert_eq!(ranked, want);
        assert!(Tally::default().ranked().is_empty());
    }

    #[test]
    fn forty_ballots_on_130_notes_tally_fast() {
        let mut elements = vec![
            el("frame", Kind::Frame, None),
            el("sub", Kind::Frame, Some("frame")),
        ];
        for i in 0..140 {
            let parent = if i % 10 == 0 { "sub" } else { "frame" };
            elements.push(el(
                &format!("note{i:03}xxxxxxxxxxxxx"),
                Kind::Note,
                Some(parent),
            ));
        }
        let r = Round::new(
            1,
            99,
            Scope::Frame("frame".into()),
            vec!["note".into()],
            true,
        );
        let mut rng = fastrand::Rng::with_seed(42);
        let start = std::time::Instant::now();
        let eligible = r.eligible_ids(&elements);
        assert_eq!(eligible.len(), 140);
        let mut entries = Vec::new();
        for _ in 0..40 {
            let mut random = [0u8; 16];
            rng.fill(&mut random);
            let mut b = Ballot::new(1, random);
            while b.votes_left(&r) > 0 {
                b.add(&r, &format!("note{:03}xxxxxxxxxxxxx", rng.usize(..140)));
            }
            entries.push((b.key(), b.published_value()));
        }
        let t = tally(&r, &entries, |id| eligible.contains(id));
        let ranked = t.ranked();
        let elapsed = start.elapsed();
        assert_eq!((t.ballots_counted, t.total()), (40, 40 * 99));
        assert!(ranked.windows(2).all(|w| w[0].1 >= w[1].1));
        assert!(elapsed.as_millis() < 500, "took {elapsed:?}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn garbage_never_panics(key in ".{0,40}", value in ".{0,200}", json_ish in "[{}\\[\\]\":,0-9a-z.eE+-]{0,120}") {
            let r = round(3, false);
            let entries = vec![(key.clone(), value.clone()), (format!("3:{TOKEN}"), json_ish.clone())];
            let t = tally(&r, &entries, |_| true);
            proptest::prop_assert!(t.total() <= 3 * t.ballots_counted);
            let _ = Ballot::from_json(&value);
            let _ = Ballot::from_json(&json_ish);
            if let Ok(v) = serde_json::from_str::<Value>(&json_ish) {
                let _ = Round::from_value(&v);
            }
        }

        #[test]
        fn no_counted_ballot_breaks_the_rules(
            per_person in 1u32..=99,
            multi in proptest::prelude::any::<bool>(),
            counts in proptest::collection::vec((0usize..8, -3i64..120), 0..12),
            fraction in proptest::prelude::any::<bool>(),
        ) {
            let r = Round::new(3, per_person, Scope::Board, vec!["note".into()], multi);
            let v: Map<String, Value> = counts
                .iter()
                .map(|(id, n)| (format!("e{id}"), if fraction { json!(*n as f64 + 0.5) } else { json!(n) }))
                .collect();
            let value = json!({ "r": 3, "v": v }).to_string();
            let t = tally(&r, &[(format!("3:{TOKEN}"), value)], |_| true);
            proptest::prop_assert_eq!(t.ballots_counted + t.ballots_ignored, 1);
            proptest::prop_assert!(t.total() <= per_person);
            proptest::prop_assert!(multi || t.totals.values().all(|n| *n == 1));
        }
    }
}
