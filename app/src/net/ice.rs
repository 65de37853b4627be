//! STUN and TURN servers for peers on different networks, from the page address:
//! `?ice=stun:HOST:PORT` (repeatable), and for TURN `?ice=turn:HOST:PORT` with
//! `&iceuser=NAME&icecred=SECRET`. None by default: peers on one network (a workshop)
//! reach each other directly, and no third party learns who meets whom. A STUN server
//! learns the public addresses of the peers that ask it; a TURN server also relays their
//! traffic, still DTLS-encrypted end to end (docs/protocol.md). The Share dialog says
//! which are in use, and shared links keep the parameters, so everyone uses the same.

/// At most this many servers are used (more only slow down connecting).
pub const MAX_SERVERS: usize = 4;
/// Longest URL, user name or credential accepted.
const MAX_LEN: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IceServer {
    pub url: String,
    /// Only for `turn:` and `turns:` servers.
    pub username: Option<String>,
    pub credential: Option<String>,
}

/// The servers named by `?ice=` values; anything that is not a `stun:`, `stuns:`,
/// `turn:` or `turns:` URL is skipped with the reason. TURN servers need both
/// `iceuser` and `icecred` (browsers refuse them otherwise).
pub fn parse(
    values: &[String],
    user: Option<&str>,
    credential: Option<&str>,
) -> (Vec<IceServer>, Vec<String>) {
    let (mut servers, mut skipped) = (Vec::new(), Vec::new());
    let ok = |s: &&str| !s.is_empty() && s.len() <= MAX_LEN && !s.chars().any(char::is_control);
    let user = user.filter(ok);
    let credential = credential.filter(ok);
    for v in values {
        let v = v.trim();
        let scheme = v.split(':').next().unwrap_or("").to_ascii_lowercase();
        let rest = v.split_once(':').map(|(_, r)| r).unwrap_or("");
        let why = if !ok(&v) {
            Some("empty, too long or with control characters")
        } else if !matches!(scheme.as_str(), "stun" | "stuns" | "turn" | "turns") {
            Some("not a stun:, stuns:, turn: or turns: URL")
        } else if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
            Some("no host")
        } else if scheme.starts_with("turn") && (user.is_none() || credential.is_none()) {
            Some("a TURN server needs iceuser= and icecred=")
        } else if servers.len() == MAX_SERVERS {
            Some("too many servers")
        } else {
            None
        };
        match why {
            Some(why) => skipped.push(format!("{v}: {why}")),
            None => {
                let turn = scheme.starts_with("turn");
                servers.push(IceServer {
                    url: v.to_string(),
                    username: turn.then(|| user.unwrap_or_default().to_string()),
                    credential: turn.then(|| credential.unwrap_or_default().to_string()),
                });
            }
        }
    }
    (servers, skipped)
}

thread_local! {
    static SERVERS: std::cell::OnceCell<Vec<IceServer>> = const { std::cell::OnceCell::new() };
}

/// The servers of this page's address (read once).
pub fn servers() -> Vec<IceServer> {
    SERVERS.with(|s| {
        s.get_or_init(|| {
            let params = web_sys::window()
                .and_then(|w| w.location().search().ok())
                .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok());
            let Some(p) = params else {
                return Vec::new();
            };
            let values: Vec<String> = p
                .get_all("ice")
                .iter()
                .filter_map(|v| v.as_string())
                .collect();
            let (servers, skipped) = parse(
                &values,
                p.get("iceuser").as_deref(),
                p.get("icecred").as_deref(),
            );
            for s in skipped {
                log::warn!("ignoring ?ice={s}");
            }
            servers
        })
        .clone()
    })
}

/// The servers as `RTCConfiguration.iceServers` wants them.
pub fn js_servers() -> js_sys::Array {
    let out = js_sys::Array::new();
    for s in servers() {
        let server = web_sys::RtcIceServer::new();
        server.set_urls(&wasm_bindgen::JsValue::from_str(&s.url));
        if let (Some(u), Some(c)) = (&s.username, &s.credential) {
            server.set_username(u);
            server.set_credential(c);
        }
        out.push(&server);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn stun_servers_need_no_credentials() {
        let (s, skipped) = parse(&urls(&["stun:stun.example.org:3478"]), None, None);
        assert!(skipped.is_empty());
        assert_eq!(
            s,
            vec![IceServer {
                url: "stun:stun.example.org:3478".into(),
                username: None,
                credential: None
            }]
        );
    }

    #[test]
    fn turn_servers_take_the_user_and_credential() {
        let (s, _) = parse(
            &urls(&[
                "turn:turn.example.org:3478?transport=udp",
                "stun:a.example:3478",
            ]),
            Some("lernraum"),
            Some("geheim"),
        );
        assert_eq!(s[0].username.as_deref(), Some("lernraum"));
        assert_eq!(s[0].credential.as_deref(), Some("geheim"));
        assert_eq!(s[1].username, None, "not given to a STUN server");
        let (s, skipped) = parse(&urls(&["turns:turn.example.org:5349"]), Some("u"), None);
        assert!(s.is_empty());
        assert!(skipped[0].contains("iceuser"), "{skipped:?}");
    }

    #[test]
    fn anything_else_is_skipped_with_a_reason() {
        let bad = [
            "",
            "https://example.org",
            "javascript:alert(1)",
            "stun:",
            "stun://",
            "stun:host name",
            "stun:a\u{7}b",
        ];
        let (s, skipped) = parse(&urls(&bad), Some("u"), Some("c"));
        assert!(s.is_empty(), "{s:?}");
        assert_eq!(skipped.len(), bad.len());
        let long = format!("stun:{}", "a".repeat(MAX_LEN));
        assert!(parse(&urls(&[&long]), None, None).0.is_empty());
    }

    #[test]
    fn at_most_four_servers() {
        let many: Vec<String> = (0..6).map(|i| format!("stun:s{i}.example:3478")).collect();
        let (s, skipped) = parse(&many, None, None);
        assert_eq!(s.len(), MAX_SERVERS);
        assert_eq!(skipped.len(), 2);
    }
}
