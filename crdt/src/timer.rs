//! The workshop timer, as the moderator's `control` entry `timer` holds it. Everyone's
//! countdown is derived from a shared end time, never from ticks, so it keeps running
//! when the moderator's browser is gone and agrees across clients (up to clock skew,
//! which the app corrects with the moderator's clock from awareness).
//!
//! Stored value: `{"state":"running","endsAt":MS,"duration":MS}`,
//! `{"state":"paused","remaining":MS,"duration":MS}` or `{"state":"stopped"}`; times in
//! milliseconds since the Unix epoch on the moderator's clock.

use serde_json::{json, Value};

/// The longest timer (24 h); longer values are clamped.
pub const MAX_MS: f64 = 24.0 * 3600.0 * 1000.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timer {
    Stopped,
    Running { ends_at: f64, duration: f64 },
    Paused { remaining: f64, duration: f64 },
}

fn ms(v: &Value, key: &str) -> Option<f64> {
    v.get(key)
        .and_then(Value::as_f64)
        .filter(|f| f.is_finite() && *f >= 0.0)
}

impl Timer {
    /// Reads a stored value; anything unreadable is a stopped timer.
    pub fn from_value(v: &Value) -> Timer {
        let duration = ms(v, "duration").unwrap_or(0.0).min(MAX_MS);
        match v.get("state").and_then(Value::as_str) {
            Some("running") => match ms(v, "endsAt") {
                Some(ends_at) => Timer::Running { ends_at, duration },
                None => Timer::Stopped,
            },
            Some("paused") => match ms(v, "remaining") {
                Some(r) => Timer::Paused {
                    remaining: r.min(MAX_MS),
                    duration,
                },
                None => Timer::Stopped,
            },
            _ => Timer::Stopped,
        }
    }

    pub fn to_value(self) -> Value {
        match self {
            Timer::Stopped => json!({ "state": "stopped" }),
            Timer::Running { ends_at, duration } => {
                json!({ "state": "running", "endsAt": ends_at, "duration": duration })
            }
            Timer::Paused {
                remaining,
                duration,
            } => json!({ "state": "paused", "remaining": remaining, "duration": duration }),
        }
    }

    /// Milliseconds left at `now` (moderator's clock), or `None` when stopped.
    pub fn remaining(self, now: f64) -> Option<f64> {
        match self {
            Timer::Stopped => None,
            Timer::Running { ends_at, .. } => Some((ends_at - now).max(0.0)),
            Timer::Paused { remaining, .. } => Some(remaining),
        }
    }

    /// Ran out: running with nothing left.
    pub fn is_done(self, now: f64) -> bool {
        matches!(self, Timer::Running { ends_at, .. } if now >= ends_at)
    }

    pub fn start(duration: f64, now: f64) -> Timer {
        let duration = duration.clamp(0.0, MAX_MS);
        Timer::Running {
            ends_at: now + duration,
            duration,
        }
    }

    pub fn pause(self, now: f64) -> Timer {
        match self {
            Timer::Running { ends_at, duration } => Timer::Paused {
                remaining: (ends_at - now).max(0.0),
                duration,
            },
            other => other,
        }
    }

    pub fn resume(self, now: f64) -> Timer {
        match self {
            Timer::Paused {
                remaining,
                duration,
            } => Timer::Running {
                ends_at: now + remaining,
                duration,
            },
            other => other,
        }
    }

    /// Adds (or with a negative `delta` takes away) time; never below zero left.
    pub fn add(self, delta: f64, now: f64) -> Timer {
        match self {
            Timer::Running { ends_at, duration } => Timer::Running {
                ends_at: (ends_at + delta).max(now).min(now + MAX_MS),
                duration: (duration + delta).clamp(0.0, MAX_MS),
            },
            Timer::Paused {
                remaining,
                duration,
            } => Timer::Paused {
                remaining: (remaining + delta).clamp(0.0, MAX_MS),
                duration: (duration + delta).clamp(0.0, MAX_MS),
            },
            Timer::Stopped => Timer::Stopped,
        }
    }
}

/// `m:ss` (or `h:mm:ss`) for a countdown, rounding up so it shows 0:00 only at zero.
pub fn format(ms: f64) -> String {
    let s = (ms / 1000.0).ceil().max(0.0) as u64;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timer_counts_from_its_end_time() {
        let t = Timer::start(5.0 * 60_000.0, 1_000.0);
        assert_eq!(t.remaining(1_000.0), Some(300_000.0));
        assert_eq!(t.remaining(61_000.0), Some(240_000.0));
        assert!(!t.is_done(300_999.0) && t.is_done(301_000.0));
        assert_eq!(t.remaining(999_999.0), Some(0.0));
        assert_eq!(Timer::from_value(&t.to_value()), t);
    }

    #[test]
    fn pause_resume_and_minutes_more_or_less() {
        let t = Timer::start(60_000.0, 0.0).pause(20_000.0);
        assert_eq!(t.remaining(99_999.0), Some(40_000.0));
        let t = t.resume(100_000.0);
        assert_eq!(t.remaining(100_000.0), Some(40_000.0));
        let t = t.add(60_000.0, 100_000.0);
        assert_eq!(t.remaining(100_000.0), Some(100_000.0));
        let t = t.add(-600_000.0, 100_000.0);
        assert_eq!(t.remaining(100_000.0), Some(0.0));
        assert_eq!(Timer::Stopped.add(1.0, 0.0), Timer::Stopped);
    }

    #[test]
    fn odd_values_read_as_stopped_or_clamped() {
        assert_eq!(Timer::from_value(&json!(null)), Timer::Stopped);
        assert_eq!(
            Timer::from_value(&json!({"state":"running"})),
            Timer::Stopped
        );
        assert_eq!(
            Timer::from_value(&json!({"state":"paused","remaining":1e300})),
            Timer::Paused {
                remaining: MAX_MS,
                duration: 0.0
            }
        );
        assert_eq!(
            Timer::from_value(&json!({"state":"running","endsAt":-5})),
            Timer::Stopped
        );
    }

    #[test]
    fn countdowns_read_well() {
        assert_eq!(format(0.0), "0:00");
        assert_eq!(format(1.0), "0:01");
        assert_eq!(format(300_000.0), "5:00");
        assert_eq!(format(3_661_000.0), "1:01:01");
    }
}
