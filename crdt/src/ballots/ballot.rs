//! This participant's ballot: kept on the device while the round is open, published
//! (anonymously) when it closes.

use super::*;

/// Whether `token` is a well-formed ballot token.
pub fn is_token(token: &str) -> bool {
    (TOKEN_MIN..=TOKEN_MAX).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// This participant's ballot for one round, kept on the device until the round closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    pub round: u32,
    /// Random, fresh for each round, never shown to anyone nor put in awareness.
    pub token: String,
    /// Element id → dots on it (each ≥ 1).
    pub votes: BTreeMap<String, u32>,
}

impl Ballot {
    /// An empty ballot for round `round`. `random` must come from a cryptographically
    /// secure source (`crypto.getRandomValues`); the token is its base64url (22
    /// characters). Make a new one for every round.
    pub fn new(round: u32, random: [u8; 16]) -> Ballot {
        Ballot {
            round,
            token: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random),
            votes: BTreeMap::new(),
        }
    }

    /// Dots placed in all.
    pub fn used(&self) -> u32 {
        self.votes.values().fold(0u32, |a, n| a.saturating_add(*n))
    }

    pub fn count(&self, id: &str) -> u32 {
        self.votes.get(id).copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.votes.is_empty()
    }

    fn for_round(&self, round: &Round) -> bool {
        round.id == self.round
    }

    /// Votes still to place in `round` (0 when this ballot is not for it).
    pub fn votes_left(&self, round: &Round) -> u32 {
        if !self.for_round(round) {
            return 0;
        }
        round.per_person.saturating_sub(self.used())
    }

    /// Whether a dot may go on `id` now: the round is this ballot's and open, votes are
    /// left, and (unless `multi`) `id` has none yet. Eligibility is the caller's check
    /// ([`Round::eligible`]).
    pub fn can_add(&self, round: &Round, id: &str) -> bool {
        self.for_round(round)
            && round.is_open()
            && self.votes_left(round) > 0
            && (round.multi || self.count(id) == 0)
    }

    /// Puts a dot on `id`; false (and nothing changes) when [`Ballot::can_add`] says no.
    pub fn add(&mut self, round: &Round, id: &str) -> bool {
        if !self.can_add(round, id) {
            return false;
        }
        *self.votes.entry(id.to_string()).or_insert(0) += 1;
        true
    }

    /// Takes one dot off `id`; false when there is none or the round is not open.
    pub fn remove(&mut self, round: &Round, id: &str) -> bool {
        if !self.for_round(round) || !round.is_open() {
            return false;
        }
        match self.votes.get_mut(id) {
            Some(n) if *n > 1 => *n -= 1,
            Some(_) => {
                self.votes.remove(id);
            }
            None => return false,
        }
        true
    }

    /// Brings the ballot within `round`'s rules (the moderator may have changed them
    /// under the same round number): one dot per element unless `multi`, then dots
    /// taken off the last ids (in byte order) until within the budget. Returns whether
    /// anything changed. Call before publishing: a ballot over the rules is ignored by
    /// every client.
    pub fn conform(&mut self, round: &Round) -> bool {
        let before = self.votes.clone();
        if !round.multi {
            self.votes.values_mut().for_each(|n| *n = 1);
        }
        let mut over = self.used().saturating_sub(round.per_person);
        while over > 0 {
            let Some(mut last) = self.votes.last_entry() else {
                break;
            };
            if *last.get() > over {
                *last.get_mut() -= over;
                over = 0;
            } else {
                over -= last.remove();
            }
        }
        self.votes != before
    }

    /// Publish now: `round` is this ballot's and closed, and there is something to
    /// publish. (Empty ballots are not published.)
    pub fn is_publishable(&self, round: &Round) -> bool {
        self.for_round(round) && round.state == State::Closed && !self.is_empty()
    }

    /// Key in the `ballots` map: `"{round}:{token}"`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.round, self.token)
    }

    fn votes_value(&self) -> Value {
        Value::Object(
            self.votes
                .iter()
                .map(|(id, n)| (id.clone(), json!(n)))
                .collect::<Map<String, Value>>(),
        )
    }

    /// Value in the `ballots` map: `{"r":round,"v":{"id":n,…}}`, nothing else.
    pub fn published_value(&self) -> String {
        json!({ "r": self.round, "v": self.votes_value() }).to_string()
    }

    /// For local storage (this device only): `{"r":round,"t":token,"v":{…}}`.
    pub fn to_json(&self) -> String {
        json!({ "r": self.round, "t": self.token, "v": self.votes_value() }).to_string()
    }

    /// Reads [`Ballot::to_json`]'s text; `None` if anything is off (then start afresh).
    pub fn from_json(s: &str) -> Option<Ballot> {
        let v: Value = serde_json::from_str(s).ok()?;
        let round = u32::try_from(int(v.get("r")?)?).ok()?;
        let token = v.get("t")?.as_str()?.to_string();
        if !is_token(&token) {
            return None;
        }
        let mut votes = BTreeMap::new();
        for (id, n) in v.get("v")?.as_object()? {
            let n = u32::try_from(int(n)?).ok().filter(|n| *n >= 1)?;
            votes.insert(id.clone(), n);
        }
        Some(Ballot {
            round,
            token,
            votes,
        })
    }
}
