//! Negotiating connections: offers, answers and ICE candidates (simple-peer signals),
//! glare, dialling, and making a peer's `RtcPeerConnection`.

use super::*;

/// The DTLS fingerprint an SDP names: the same one means the same remote connection.
pub(super) fn fingerprint(sdp: &str) -> Option<&str> {
    sdp.lines()
        .find_map(|l| l.trim().strip_prefix("a=fingerprint:"))
}

pub(super) enum OnOffer {
    Ignore,
    /// A new offer on the connection we have (same DTLS fingerprint): answer it there.
    Renegotiate(u32),
    /// Answer on a fresh connection (replacing any).
    Answer,
}

pub(super) fn on_offer(from: &str, socket: usize, token: f64, sdp: String, our_id: &str) {
    let decision = with_mesh(|m| {
        if let Some(p) = m.peers.get(from) {
            let waiting = p.initiator && !p.remote_set && !p.opened;
            if waiting {
                m.glares += 1;
                if wire::our_offer_wins(p.token, our_id, token, from) {
                    return OnOffer::Ignore;
                }
                // Our offer lost: answer theirs on a fresh connection.
                return OnOffer::Answer;
            }
            // A simple-peer that answered our offer while its own was being made sends
            // that offer afterwards, on the same connection.
            let same = p.remote_set
                && p.pc.remote_description().is_some_and(|d| {
                    fingerprint(&d.sdp()).is_some_and(|f| Some(f) == fingerprint(&sdp))
                });
            if same && p.pc.signaling_state() == RtcSignalingState::Stable {
                return OnOffer::Renegotiate(p.generation);
            }
            // The peer starts over.
            return OnOffer::Answer;
        }
        if m.peers.len() < m.max_conns + EXTRA_ANSWERED {
            OnOffer::Answer
        } else {
            OnOffer::Ignore
        }
    });
    let generation = match decision {
        None | Some(OnOffer::Ignore) => return,
        Some(OnOffer::Renegotiate(generation)) => generation,
        Some(OnOffer::Answer) => {
            close_peer(from, None, "replaced by a new offer", false);
            match new_peer(from, socket, false) {
                Some(generation) => generation,
                None => return,
            }
        }
    };
    let from = from.to_owned();
    leptos::task::spawn_local(async move {
        if let Err(e) = answer(&from, generation, socket, &sdp).await {
            log::warn!("webrtc: could not answer {from}: {e}");
            close_peer(&from, Some(generation), "answer failed", true);
        }
    });
}

pub(super) async fn answer(
    from: &str,
    generation: u32,
    socket: usize,
    sdp: &str,
) -> Result<(), String> {
    let Some((pc, token)) = with_peer(from, generation, |p| (p.pc.clone(), p.token)) else {
        return Ok(());
    };
    let desc = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
    desc.set_sdp(sdp);
    JsFuture::from(pc.set_remote_description(&desc))
        .await
        .map_err(|e| format!("{e:?}"))?;
    remote_description_set(from, generation);
    let answer = JsFuture::from(pc.create_answer())
        .await
        .map_err(|e| format!("{e:?}"))?;
    let sdp = Reflect::get(&answer, &"sdp".into())
        .ok()
        .and_then(|s| s.as_string())
        .ok_or("no sdp in the answer")?;
    let desc = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
    desc.set_sdp(&sdp);
    JsFuture::from(pc.set_local_description(&desc))
        .await
        .map_err(|e| format!("{e:?}"))?;
    if with_peer(from, generation, |_| ()).is_some() {
        publish_signal(from, socket, token, Signal::Answer(sdp));
    }
    Ok(())
}

pub(super) fn publish_signal(to: &str, socket: usize, token: f64, signal: Signal) {
    if socket == INVITE_SOCKET {
        // Invites carry their candidates inside the codes (no trickle).
        return;
    }
    if let Some(from) = peer_id() {
        signaling::publish(
            Some(socket),
            PeerMessage::Signal {
                from,
                to: to.to_owned(),
                token,
                signal,
                ext: wire::EXT_PACKED,
            },
        );
    }
}

pub(super) fn on_answer(from: &str, sdp: String) {
    let Some(Some((pc, generation))) = with_mesh(|m| {
        m.peers
            .get(from)
            .filter(|p| p.initiator && !p.remote_set)
            .map(|p| (p.pc.clone(), p.generation))
    }) else {
        return;
    };
    let from = from.to_owned();
    leptos::task::spawn_local(async move {
        let desc = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
        desc.set_sdp(&sdp);
        match JsFuture::from(pc.set_remote_description(&desc)).await {
            Ok(_) => remote_description_set(&from, generation),
            Err(e) => {
                log::warn!("webrtc: bad answer from {from}: {e:?}");
                close_peer(&from, Some(generation), "bad answer", true);
            }
        }
    });
}

pub(crate) fn remote_description_set(from: &str, generation: u32) {
    let Some((pc, pending)) = with_peer(from, generation, |p| {
        p.remote_set = true;
        (p.pc.clone(), std::mem::take(&mut p.pending))
    }) else {
        return;
    };
    for c in pending {
        add_candidate(&pc, c);
    }
}

pub(super) fn add_candidate(pc: &RtcPeerConnection, c: RtcIceCandidateInit) {
    let p = pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&c));
    leptos::task::spawn_local(async move {
        // A candidate of an attempt that was replaced is refused; that is fine.
        if let Err(e) = JsFuture::from(p).await {
            log::debug!("webrtc: ignored an ICE candidate: {e:?}");
        }
    });
}

pub(super) fn on_candidate(from: &str, c: RtcIceCandidateInit) {
    let ready = with_mesh(|m| {
        let p = m.peers.get_mut(from)?;
        if p.remote_set {
            Some(Some(p.pc.clone()))
        } else {
            if p.pending.len() < MAX_PENDING_CANDIDATES {
                p.pending.push(c.clone());
            }
            Some(None)
        }
    })
    .flatten();
    if let Some(Some(pc)) = ready {
        add_candidate(&pc, c);
    }
}

/// Dials a peer: a new connection with our data channel, and an offer.
pub(super) fn dial_peer(to: &str, socket: usize) {
    let Some(generation) = new_peer(to, socket, true) else {
        return;
    };
    let to = to.to_owned();
    leptos::task::spawn_local(async move {
        if let Err(e) = offer(&to, generation, socket).await {
            log::warn!("webrtc: could not dial {to}: {e}");
            close_peer(&to, Some(generation), "offer failed", true);
        }
    });
}

pub(super) async fn offer(to: &str, generation: u32, socket: usize) -> Result<(), String> {
    let Some((pc, token)) = with_peer(to, generation, |p| (p.pc.clone(), p.token)) else {
        return Ok(());
    };
    let offer = JsFuture::from(pc.create_offer())
        .await
        .map_err(|e| format!("{e:?}"))?;
    let sdp = Reflect::get(&offer, &"sdp".into())
        .ok()
        .and_then(|s| s.as_string())
        .ok_or("no sdp in the offer")?;
    let desc = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
    desc.set_sdp(&sdp);
    JsFuture::from(pc.set_local_description(&desc))
        .await
        .map_err(|e| format!("{e:?}"))?;
    if with_peer(to, generation, |_| ()).is_some() {
        publish_signal(to, socket, token, Signal::Offer(sdp));
    }
    Ok(())
}

pub(super) fn random_label() -> String {
    let b: [u8; 20] = crate::boot::random_bytes();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Creates the connection to a peer (replacing none: the caller closed any old one).
pub(crate) fn new_peer(remote: &str, socket: usize, initiator: bool) -> Option<u32> {
    let config = RtcConfiguration::new();
    // No STUN or TURN server unless the page address names them (`?ice=`, net/ice.rs):
    // no third party learns who meets whom. Peers on one network reach each other directly.
    config.set_ice_servers(&crate::net::ice::js_servers());
    let pc = match RtcPeerConnection::new_with_configuration(&config) {
        Ok(pc) => pc,
        Err(e) => {
            log::warn!("webrtc: cannot create a connection: {e:?}");
            return None;
        }
    };
    let generation = with_mesh(|m| {
        m.next_generation += 1;
        m.next_generation
    })?;
    let id = remote.to_owned();
    let on_ice = Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new(
        move |ev: RtcPeerConnectionIceEvent| {
            let Some(c) = ev.candidate() else { return };
            let line = c.candidate();
            if line.is_empty() {
                return;
            }
            if let Some((socket, token)) = with_peer(&id, generation, |p| (p.socket, p.token)) {
                publish_signal(
                    &id,
                    socket,
                    token,
                    Signal::Candidate {
                        candidate: line,
                        sdp_m_line_index: c.sdp_m_line_index(),
                        sdp_mid: c.sdp_mid(),
                    },
                );
            }
        },
    );
    pc.set_onicecandidate(Some(on_ice.as_ref().unchecked_ref()));
    on_ice.forget();

    let id = remote.to_owned();
    let on_channel =
        Closure::<dyn FnMut(RtcDataChannelEvent)>::new(move |ev: RtcDataChannelEvent| {
            setup_channel(&ev.channel(), &id, generation, true);
        });
    pc.set_ondatachannel(Some(on_channel.as_ref().unchecked_ref()));
    on_channel.forget();

    let id = remote.to_owned();
    let pc2 = pc.clone();
    let on_state = Closure::<dyn FnMut()>::new(move || {
        if matches!(
            pc2.connection_state(),
            RtcPeerConnectionState::Failed | RtcPeerConnectionState::Closed
        ) {
            let opened = with_peer(&id, generation, |p| p.opened).unwrap_or(false);
            close_peer(&id, Some(generation), "connection failed", !opened);
            if opened {
                announce_all();
            }
        }
    });
    pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
    on_state.forget();

    if initiator {
        let init = RtcDataChannelInit::new();
        init.set_ordered(true);
        let ch = pc.create_data_channel_with_data_channel_dict(&random_label(), &init);
        setup_channel(&ch, remote, generation, false);
    }
    let token = now() + fastrand::f64();
    let inserted = with_mesh(|m| {
        let old = m.peers.insert(
            remote.to_owned(),
            Peer {
                generation,
                socket,
                pc: pc.clone(),
                initiator,
                token,
                remote_set: false,
                pending: Vec::new(),
                primary: None,
                primary_incoming: false,
                session: Some(SyncSession::new(SyncLimits {
                    max_frame: MAX_INCOMING,
                    max_bad_frames: 8,
                })),
                started: now(),
                queue: VecDeque::new(),
                queued: 0,
                opened: false,
                packs: socket == INVITE_SOCKET,
            },
        );
        m.retries.remove(remote);
        old
    });
    match inserted {
        None => {
            pc.close();
            None
        }
        Some(old) => {
            // Callers close any earlier connection first; never leave one open behind.
            if let Some(old) = old {
                old.pc.close();
            }
            Some(generation)
        }
    }
}
