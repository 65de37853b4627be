//! The other people in the room, as their awareness states describe them (ROOMS.md,
//! "Presence"): `{ user: { name, color }, cursor: {x, y} | null, selection: [ids],
//! viewport: {x, y, zoom}, role }`. DOM-free. A state is input from a peer: every
//! field is checked and bounded, anything odd is left out, nothing here can fail.

use serde_json::Value;

/// Longest name shown, in characters.
pub const MAX_NAME: usize = 40;
/// Most selected ids taken from one peer.
pub const MAX_SELECTION: usize = 2000;

/// Cursor colours: saturated, distinct, each readable with white text (≥ 4.5:1).
pub const COLOURS: [&str; 10] = [
    "#c92a2a", "#a61e4d", "#862e9c", "#5f3dc4", "#364fc7", "#1864ab", "#0b7285", "#087f5b",
    "#2b8a3e", "#d9480f",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Peer {
    pub client: u32,
    pub name: String,
    pub color: String,
    /// Board coordinates of the pointer, while it is over the board.
    pub cursor: Option<(f64, f64)>,
    pub selection: Vec<String>,
    /// The camera: top-left board point and zoom, as `Camera` keeps them.
    pub viewport: Option<(f64, f64, f64)>,
    pub moderator: bool,
    /// The sender's clock (ms since the epoch) when it sent this state; moderators
    /// send it, so participants can correct their clock for the shared timer.
    pub clock: Option<f64>,
    /// Has placed at least one dot in the open voting round (a flag, never the ballot).
    pub voted: bool,
}

fn finite(v: &Value) -> Option<f64> {
    v.as_f64().filter(|f| f.is_finite() && f.abs() < 1e9)
}

/// A colour as `#rrggbb`, or `None`.
fn colour(v: &Value) -> Option<String> {
    let s = v.as_str()?;
    (s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| s.to_ascii_lowercase())
}

/// Reads a peer's awareness state; `None` when it is not an object (or describes no
/// one). Missing parts get defaults: a name from the client id, a colour from it.
pub fn parse(client: u32, json: &str) -> Option<Peer> {
    let v: Value = serde_json::from_str(json).ok()?;
    let obj = v.as_object()?;
    let user = obj.get("user").and_then(Value::as_object);
    let name: String = user
        .and_then(|u| u.get("name"))
        .and_then(Value::as_str)
        .map(|n| {
            n.chars()
                .filter(|c| !c.is_control())
                .take(MAX_NAME)
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("#{}", client % 1000));
    let color = user
        .and_then(|u| u.get("color"))
        .and_then(colour)
        .unwrap_or_else(|| COLOURS[client as usize % COLOURS.len()].to_string());
    let cursor = obj
        .get("cursor")
        .and_then(|c| Some((finite(c.get("x")?)?, finite(c.get("y")?)?)));
    let selection = obj
        .get("selection")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|s| s.len() <= 64)
                .take(MAX_SELECTION)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let viewport = obj.get("viewport").and_then(|c| {
        let z = finite(c.get("zoom")?)?;
        (z > 0.0).then_some(())?;
        Some((finite(c.get("x")?)?, finite(c.get("y")?)?, z))
    });
    let moderator = obj.get("role").and_then(Value::as_str) == Some("moderator");
    let clock = obj
        .get("clock")
        .and_then(Value::as_f64)
        .filter(|c| c.is_finite() && *c > 0.0 && *c < 1e14);
    let voted = obj.get("voted").and_then(Value::as_bool).unwrap_or(false);
    Some(Peer {
        voted,
        client,
        name,
        color,
        cursor,
        selection,
        viewport,
        moderator,
        clock,
    })
}

/// What we tell the others about ourselves (ROOMS.md "Presence").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Own<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub cursor: Option<(f64, f64)>,
    pub selection: &'a [String],
    /// View centre and zoom.
    pub viewport: (f64, f64, f64),
    pub moderator: bool,
    /// Moderators send their clock (`Date.now()`), for the shared timer.
    pub clock: Option<f64>,
    /// Has voted in the open round (a flag only).
    pub voted: bool,
}

/// Our own awareness state as JSON.
pub fn state_json(own: &Own<'_>) -> String {
    let mut state = serde_json::json!({
        "user": { "name": own.name, "color": own.color },
        "cursor": own.cursor.map(|(x, y)| serde_json::json!({ "x": x, "y": y })),
        "selection": own.selection,
        "viewport": { "x": own.viewport.0, "y": own.viewport.1, "zoom": own.viewport.2 },
        "role": if own.moderator { "moderator" } else { "participant" },
    });
    if let Some(c) = own.clock {
        state["clock"] = serde_json::json!(c);
    }
    if own.voted {
        state["voted"] = serde_json::json!(true);
    }
    state.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_round_trips() {
        let json = state_json(&Own {
            name: "Erika",
            color: "#1864ab",
            cursor: Some((10.0, -5.5)),
            selection: &["a".into()],
            viewport: (1.0, 2.0, 0.5),
            moderator: true,
            clock: Some(1.7e12),
            voted: true,
        });
        let p = parse(7, &json).unwrap();
        assert_eq!(p.name, "Erika");
        assert_eq!(p.color, "#1864ab");
        assert_eq!(p.cursor, Some((10.0, -5.5)));
        assert_eq!(p.selection, vec!["a".to_string()]);
        assert_eq!(p.viewport, Some((1.0, 2.0, 0.5)));
        assert!(p.moderator);
        assert_eq!(p.clock, Some(1.7e12));
        assert!(p.voted);
    }

    #[test]
    fn hostile_or_foreign_states_are_bounded() {
        assert!(parse(1, "null").is_none());
        assert!(parse(1, "[1,2]").is_none());
        assert!(parse(1, "{").is_none());
        // A y-webrtc demo client: only a name and a colour name.
        let p = parse(3, r#"{"user":{"name":"Bob","color":"orange"}}"#).unwrap();
        assert_eq!(p.name, "Bob");
        assert_eq!(p.color, COLOURS[3]);
        assert_eq!(p.cursor, None);
        let long = "x".repeat(500);
        let p = parse(
            4,
            &format!(
                r#"{{"user":{{"name":"{long}\u0000\u001b"}},"cursor":{{"x":1e308,"y":0}},"viewport":{{"x":0,"y":0,"zoom":-1}},"selection":[1,"ok",null]}}"#
            ),
        )
        .unwrap();
        assert_eq!(p.name.chars().count(), MAX_NAME);
        assert_eq!(p.cursor, None);
        assert_eq!(p.viewport, None);
        assert_eq!(p.selection, vec!["ok".to_string()]);
        let p = parse(5, r#"{"user":{"name":"   "}}"#).unwrap();
        assert_eq!(p.name, "#5");
    }
}
