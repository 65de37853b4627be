//! Seeded convergence scenarios: 2–8 peers edit one board over in-memory links that
//! drop, duplicate, reorder, delay and partition frames; then the faults stop, the links
//! heal (each pair runs the sync handshake again) and every peer must hold the same
//! board, with every element that was created and never deleted, the same state vector
//! and nothing left waiting in yrs's pending set.
//!
//! `LERNRAUM_SEED` replays one scenario exactly (element ids are drawn from the seed too);
//! `LERNRAUM_RUNS` sets how many run (default 64). The seed of a failing run is printed.
//! `LERNRAUM_FAULTS` picks the faults: `reorder` (delays and reordering), `dup`
//! (duplicates), `drop` (lost frames and partitions), combinations such as
//! `reorder+dup`, `all`, or `none`; the default is `all`.
//!
//! Lost frames used to make peers diverge after healing (issue 4: "edit 924924 ✓" against
//! "edit 924 ✓", and a peer left a clock behind with a block stuck in pending): yrs split
//! a skip inside a retried pending update without shortening its left half, so the
//! update re-encoded with later blocks shifted to wrong clocks. Fixed in `vendor/yrs`
//! (LERNRAUM-PATCH.md, fourth patch); the minimized case is `tests/pending_regression.rs`.

use std::collections::{BTreeSet, VecDeque};

use crdt::sync::{SyncLimits, SyncSession};
use crdt::{Board, Command, Kind, Layer, NewElement, LOCAL};

/// The faults of this run (`LERNRAUM_FAULTS`), default `all`.
fn faults_mode() -> String {
    std::env::var("LERNRAUM_FAULTS").unwrap_or_else(|_| "all".into())
}

/// One direction of a link: frames with the tick they arrive at.
#[derive(Default)]
struct Wire {
    queue: VecDeque<(u64, Vec<u8>)>,
}

struct Link {
    a: usize,
    b: usize,
    /// Sessions at each end: `ab.0` lives on peer a, `ab.1` on peer b.
    sessions: (SyncSession, SyncSession),
    to_b: Wire,
    to_a: Wire,
    down_until: u64,
}

struct Net {
    rng: fastrand::Rng,
    peers: Vec<Board>,
    links: Vec<Link>,
    faults: bool,
    tick: u64,
    created: BTreeSet<String>,
    deleted: BTreeSet<String>,
}

impl Net {
    fn new(seed: u64, n: usize) -> Net {
        let peers = (0..n).map(|i| Board::new(1000 + i as u32)).collect();
        let mut links = Vec::new();
        for a in 0..n {
            for b in a + 1..n {
                links.push(Link {
                    a,
                    b,
                    sessions: (
                        SyncSession::new(SyncLimits::default()),
                        SyncSession::new(SyncLimits::default()),
                    ),
                    to_b: Wire::default(),
                    to_a: Wire::default(),
                    down_until: 0,
                });
            }
        }
        Net {
            rng: fastrand::Rng::with_seed(seed),
            peers,
            links,
            faults: true,
            tick: 0,
            created: BTreeSet::new(),
            deleted: BTreeSet::new(),
        }
    }

    /// Sends a frame over one direction of a link, through the faults.
    fn send(&mut self, link: usize, to_b: bool, frame: Vec<u8>) {
        let (tick, faults) = (self.tick, self.faults);
        let r = &mut self.rng;
        let l = &mut self.links[link];
        let drops = faults_mode().contains("all") || faults_mode().contains("drop");
        if faults && drops && (l.down_until > tick || r.f64() < 0.1) {
            return; // partitioned, or dropped
        }
        let mode = faults_mode();
        let delay = if faults && (mode.contains("all") || mode.contains("reorder")) {
            r.u64(1..8)
        } else {
            1
        };
        let copies = if faults && (mode.contains("all") || mode.contains("dup")) && r.f64() < 0.1 {
            2
        } else {
            1
        };
        let wire = if to_b { &mut l.to_b } else { &mut l.to_a };
        for _ in 0..copies {
            wire.queue.push_back((tick + delay, frame.clone()));
        }
    }

    fn random_command(&mut self, peer: usize) -> Option<Command> {
        let r = &mut self.rng;
        let els = self.peers[peer].elements();
        let pick =
            |r: &mut fastrand::Rng| (!els.is_empty()).then(|| els[r.usize(..els.len())].id.clone());
        Some(match r.u8(0..10) {
            0..=2 => {
                let mut n = NewElement::note_centred(r.f64() * 2000.0, r.f64() * 2000.0, "yellow");
                n.text = format!("p{peer} {}", r.u32(..1000));
                if r.bool() {
                    n.kind = Kind::Rect;
                }
                self.created.insert(n.id.clone());
                Command::Create(vec![n])
            }
            3 | 4 => Command::Move {
                moves: vec![(pick(r)?, r.f64() * 2000.0, r.f64() * 2000.0)],
            },
            5 | 6 => Command::SetText {
                id: pick(r)?,
                text: format!("edit {} ✓", r.u32(..1000)),
            },
            7 => Command::Recolor {
                ids: vec![pick(r)?],
                color: ["blue", "red", "green"][r.usize(..3)].into(),
            },
            8 => Command::Reorder {
                ids: vec![pick(r)?],
                layer: if r.bool() { Layer::Front } else { Layer::Back },
            },
            _ => {
                let id = pick(r)?;
                self.deleted.insert(id.clone());
                Command::Delete { ids: vec![id] }
            }
        })
    }

    /// One tick: a peer maybe edits and sends; due frames arrive; links may fail.
    fn step(&mut self) {
        self.tick += 1;
        if self.faults {
            let peer = self.rng.usize(..self.peers.len());
            if let Some(cmd) = self.random_command(peer) {
                self.peers[peer].apply(&cmd, LOCAL).expect("local command");
            }
            if self.rng.f64() < 0.03 {
                let l = self.rng.usize(..self.links.len());
                self.links[l].down_until = self.tick + self.rng.u64(5..40);
            }
        }
        // Every peer's new local updates go to every neighbour.
        for p in 0..self.peers.len() {
            if let Some(update) = self.peers[p].take_outgoing() {
                let frame = SyncSession::update_frame(&update);
                for l in 0..self.links.len() {
                    let (a, b) = (self.links[l].a, self.links[l].b);
                    if a == p || b == p {
                        self.send(l, a == p, frame.clone());
                    }
                }
            }
        }
        self.deliver();
    }

    fn deliver(&mut self) {
        for l in 0..self.links.len() {
            for to_b in [true, false] {
                loop {
                    let tick = self.tick;
                    let link = &mut self.links[l];
                    let wire = if to_b { &mut link.to_b } else { &mut link.to_a };
                    // Reordering: take any due frame, not only the oldest.
                    let due: Vec<usize> = wire
                        .queue
                        .iter()
                        .enumerate()
                        .filter(|(_, (t, _))| *t <= tick)
                        .map(|(i, _)| i)
                        .collect();
                    if due.is_empty() {
                        break;
                    }
                    let pick = due[self.rng.usize(..due.len())];
                    let Some((_, frame)) = self.links[l].wire_mut(to_b).queue.remove(pick) else {
                        break;
                    };
                    let (a, b) = (self.links[l].a, self.links[l].b);
                    let (peer, session) = if to_b {
                        (b, &mut self.links[l].sessions.1)
                    } else {
                        (a, &mut self.links[l].sessions.0)
                    };
                    let received = session.receive(&mut self.peers[peer], &frame);
                    let replies = received.map(|r| r.replies).unwrap_or_default();
                    for reply in replies {
                        self.send(l, !to_b, reply);
                    }
                }
            }
        }
    }

    /// Faults stop; every link runs the handshake again until nothing is in flight.
    fn heal(&mut self) {
        self.faults = false;
        for l in 0..self.links.len() {
            let (a, b) = (self.links[l].a, self.links[l].b);
            let sa = self.links[l].sessions.0.start(&self.peers[a]);
            let sb = self.links[l].sessions.1.start(&self.peers[b]);
            self.send(l, true, sa);
            self.send(l, false, sb);
        }
        for _ in 0..10_000 {
            self.step();
            if self
                .links
                .iter()
                .all(|l| l.to_a.queue.is_empty() && l.to_b.queue.is_empty())
            {
                return;
            }
        }
        panic!("the network did not settle after healing");
    }
}

impl Link {
    fn wire_mut(&mut self, to_b: bool) -> &mut Wire {
        if to_b {
            &mut self.to_b
        } else {
            &mut self.to_a
        }
    }
}

fn scenario(seed: u64) {
    // Element ids come from fastrand's thread-local generator: seed it for exact replays.
    fastrand::seed(seed);
    let mut rng = fastrand::Rng::with_seed(seed);
    let peers = rng.usize(2..=8);
    let steps = rng.usize(50..300);
    let mut net = Net::new(seed, peers);
    for _ in 0..steps {
        net.step();
    }
    net.heal();
    let reference = net.peers[0].elements();
    let sv = net.peers[0].state_vector();
    for (i, p) in net.peers.iter().enumerate() {
        assert!(
            p.is_complete(),
            "seed {seed}: peer {i} has updates stuck in pending ({peers} peers)"
        );
        assert_eq!(
            p.state_vector(),
            sv,
            "seed {seed}: peer {i} has another state vector than peer 0 ({peers} peers)"
        );
    }
    for (i, p) in net.peers.iter().enumerate().skip(1) {
        assert_eq!(
            p.elements(),
            reference,
            "seed {seed}: peer {i} differs from peer 0 ({peers} peers)"
        );
        assert_eq!(
            p.title(),
            net.peers[0].title(),
            "seed {seed}: titles differ"
        );
    }
    let present: BTreeSet<String> = reference.iter().map(|e| e.id.clone()).collect();
    for id in net.created.difference(&net.deleted) {
        assert!(present.contains(id), "seed {seed}: element {id} was lost");
    }
}

#[test]
fn peers_converge_after_losses_duplicates_delays_and_reordering() {
    let runs: u64 = std::env::var("LERNRAUM_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let seeds: Vec<u64> = match std::env::var("LERNRAUM_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(seed) => vec![seed],
        None => {
            let base = fastrand::u64(..);
            (0..runs).map(|i| base.wrapping_add(i)).collect()
        }
    };
    for seed in seeds {
        println!("convergence scenario, seed {seed} (replay with LERNRAUM_SEED={seed})");
        let result = std::panic::catch_unwind(|| scenario(seed));
        if let Err(e) = result {
            eprintln!("convergence scenario failed; replay with LERNRAUM_SEED={seed}");
            std::panic::resume_unwind(e);
        }
    }
}
