//! The actor graph: who met whom, how two actors connect, and an actor's
//! network, as a petgraph graph loaded from the store's participation index.
//!
//! A query on one actor loads only that actor's neighbourhood: each expanded
//! actor costs one prefix scan of its `x` keys, whose values carry the event
//! kind, status and co-participants (see `store::Participation`), so no event
//! record is read until rows are printed. The actors of one hop are read on
//! two threads while the graph is built on a third (see `load_ahead`).

pub mod export;

use std::collections::BTreeMap;
use std::ops::Range;
use std::rc::Rc;

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;

use crate::error::{Error, Result};
use crate::model::{Actor, Date, Event, EventKind, Role, Source, Status};
use crate::query::Window;
use crate::store::{GraphReader, Record, Store};

/// Which actors and sources a graph holds: the retracted ones are no node
/// of any graph query or export and no end of any edge. An event keeps
/// naming a retracted actor or source (its record and history stay, and
/// `--as-of` a time before the retraction shows it), so every graph asks
/// here. Each id is read once per command (from the store's cached pages);
/// an id with no record is not retracted (`check` reports it).
pub struct Live<'s> {
    store: &'s Store,
    actors: std::cell::RefCell<foldhash::HashMap<String, bool>>,
    sources: std::cell::RefCell<foldhash::HashMap<String, bool>>,
}

impl<'s> Live<'s> {
    pub fn new(store: &'s Store) -> Live<'s> {
        Live {
            store,
            actors: Default::default(),
            sources: Default::default(),
        }
    }

    /// Whether the actor `id` is in the graph (not retracted).
    pub fn actor(&self, id: &str) -> Result<bool> {
        is_live::<Actor>(self.store, &self.actors, id)
    }

    /// Whether the source `id` is in the graph (not retracted).
    pub fn source(&self, id: &str) -> Result<bool> {
        is_live::<Source>(self.store, &self.sources, id)
    }

    /// An event's participants in the graph: each live one once, by id.
    pub fn actors_of<'e>(&self, event: &'e Event) -> Result<Vec<&'e str>> {
        let mut actors: Vec<&str> = event.actors.iter().map(String::as_str).collect();
        actors.sort_unstable();
        actors.dedup();
        let mut live = Vec::with_capacity(actors.len());
        for actor in actors {
            if self.actor(actor)? {
                live.push(actor);
            }
        }
        Ok(live)
    }
}

fn is_live<R: Record>(
    store: &Store,
    known: &std::cell::RefCell<foldhash::HashMap<String, bool>>,
    id: &str,
) -> Result<bool> {
    if let Some(&live) = known.borrow().get(id) {
        return Ok(live);
    }
    let live = store
        .get::<R>(id)?
        .is_none_or(|record| record.meta().retracted.is_none());
    known.borrow_mut().insert(id.to_string(), live);
    Ok(live)
}

/// Which events count as meetings.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Count calls as meetings too.
    pub include_calls: bool,
    /// Count planned meetings (scheduled, postponed, rescheduled, cancelled)
    /// instead of ones that happened (occurred, reported).
    pub planned: bool,
    pub window: Window,
    /// Also walk roles and affiliations (Witkoff is Trump's envoy).
    pub ties: bool,
}

impl Rules {
    pub fn meetings(window: Window) -> Rules {
        Rules {
            include_calls: false,
            planned: false,
            window,
            ties: false,
        }
    }

    /// Whether a role ties its two actors inside the window: a role with a
    /// span is walked only where the span may overlap the window (the rule
    /// the events follow); a role with no recorded span always is.
    pub fn admits_role(&self, role: &Role) -> bool {
        role.span
            .as_ref()
            .is_none_or(|span| self.window.admits(span.earliest_day(), span.latest_day()))
    }

    pub fn is_meeting(&self, kind: EventKind, status: Status) -> bool {
        let kind_ok = matches!(kind, EventKind::Meeting | EventKind::Talks)
            || (self.include_calls && kind == EventKind::Call);
        kind_ok && happened(status) != self.planned
    }
}

/// Whether a status means the event took place (as far as is known).
pub fn happened(status: Status) -> bool {
    matches!(status, Status::Occurred | Status::Reported)
}

/// One meeting of `actor` with `other` at `event`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Met {
    pub other: String,
    pub event: String,
    pub earliest: i32,
    pub latest: i32,
    /// The event's title, date and status, for printing without a read.
    pub title: String,
    pub date: Date,
    pub status: Status,
}

/// Everyone `actor` met, in timeline order ([`crate::model::timeline_order`],
/// then by the other's id); a retracted actor met no one (see [`Live`]).
pub fn who_met(store: &Store, actor: &str, rules: &Rules) -> Result<Vec<Met>> {
    let mut out = Vec::new();
    // The participation keys order by the date's bounds and precision, then
    // the event id; the date's text, which the timeline orders by before
    // the id, is in the value: read here, and sorted below.
    let mut damaged = None;
    store.for_each_participation(actor, &mut |earliest, latest, event, mut part| {
        if !rules.is_meeting(part.kind, part.status) || !rules.window.admits(earliest, latest) {
            return;
        }
        let date = match Date::parse_stored(part.date) {
            Ok(date) => date,
            Err(e) => {
                damaged.get_or_insert_with(|| {
                    Error::database(format!("damaged participation of {event}: {e}"))
                });
                return;
            }
        };
        part.others.sort_unstable();
        for other in part.others {
            out.push(Met {
                other: other.to_string(),
                event: event.to_string(),
                earliest,
                latest,
                title: part.title.to_string(),
                date: date.clone(),
                status: part.status,
            });
        }
    })?;
    if let Some(e) = damaged {
        return Err(e);
    }
    // Stable: each event's others stay in id order.
    out.sort_by(|x, y| crate::model::timeline_order((&x.date, &x.event), (&y.date, &y.event)));
    let live = Live::new(store);
    let mut kept = Vec::with_capacity(out.len());
    for met in out {
        if live.actor(&met.other)? {
            kept.push(met);
        }
    }
    Ok(kept)
}

/// How many actors each loading thread may read ahead of the one building
/// the graph: enough to keep both cores busy, few enough that the loaded
/// meetings of a whole hop (all of them, on a busy actor's second hop) are
/// never held at once.
const LOAD_AHEAD: usize = 64;

/// One actor's meetings, as read from its participations: every name in one
/// string, so that reading allocates per actor, not per meeting.
#[derive(Default)]
struct Meetings {
    text: String,
    /// Each meeting: its earliest day, its event id (a range of `text`) and
    /// its other participants (a range of `names`), in participation order.
    meetings: Vec<(i32, Range<usize>, Range<usize>)>,
    /// The other participants' ids (ranges of `text`), each meeting's sorted.
    names: Vec<Range<usize>>,
}

/// The meetings of the actor `id` that `rules` count.
fn load(reader: &GraphReader, id: &str, rules: &Rules) -> Result<Meetings> {
    let mut loaded = Meetings::default();
    let Meetings {
        text,
        meetings,
        names,
    } = &mut loaded;
    reader.for_each_participation_head(id, &mut |earliest, latest, event, mut part| {
        if !rules.is_meeting(part.kind, part.status) || !rules.window.admits(earliest, latest) {
            return;
        }
        part.others.sort_unstable();
        let start = text.len();
        text.push_str(event);
        let event = start..text.len();
        let first = names.len();
        for other in part.others {
            let start = text.len();
            text.push_str(other);
            names.push(start..text.len());
        }
        meetings.push((earliest, event, first..names.len()));
    })?;
    Ok(loaded)
}

/// [`load`] for each of `ids`, handed to `take` in order on the calling
/// thread. Two threads read every other actor each (decompressing pages is
/// most of a graph query's work, and alternating keeps the busy actors, whose
/// ids sort together, on both), up to [`LOAD_AHEAD`] actors ahead of `take`,
/// so the graph grows while the next actors are read.
fn load_ahead(
    reader: &GraphReader,
    ids: &[String],
    rules: &Rules,
    mut take: impl FnMut(usize, Meetings) -> Result<()>,
) -> Result<()> {
    std::thread::scope(|scope| {
        let mut receivers = Vec::with_capacity(2);
        for first in 0..2 {
            let (sender, receiver) = std::sync::mpsc::sync_channel(LOAD_AHEAD);
            receivers.push(receiver);
            scope.spawn(move || {
                for id in ids.iter().skip(first).step_by(2) {
                    // A closed channel means `take` failed: stop reading.
                    if sender.send(load(reader, id, rules)).is_err() {
                        return;
                    }
                }
            });
        }
        for i in 0..ids.len() {
            let loaded = receivers[i % 2]
                .recv()
                .map_err(|_| crate::error::Error::database("a graph loading thread failed"))??;
            take(i, loaded)?;
        }
        Ok(())
    })
}

/// The node of actor `id`, added if new.
fn node_of(
    graph: &mut UnGraph<String, Tie>,
    nodes: &mut foldhash::HashMap<String, NodeIndex>,
    id: &str,
) -> NodeIndex {
    if let Some(&n) = nodes.get(id) {
        return n;
    }
    let n = graph.add_node(id.to_string());
    nodes.insert(id.to_string(), n);
    n
}

/// How two actors are tied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tie {
    /// They took part in this meeting (the id is shared by the edges of
    /// one meeting's participants).
    Meeting { event: Rc<str>, earliest: i32 },
    /// One holds a role of or for the other, over `span` if recorded.
    Role {
        holder: String,
        title: String,
        span: Option<crate::model::Date>,
    },
}

/// The part of the actor graph loaded so far, grown one actor at a time.
pub struct Neighbourhood<'s> {
    store: &'s Store,
    rules: Rules,
    pub graph: UnGraph<String, Tie>,
    nodes: foldhash::HashMap<String, NodeIndex>,
    expanded: foldhash::HashSet<NodeIndex>,
    live: Live<'s>,
}

impl<'s> Neighbourhood<'s> {
    pub fn new(store: &'s Store, rules: Rules) -> Neighbourhood<'s> {
        Neighbourhood {
            store,
            rules,
            graph: UnGraph::new_undirected(),
            nodes: Default::default(),
            expanded: Default::default(),
            live: Live::new(store),
        }
    }

    pub fn node(&mut self, id: &str) -> NodeIndex {
        node_of(&mut self.graph, &mut self.nodes, id)
    }

    /// Adds every tie of `node` (once), its meetings as `load` read them.
    fn expand(&mut self, node: NodeIndex, loaded: Meetings) -> Result<()> {
        if !self.expanded.insert(node) {
            return Ok(());
        }
        let id = self.graph[node].clone();
        for (earliest, event, others) in &loaded.meetings {
            let event: Rc<str> = Rc::from(&loaded.text[event.clone()]);
            for name in &loaded.names[others.clone()] {
                let name = &loaded.text[name.clone()];
                if !self.live.actor(name)? {
                    continue;
                }
                let other = node_of(&mut self.graph, &mut self.nodes, name);
                // Each meeting edge is added once, from the side expanded first.
                if !self.expanded.contains(&other) {
                    let tie = Tie::Meeting {
                        event: Rc::clone(&event),
                        earliest: *earliest,
                    };
                    self.graph.add_edge(node, other, tie);
                }
            }
        }
        if self.rules.ties {
            let mut ties: Vec<(String, String, &Role)> = Vec::new();
            let own = self.store.get::<Actor>(&id)?;
            for role in own.iter().flat_map(|actor| &actor.roles) {
                if let Some(of) = &role.of {
                    ties.push((of.clone(), id.clone(), role));
                }
            }
            let mut holders = Vec::new();
            for holder in self.store.role_holders(&id) {
                let holder = holder?;
                if let Some(actor) = self.store.get::<Actor>(&holder)? {
                    holders.push(actor);
                }
            }
            for actor in &holders {
                for role in actor.roles.iter().filter(|r| r.of.as_deref() == Some(&id)) {
                    ties.push((actor.id.clone(), actor.id.clone(), role));
                }
            }
            for (other_id, holder, role) in ties {
                if !self.rules.admits_role(role)
                    || !self.live.actor(&other_id)?
                    || !self.live.actor(&holder)?
                {
                    continue;
                }
                let other = self.node(&other_id);
                if !self.expanded.contains(&other) {
                    let tie = Tie::Role {
                        holder,
                        title: role.title.clone(),
                        span: role.span.clone(),
                    };
                    self.graph.add_edge(node, other, tie);
                }
            }
        }
        Ok(())
    }

    /// Expands breadth-first from `start` for up to `hops` layers, stopping
    /// early once `target` is reached. Returns each reached node's distance.
    pub fn explore(
        &mut self,
        start: NodeIndex,
        hops: usize,
        target: Option<NodeIndex>,
    ) -> Result<BTreeMap<NodeIndex, usize>> {
        let mut distance = BTreeMap::from([(start, 0)]);
        let mut frontier = vec![start];
        let reader = self.store.graph_reader();
        let rules = self.rules;
        for hop in 1..=hops {
            let mut next = Vec::new();
            let ids: Vec<String> = frontier.iter().map(|&n| self.graph[n].clone()).collect();
            load_ahead(&reader, &ids, &rules, |i, loaded| {
                let node = frontier[i];
                self.expand(node, loaded)?;
                // One entry per tie: each neighbour once, then in id order.
                let mut neighbours: Vec<NodeIndex> = self.graph.neighbors(node).collect();
                neighbours.sort_unstable();
                neighbours.dedup();
                neighbours.sort_by(|a, b| self.graph[*a].cmp(&self.graph[*b]));
                for n in neighbours {
                    if let std::collections::btree_map::Entry::Vacant(e) = distance.entry(n) {
                        e.insert(hop);
                        next.push(n);
                    }
                }
                Ok(())
            })?;
            if next.is_empty() || target.is_some_and(|t| distance.contains_key(&t)) {
                break;
            }
            frontier = next;
        }
        Ok(distance)
    }

    /// The ties between two loaded nodes, earliest meeting first.
    pub fn ties_between(&self, a: NodeIndex, b: NodeIndex) -> Vec<&Tie> {
        let mut ties: Vec<&Tie> = self
            .graph
            .edges_connecting(a, b)
            .map(|e| e.weight())
            .collect();
        ties.sort_by(|x, y| tie_order(x).cmp(&tie_order(y)));
        ties.dedup();
        ties
    }
}

fn tie_order(tie: &Tie) -> (u8, i32, &str) {
    match tie {
        Tie::Meeting { event, earliest } => (0, *earliest, event),
        Tie::Role { title, .. } => (1, 0, title),
    }
}

/// One step of a path: from one actor to the next, and what ties them.
#[derive(Debug, Clone)]
pub struct Hop {
    pub from: String,
    pub to: String,
    pub tie: Tie,
}

/// The shortest chain of ties from `a` to `b`, at most `max_hops` long.
pub fn path(
    store: &Store,
    a: &str,
    b: &str,
    rules: Rules,
    max_hops: usize,
) -> Result<Option<Vec<Hop>>> {
    let mut hood = Neighbourhood::new(store, rules);
    let start = hood.node(a);
    let target = hood.node(b);
    if start == target {
        return Ok(Some(Vec::new()));
    }
    let distance = hood.explore(start, max_hops, Some(target))?;
    if !distance.contains_key(&target) {
        return Ok(None);
    }
    let found = petgraph::algo::astar(&hood.graph, start, |n| n == target, |_| 1usize, |_| 0);
    let Some((_, nodes)) = found else {
        return Ok(None);
    };
    let hops = nodes
        .windows(2)
        .map(|w| {
            Ok(Hop {
                from: hood.graph[w[0]].clone(),
                to: hood.graph[w[1]].clone(),
                tie: first_tie(store, &hood.ties_between(w[0], w[1]))?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Some(hops))
}

/// The first of two actors' ties (see [`Neighbourhood::ties_between`]):
/// their earliest meeting in the timeline's order. The ties know only the
/// day a meeting may start, so the meetings that start on the first day
/// (two in one day, or a day and its month) are told apart by their dates
/// ([`crate::model::timeline_order`]), as `who-met` lists them.
fn first_tie(store: &Store, ties: &[&Tie]) -> Result<Tie> {
    let Tie::Meeting { earliest: day, .. } = ties[0] else {
        return Ok(ties[0].clone());
    };
    let mut same_day = Vec::new();
    for tie in ties {
        match tie {
            Tie::Meeting { event, earliest } if earliest == day => {
                same_day.extend(store.get::<Event>(event)?);
            }
            _ => break,
        }
    }
    let first = same_day
        .iter()
        .min_by(|a, b| crate::model::timeline_order((&a.date, &a.id), (&b.date, &b.id)));
    Ok(match first {
        Some(event) if same_day.len() > 1 => Tie::Meeting {
            event: Rc::from(event.id.as_str()),
            earliest: *day,
        },
        _ => ties[0].clone(),
    })
}

/// An actor in another's network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub actor: String,
    pub distance: usize,
    /// Meetings tying this actor to the actors one step closer to the centre.
    pub meetings: usize,
}

/// The actors within `hops` ties of `centre`, nearest first, then by id.
pub fn network(store: &Store, centre: &str, rules: Rules, hops: usize) -> Result<Vec<Member>> {
    let mut hood = Neighbourhood::new(store, rules);
    let start = hood.node(centre);
    // Breadth-first distances: every node within `hops` is loaded with all
    // its ties toward the centre.
    let explored = hood.explore(start, hops, None)?;
    let mut distance = vec![usize::MAX; hood.graph.node_count()];
    for (&n, &d) in &explored {
        distance[n.index()] = d;
    }
    let mut members: Vec<Member> = explored
        .iter()
        .filter(|(n, _)| **n != start)
        .map(|(&n, &d)| {
            let meetings = hood
                .graph
                .edges(n)
                .filter(|e| {
                    let other = if e.source() == n {
                        e.target()
                    } else {
                        e.source()
                    };
                    distance[other.index()] == d - 1 && matches!(e.weight(), Tie::Meeting { .. })
                })
                .count();
            Member {
                actor: hood.graph[n].clone(),
                distance: d,
                meetings,
            }
        })
        .collect();
    members.sort_by(|a, b| {
        a.distance
            .cmp(&b.distance)
            .then_with(|| a.actor.cmp(&b.actor))
    });
    Ok(members)
}
