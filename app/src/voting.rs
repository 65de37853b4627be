//! Dot voting in the app (issue "Facilitation"; model in `crdt::ballots`):
//! - the round is the moderator's signed `voting` entry;
//! - this person's ballot stays on this device (localStorage, per room) while the round
//!   is open: nobody, not even a peer reading the raw document, can count votes;
//! - when the round closes, every client publishes its ballot (also one that was offline
//!   and comes back), written under a throwaway client id, then everyone tallies with
//!   the same deterministic rule.

use std::cell::RefCell;
use std::collections::HashMap;

use crdt::ballots::{tally, Ballot, Round, Tally};
use crdt::control::keys;

use crate::editor::Editor;

thread_local! {
    static BALLOT: RefCell<Option<Ballot>> = const { RefCell::new(None) };
    /// The tally of the closed round in force, by round id.
    static TALLY: RefCell<Option<(u32, Tally)>> = const { RefCell::new(None) };
}

fn storage_key() -> Option<String> {
    Some(format!("lernraum.ballot.{}", crate::boot::link()?.room))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn save(ballot: &Ballot) {
    if let (Some(s), Some(k)) = (storage(), storage_key()) {
        let _ = s.set_item(&k, &ballot.to_json());
    }
}

/// The round in force (open, closed or cleared), if any.
pub fn round() -> Option<Round> {
    crate::facilitation::get(keys::VOTING).and_then(|v| Round::from_value(&v))
}

/// This device's ballot for `round` (from storage, or a fresh one with a new token).
fn ballot(round: &Round) -> Ballot {
    let current = BALLOT.with(|b| b.borrow().clone()).or_else(|| {
        let stored = storage()?.get_item(&storage_key()?).ok()??;
        Ballot::from_json(&stored)
    });
    match current {
        Some(b) if b.round == round.id => {
            // Read from storage once; every refresh asks (votes left, "has voted").
            BALLOT.with(|c| *c.borrow_mut() = Some(b.clone()));
            b
        }
        _ => {
            let b = Ballot::new(round.id, crate::boot::random_bytes());
            BALLOT.with(|c| *c.borrow_mut() = Some(b.clone()));
            save(&b);
            b
        }
    }
}

fn parent_of(ed: &Editor) -> impl Fn(&str) -> Option<String> + '_ {
    move |id: &str| ed.scene.get(id).and_then(|e| e.parent.clone())
}

/// The tally of `round` over the board's elements and the published `entries`.
fn tally_on(ed: &Editor, round: &Round, entries: &[(String, String)]) -> Tally {
    let eligible: std::collections::HashSet<&str> = ed
        .scene
        .in_order()
        .into_iter()
        .filter(|e| round.eligible(e, parent_of(ed)))
        .map(|e| e.id.as_str())
        .collect();
    tally(round, entries, |id| eligible.contains(id))
}

fn round_label(lang: crate::i18n::Lang, id: u32) -> String {
    match lang {
        crate::i18n::Lang::De => format!("Runde {id}"),
        crate::i18n::Lang::En => format!("Round {id}"),
    }
}

/// A tally's ranking with each element's text.
fn ranked_rows(ed: &Editor, tally: &Tally) -> Vec<ResultRow> {
    tally
        .ranked()
        .into_iter()
        .map(|(id, votes, rank)| {
            let text = ed
                .scene
                .get(&id)
                .map(|e| e.text.clone())
                .unwrap_or_default();
            (text, votes, rank)
        })
        .collect()
}

/// A click (or Shift+click / right-click: `remove`) on element `id` during an open
/// round. Returns whether it was a vote (so the click does nothing else).
pub fn click(ed: &mut Editor, id: &str, remove: bool) -> bool {
    let Some(round) = round().filter(Round::is_open) else {
        return false;
    };
    let eligible = ed
        .scene
        .get(id)
        .is_some_and(|e| round.eligible(e, parent_of(ed)));
    if !eligible {
        return false;
    }
    let mut b = ballot(&round);
    let changed = if remove {
        b.remove(&round, id)
    } else {
        b.add(&round, id)
    };
    if changed {
        save(&b);
        BALLOT.with(|c| *c.borrow_mut() = Some(b));
        ed.vote_marks = marks();
        ed.view_version += 1;
    }
    true
}

/// Votes left in the open round, if one is open.
pub fn votes_left() -> Option<u32> {
    let round = round().filter(Round::is_open)?;
    Some(ballot(&round).votes_left(&round))
}

/// After the board's control entries or ballots changed: publish this device's ballot
/// once the round has closed, and tally. Returns whether what is shown changed.
pub fn update(ed: &mut Editor) -> bool {
    let Some(round) = round() else {
        let had = TALLY.with(|t| t.borrow_mut().take()).is_some();
        return had;
    };
    if round.shows_results() {
        let mut b = ballot(&round);
        b.conform(&round);
        if b.is_publishable(&round) {
            if let Err(e) = ed.board.publish_ballot(&b) {
                log::warn!("voting: could not publish the ballot: {e}");
            }
        }
        let t = tally_on(ed, &round, &ed.board.ballot_entries());
        TALLY.with(|c| *c.borrow_mut() = Some((round.id, t)));
        true
    } else {
        TALLY.with(|t| t.borrow_mut().take()).is_some() || round.is_open()
    }
}

/// What to draw on elements: this person's dots during an open round, or the totals
/// of a closed one.
pub fn marks() -> HashMap<String, Mark> {
    let Some(round) = round() else {
        return HashMap::new();
    };
    if round.is_open() {
        ballot(&round)
            .votes
            .iter()
            .map(|(id, n)| (id.clone(), Mark::Own(*n)))
            .collect()
    } else if round.shows_results() {
        TALLY.with(|t| match &*t.borrow() {
            Some((r, tally)) if *r == round.id => tally
                .totals
                .iter()
                .map(|(id, n)| (id.clone(), Mark::Total(*n)))
                .collect(),
            _ => HashMap::new(),
        })
    } else {
        HashMap::new()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    /// This person's own dots on the element (open round).
    Own(u32),
    /// The element's total (closed round).
    Total(u32),
}

/// The results of the closed round, ranked.
pub fn results(ed: &Editor) -> Vec<ResultRow> {
    TALLY.with(|t| match &*t.borrow() {
        Some((_, tally)) => ranked_rows(ed, tally),
        None => Vec::new(),
    })
}

/// This person has placed at least one dot in the open round.
pub fn has_voted() -> bool {
    round()
        .filter(Round::is_open)
        .is_some_and(|r| !ballot(&r).is_empty())
}

/// The closed rounds kept by the moderator (`control` entry `rounds`), oldest first.
pub fn history() -> Vec<Round> {
    crate::facilitation::get(keys::ROUNDS)
        .and_then(|v| v.as_array().cloned())
        .map(|a| a.iter().filter_map(Round::from_value).collect())
        .unwrap_or_default()
}

/// The moderator ends the open round: it is closed, and kept in the history.
pub fn end_round(ed: &mut Editor) {
    let Some(round) = round().filter(Round::is_open) else {
        return;
    };
    let closed = round.closed();
    let mut rounds: Vec<serde_json::Value> = history()
        .into_iter()
        .filter(|r| r.id != closed.id)
        .map(|r| r.to_value())
        .collect();
    rounds.push(closed.to_value());
    // Keep the last 50 rounds (a long workshop day has a handful).
    let skip = rounds.len().saturating_sub(50);
    let rounds: Vec<serde_json::Value> = rounds.into_iter().skip(skip).collect();
    crate::facilitation::write(&mut ed.board, keys::VOTING, &closed.to_value());
    crate::facilitation::write(
        &mut ed.board,
        keys::ROUNDS,
        &serde_json::Value::Array(rounds),
    );
}

/// The moderator clears the votes of the current round: its ballots go, and it leaves
/// the history.
pub fn clear_round(ed: &mut Editor) {
    let Some(round) = round() else { return };
    if crate::facilitation::write(&mut ed.board, keys::VOTING, &round.cleared().to_value()) {
        ed.board.clear_ballots(round.id);
        let rounds: Vec<serde_json::Value> = history()
            .into_iter()
            .filter(|r| r.id != round.id)
            .map(|r| r.to_value())
            .collect();
        crate::facilitation::write(
            &mut ed.board,
            keys::ROUNDS,
            &serde_json::Value::Array(rounds),
        );
    }
}

/// Totals of every kept round, for the minutes, oldest first.
pub fn all_rounds(ed: &Editor, lang: crate::i18n::Lang) -> Vec<crate::export::minutes::VoteRound> {
    let entries = ed.board.ballot_entries();
    let mut rounds = history();
    if let Some(r) = round().filter(Round::shows_results) {
        if !rounds.iter().any(|h| h.id == r.id) {
            rounds.push(r);
        }
    }
    rounds
        .into_iter()
        .filter(Round::shows_results)
        .map(|round| crate::export::minutes::VoteRound {
            label: round_label(lang, round.id),
            totals: tally_on(ed, &round, &entries).totals.into_iter().collect(),
        })
        .collect()
}

/// One ranked row of results: (text, votes, rank).
pub type ResultRow = (String, u32, u32);

/// Results of the kept rounds before the current one, newest first: (label, rows).
pub fn earlier_results(ed: &Editor, lang: crate::i18n::Lang) -> Vec<(String, Vec<ResultRow>)> {
    let current = round().map(|r| r.id);
    let entries = ed.board.ballot_entries();
    history()
        .into_iter()
        .rev()
        .filter(|r| Some(r.id) != current && r.shows_results())
        .map(|round| {
            let rows = ranked_rows(ed, &tally_on(ed, &round, &entries));
            (round_label(lang, round.id), rows)
        })
        .collect()
}
