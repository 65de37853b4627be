//! Reading published ballots and the tally: one deterministic rule for every client.

use super::*;

/// Why a published ballot of the round is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BallotError {
    /// Not a ballot of this round (its key does not start with `"{round}:"`). Not
    /// counted as ignored.
    OtherRound,
    BadToken,
    TooLarge,
    Malformed(&'static str),
    /// `r` is not the round of the key.
    WrongRound,
    /// A count that is not an integer ≥ 1.
    BadCount,
    /// More than one dot on an element in a round without `multi`.
    NotSingle,
    /// More dots than `per_person`.
    OverBudget,
}

impl std::fmt::Display for BallotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BallotError::OtherRound => write!(f, "not of this round"),
            BallotError::BadToken => write!(f, "malformed token"),
            BallotError::TooLarge => write!(f, "too large"),
            BallotError::Malformed(why) => write!(f, "malformed: {why}"),
            BallotError::WrongRound => write!(f, "round number does not match its key"),
            BallotError::BadCount => write!(f, "a count is not an integer of at least 1"),
            BallotError::NotSingle => write!(f, "several dots on one element"),
            BallotError::OverBudget => write!(f, "more votes than allowed"),
        }
    }
}

/// Reads the published ballot `key` = `value` against `round`'s rules: its votes, or
/// why it does not count. The rule every client applies (docs/schema.md), in order:
///
/// 1. the key is `"{round.id}:"` followed by a token (16–64 of `[A-Za-z0-9_-]`);
/// 2. the value is at most 8 KiB, a JSON object with `r` equal to `round.id` and `v`
///    an object (other keys are ignored; of duplicate keys the last counts, as
///    `JSON.parse` reads them);
/// 3. every count in `v` is an integer ≥ 1 (2.0 is 2; 0, −1, 1.5, `"1"` are not);
/// 4. unless `round.multi`, every count is 1;
/// 5. the counts sum to at most `round.per_person`.
pub fn read_published(
    round: &Round,
    key: &str,
    value: &str,
) -> Result<BTreeMap<String, u32>, BallotError> {
    let token = key
        .strip_prefix(&format!("{}:", round.id))
        .ok_or(BallotError::OtherRound)?;
    if !is_token(token) {
        return Err(BallotError::BadToken);
    }
    if value.len() > MAX_BALLOT_BYTES {
        return Err(BallotError::TooLarge);
    }
    let v: Value = serde_json::from_str(value).map_err(|_| BallotError::Malformed("not JSON"))?;
    let r = v
        .get("r")
        .ok_or(BallotError::Malformed("no round number"))?;
    if int(r) != Some(u64::from(round.id)) {
        return Err(BallotError::WrongRound);
    }
    let counts = v
        .get("v")
        .and_then(Value::as_object)
        .ok_or(BallotError::Malformed("no votes"))?;
    let mut votes = BTreeMap::new();
    let mut total = 0u64;
    for (id, n) in counts {
        let n = int(n).filter(|n| *n >= 1).ok_or(BallotError::BadCount)?;
        if !round.multi && n > 1 {
            return Err(BallotError::NotSingle);
        }
        total = total.saturating_add(n);
        if total > u64::from(round.per_person) {
            return Err(BallotError::OverBudget);
        }
        votes.insert(id.clone(), n as u32);
    }
    Ok(votes)
}

/// The result of a round.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Element id → votes, for eligible elements with at least one vote.
    pub totals: BTreeMap<String, u32>,
    /// Valid ballots of the round (an empty one included).
    pub ballots_counted: u32,
    /// Ballots of the round that broke a rule and count not at all.
    pub ballots_ignored: u32,
    /// Votes of valid ballots for elements not (or no longer) eligible: deleted,
    /// moved out of the frame, of another kind, or not yet received.
    pub votes_dropped: u32,
}

/// Counts the ballots of `round` among `entries` (`Board::ballot_entries`). Entries of
/// other rounds are skipped; each entry of this round is read with [`read_published`]
/// and either ignored entirely or counted; a counted ballot's votes go to the
/// elements for which `eligible(id)` holds and are dropped for the others. The result
/// does not depend on the order of `entries`.
///
/// Showing it is the caller's decision: only when [`Round::shows_results`].
pub fn tally(
    round: &Round,
    entries: &[(String, String)],
    eligible: impl Fn(&str) -> bool,
) -> Tally {
    let mut t = Tally::default();
    for (key, value) in entries {
        match read_published(round, key, value) {
            Err(BallotError::OtherRound) => {}
            Err(e) => {
                log::debug!("ballots: ignored {key:?}: {e}");
                t.ballots_ignored += 1;
            }
            Ok(votes) => {
                t.ballots_counted += 1;
                for (id, n) in votes {
                    if eligible(&id) {
                        let total = t.totals.entry(id).or_insert(0);
                        *total = total.saturating_add(n);
                    } else {
                        t.votes_dropped = t.votes_dropped.saturating_add(n);
                    }
                }
            }
        }
    }
    t
}

impl Tally {
    pub fn votes(&self, id: &str) -> u32 {
        self.totals.get(id).copied().unwrap_or(0)
    }

    /// All votes counted.
    pub fn total(&self) -> u32 {
        self.totals.values().fold(0u32, |a, n| a.saturating_add(*n))
    }

    /// `(id, votes, rank)` for every element with votes: most votes first, ties in
    /// ascending byte order of their ids; tied elements share a rank and the next rank
    /// skips (1, 1, 3: "standard competition ranking").
    pub fn ranked(&self) -> Vec<(String, u32, u32)> {
        let mut list: Vec<(&String, u32)> = self.totals.iter().map(|(k, v)| (k, *v)).collect();
        // `totals` iterates in ascending id order and the sort is stable.
        crate::order::sort_by(&mut list, |a, b| b.1.cmp(&a.1));
        let mut out = Vec::with_capacity(list.len());
        let mut rank = 0u32;
        let mut last = None;
        for (i, (id, n)) in list.into_iter().enumerate() {
            if last != Some(n) {
                rank = i as u32 + 1;
                last = Some(n);
            }
            out.push((id.clone(), n, rank));
        }
        out
    }
}
