//! The graph as files other tools open: Graphviz DOT, GraphML (Gephi, yEd,
//! networkx) and GEXF (Gephi, with each edge's dates so its timeline plays
//! the story). Output is deterministic: nodes by id, edges by date and event.
//! `schema/graph-exports.md` documents the attributes.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Write;

use crate::error::Result;
use crate::graph::{Live, Rules};
use crate::model::{self, Actor, Claim, Date, Event, Source};
use crate::query::{self, Filter, Window};
use crate::store::{Record, Store};

/// Which nodes a graph export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Actors who met, with an edge per meeting between two of them (and a
    /// `planned` edge per meeting that was scheduled but has not happened).
    Actors,
    /// Actors, events, sources and (unfiltered) claims: participation,
    /// reporting, claim and contradiction edges too.
    Full,
}

#[derive(Debug, Clone)]
pub struct Node {
    /// The node's id in the file: the record's id, or `class:id` when
    /// another class's node has that id too ([`Graph::node_id`]).
    pub id: String,
    /// The record's own id.
    pub record: String,
    pub label: String,
    /// actor, event, source or claim.
    pub class: &'static str,
    /// The actor's or event's kind (empty for sources and claims).
    pub kind: String,
    /// A claim's verdict (none for other nodes).
    pub verdict: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Edge {
    /// The node ids of the edge's ends ([`Graph::node_id`]).
    pub source: String,
    pub target: String,
    /// met (a meeting that happened), planned (scheduled, postponed,
    /// rescheduled or cancelled), participant or reported; for claims said,
    /// about, reported, contradicts or supports.
    pub relation: &'static str,
    /// The event the edge comes from (a claim's edge: the event it is
    /// about, if any; empty otherwise).
    pub event: String,
    /// The claim the edge comes from (none for an event's edges).
    pub claim: Option<String>,
    /// The event's title, or the claim's text.
    pub title: String,
    /// The event's or claim's date (a claim may have none: empty).
    pub date: String,
    pub earliest: Option<String>,
    pub latest: Option<String>,
    /// The event's status (empty for a claim's edges).
    pub status: String,
}

/// The graph to export, read from the store while it is written: nodes by
/// class and id (the order records are stored in), edges in timeline order.
/// Memory holds the ids of the actors with an edge, not the graph: a
/// million events export as easily as ten. With a filter, the graph is
/// that of the events it keeps (and memory holds their ids too). A
/// retracted actor or source is no node and no end of an edge ([`Live`]).
pub struct Graph<'s> {
    store: &'s Store,
    live: Live<'s>,
    scope: Scope,
    /// With [`Scope::Actors`], the actors who met (or were to meet)
    /// someone: only they are nodes.
    linked: HashSet<String>,
    filter: Filter,
    /// With a filter and [`Scope::Full`]: the events kept, their
    /// participants and their sources, the only nodes.
    chosen: Option<Chosen>,
    /// The ids that are nodes of two classes or more in this graph (an
    /// actor and a source both `reuters`): their nodes' ids are qualified
    /// by class ([`Graph::node_id`]). Few: ids are unique within a class.
    shared: HashSet<String>,
    /// Whether some node's id holds a character a GraphML id cannot
    /// ([`graphml_id`]).
    unfit_for_graphml: bool,
}

#[derive(Default)]
struct Chosen {
    events: HashSet<String>,
    actors: HashSet<String>,
    sources: HashSet<String>,
}

impl Chosen {
    /// The ids that are nodes of two classes or more in the graph of the
    /// chosen events (which are live; a participant or source is a node
    /// when it is live).
    fn shared(&self, store: &Store) -> Result<HashSet<String>> {
        let mut shared = HashSet::new();
        for id in &self.events {
            if (self.actors.contains(id) && is_node::<Actor>(store, id)?)
                || (self.sources.contains(id) && is_node::<Source>(store, id)?)
            {
                shared.insert(id.clone());
            }
        }
        for id in &self.actors {
            if self.sources.contains(id)
                && is_node::<Actor>(store, id)?
                && is_node::<Source>(store, id)?
            {
                shared.insert(id.clone());
            }
        }
        Ok(shared)
    }

    /// Whether some node's id in the graph of the chosen events holds a
    /// character a GraphML id cannot ([`graphml_id`]).
    fn unfit_for_graphml(&self, store: &Store) -> Result<bool> {
        if self.events.iter().any(|id| !fits_graphml(id)) {
            return Ok(true);
        }
        for id in self.actors.iter().filter(|id| !fits_graphml(id)) {
            if is_node::<Actor>(store, id)? {
                return Ok(true);
            }
        }
        for id in self.sources.iter().filter(|id| !fits_graphml(id)) {
            if is_node::<Source>(store, id)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Whether the record `id` of one kind is stored and live.
fn is_node<R: Record>(store: &Store, id: &str) -> Result<bool> {
    Ok(store
        .get::<R>(id)?
        .is_some_and(|r| r.meta().retracted.is_none()))
}

/// The ids that are live records of two kinds or more (the nodes of the
/// whole full graph), and whether some live record's id holds a character
/// a GraphML id cannot ([`graphml_id`]): the ids of each kind are read in
/// id order, from the keys, and merged, so memory holds only the ids shared.
fn shared_ids(store: &Store) -> Result<(HashSet<String>, bool)> {
    type Ids<'s> = Box<dyn Iterator<Item = Result<String>> + 's>;
    let mut streams: [Ids; 4] = [
        Box::new(store.ids::<Actor>()),
        Box::new(store.ids::<Event>()),
        Box::new(store.ids::<Source>()),
        Box::new(store.ids::<Claim>()),
    ];
    let mut heads = streams
        .iter_mut()
        .map(|s| s.next().transpose())
        .collect::<Result<Vec<Option<String>>>>()?;
    let mut shared = HashSet::new();
    let mut unfit_for_graphml = false;
    while let Some(least) = heads.iter().flatten().min().cloned() {
        let mut kinds = Vec::new();
        for (i, head) in heads.iter_mut().enumerate() {
            if head.as_deref() == Some(least.as_str()) {
                kinds.push(i);
                *head = streams[i].next().transpose()?;
            }
        }
        // Only an id of two kinds or more, or one unfit for GraphML (few),
        // is read: is each one live?
        let unfit = !unfit_for_graphml && !fits_graphml(&least);
        if kinds.len() > 1 || unfit {
            let mut live = 0;
            for i in kinds {
                live += usize::from(match i {
                    0 => is_node::<Actor>(store, &least)?,
                    1 => is_node::<Event>(store, &least)?,
                    2 => is_node::<Source>(store, &least)?,
                    _ => is_node::<Claim>(store, &least)?,
                });
            }
            unfit_for_graphml |= unfit && live > 0;
            if live > 1 {
                shared.insert(least);
            }
        }
    }
    Ok((shared, unfit_for_graphml))
}

impl<'s> Graph<'s> {
    /// The graph of the events `filter` keeps (all, for the default one).
    pub fn of_events(store: &'s Store, scope: Scope, filter: Filter) -> Result<Graph<'s>> {
        let whole = filter == Filter::default();
        let live = Live::new(store);
        let mut linked = HashSet::new();
        let mut chosen = (!whole && scope == Scope::Full).then(Chosen::default);
        let mut visit = |event: Event| -> Result<()> {
            if scope == Scope::Actors && relation(&event).is_some() {
                let actors = live.actors_of(&event)?;
                if actors.len() > 1 {
                    linked.extend(actors.into_iter().map(str::to_string));
                }
            }
            if let Some(chosen) = &mut chosen {
                // Nodes are read live (`for_each_node`): retracted ids are
                // never looked up here.
                chosen.actors.extend(event.actors.iter().cloned());
                chosen
                    .sources
                    .extend(event.sources.iter().map(|link| link.source.clone()));
                chosen.events.insert(event.id);
            }
            Ok(())
        };
        if whole {
            // Events in stored order: which actors have an edge needs no dates.
            if scope == Scope::Actors {
                for event in store.live::<Event>() {
                    visit(event?)?;
                }
            }
        } else {
            for event in query::timeline(store, &filter)? {
                visit(event?)?;
            }
        }
        // The actors graph has one class of nodes: no id is shared.
        let (shared, unfit_for_graphml) = match (scope, &chosen) {
            (Scope::Actors, _) => (HashSet::new(), !linked.iter().all(|id| fits_graphml(id))),
            (Scope::Full, Some(chosen)) => {
                (chosen.shared(store)?, chosen.unfit_for_graphml(store)?)
            }
            (Scope::Full, None) => shared_ids(store)?,
        };
        Ok(Graph {
            store,
            live,
            scope,
            linked,
            filter,
            chosen,
            shared,
            unfit_for_graphml,
        })
    }

    /// The id in the file of the node of class `class` (actor, event,
    /// source or claim) for the record `id`: the record's id, unless a node
    /// of another class has it too; then `class:id` (`actor:reuters`,
    /// `source:reuters`), which no record id can be, as ids hold no `:`.
    pub fn node_id(&self, class: &str, id: &str) -> String {
        if self.shared.contains(id) {
            format!("{class}:{id}")
        } else {
            id.to_string()
        }
    }

    /// Whether some node's id is qualified by its class: the nodes then
    /// carry their record's id as an attribute (`record`).
    pub fn qualifies_ids(&self) -> bool {
        !self.shared.is_empty()
    }

    /// Whether some node's GraphML id is not its record's id (qualified by
    /// class, or written with [`graphml_id`]): the nodes of a GraphML file
    /// then carry their record's id as an attribute (`record`).
    fn renames_graphml_ids(&self) -> bool {
        self.qualifies_ids() || self.unfit_for_graphml
    }

    /// Whether the node `id` of a full graph is in it.
    fn holds(&self, pick: impl Fn(&Chosen) -> &HashSet<String>, id: &str) -> bool {
        self.chosen.as_ref().is_none_or(|c| pick(c).contains(id))
    }

    /// Calls `f` with each node: actors, then (the full graph) events and
    /// sources, each by id.
    pub fn for_each_node(&self, f: &mut dyn FnMut(&Node) -> Result<()>) -> Result<()> {
        for actor in self.store.live::<Actor>() {
            let actor = actor?;
            let shown = match self.scope {
                Scope::Full => self.holds(|c| &c.actors, &actor.id),
                Scope::Actors => self.linked.contains(&actor.id),
            };
            if shown {
                f(&Node {
                    id: self.node_id("actor", &actor.id),
                    record: actor.id,
                    label: actor.name,
                    class: "actor",
                    kind: actor.kind.to_string(),
                    verdict: None,
                })?;
            }
        }
        if self.scope == Scope::Full {
            for event in self.store.live::<Event>() {
                let event = event?;
                if self.holds(|c| &c.events, &event.id) {
                    f(&Node {
                        id: self.node_id("event", &event.id),
                        record: event.id,
                        label: event.title,
                        class: "event",
                        kind: event.kind.to_string(),
                        verdict: None,
                    })?;
                }
            }
            for source in self.store.live::<Source>() {
                let source = source?;
                if self.holds(|c| &c.sources, &source.id) {
                    f(&Node {
                        id: self.node_id("source", &source.id),
                        record: source.id,
                        label: source.name,
                        class: "source",
                        kind: String::new(),
                        verdict: None,
                    })?;
                }
            }
            if self.has_claims() {
                for claim in self.store.live::<Claim>() {
                    let claim = claim?;
                    f(&Node {
                        id: self.node_id("claim", &claim.id),
                        record: claim.id,
                        label: claim.text,
                        class: "claim",
                        kind: String::new(),
                        verdict: Some(claim.verdict.to_string()),
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Whether claims are nodes: in the full graph of the whole database.
    /// A filter chooses events, and the graph of a filter is that of the
    /// events it keeps (the claims CSV, too, is always whole).
    pub fn has_claims(&self) -> bool {
        self.scope == Scope::Full && self.chosen.is_none()
    }

    /// Whether the event `id` is a node of the whole full graph (a live
    /// event: a retracted one is no node). Actors and sources are asked of
    /// [`Live`], which reads each once.
    fn is_event_node(&self, id: &str) -> Result<bool> {
        is_node::<Event>(self.store, id)
    }

    /// Calls `f` with the edges of the claims, claim by claim in id order:
    /// `said` (claimant – claim), `about` (claim – event or actor),
    /// `reported` (claim – source), `supports` (claim – the claim it
    /// supports), then one `contradicts` per contradicting pair, as
    /// `factline contradictions` lists them. An edge to a retracted record
    /// is left out, as the record is. Claims are held in memory to find
    /// the pairs, as `contradictions` holds them.
    fn for_each_claim_edge(&self, f: &mut dyn FnMut(&Edge) -> Result<()>) -> Result<()> {
        let claims = self.store.live::<Claim>().collect::<Result<Vec<_>>>()?;
        let position: std::collections::HashMap<&str, usize> = claims
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        // Each end is given as (class, record id).
        let edge = |claim: &Claim,
                    (source_class, source): (&str, &str),
                    (target_class, target): (&str, &str),
                    relation,
                    event: &str| Edge {
            source: self.node_id(source_class, source),
            target: self.node_id(target_class, target),
            relation,
            event: event.to_string(),
            claim: Some(claim.id.clone()),
            title: claim.text.clone(),
            date: claim.date.as_ref().map(Date::to_string).unwrap_or_default(),
            earliest: claim
                .date
                .as_ref()
                .and_then(|d| d.earliest())
                .map(|d| d.to_string()),
            latest: claim
                .date
                .as_ref()
                .and_then(|d| d.latest())
                .map(|d| d.to_string()),
            status: String::new(),
        };
        for claim in &claims {
            let this = ("claim", claim.id.as_str());
            if self.live.actor(&claim.claimant)? {
                f(&edge(claim, ("actor", &claim.claimant), this, "said", ""))?;
            }
            for event in &claim.about_events {
                if self.is_event_node(event)? {
                    f(&edge(claim, this, ("event", event), "about", event))?;
                }
            }
            for actor in &claim.about_actors {
                if self.live.actor(actor)? {
                    f(&edge(claim, this, ("actor", actor), "about", ""))?;
                }
            }
            for link in &claim.sources {
                if self.live.source(&link.source)? {
                    f(&edge(claim, this, ("source", &link.source), "reported", ""))?;
                }
            }
            for other in &claim.supports {
                if other != &claim.id && position.contains_key(other.as_str()) {
                    f(&edge(claim, this, ("claim", other), "supports", ""))?;
                }
            }
        }
        for (i, j, _) in model::contradictions(&claims) {
            f(&edge(
                &claims[i],
                ("claim", &claims[i].id),
                ("claim", &claims[j].id),
                "contradicts",
                "",
            ))?;
        }
        Ok(())
    }

    /// Calls `f` with each edge, event by event in timeline order: a `met`
    /// or `planned` edge per pair of a meeting's participants, then (the
    /// full graph) the participation and reporting edges.
    pub fn for_each_edge(&self, f: &mut dyn FnMut(&Edge) -> Result<()>) -> Result<()> {
        for event in query::timeline(self.store, &self.filter)? {
            let event = event?;
            // Each end is given as (class, record id).
            let edge = |(source_class, source): (&str, &str),
                        (target_class, target): (&str, &str),
                        relation| Edge {
                source: self.node_id(source_class, source),
                target: self.node_id(target_class, target),
                relation,
                event: event.id.clone(),
                claim: None,
                title: event.title.clone(),
                date: event.date.to_string(),
                earliest: event.date.earliest().map(|d| d.to_string()),
                latest: event.date.latest().map(|d| d.to_string()),
                status: event.status.to_string(),
            };
            for (a, b, relation) in meeting_pairs(&event, &self.live)? {
                f(&edge(("actor", a), ("actor", b), relation))?;
            }
            if self.scope == Scope::Full {
                for a in &event.actors {
                    if self.live.actor(a)? {
                        f(&edge(("actor", a), ("event", &event.id), "participant"))?;
                    }
                }
                for link in &event.sources {
                    if self.live.source(&link.source)? {
                        f(&edge(
                            ("event", &event.id),
                            ("source", &link.source),
                            "reported",
                        ))?;
                    }
                }
            }
        }
        if self.has_claims() {
            self.for_each_claim_edge(f)?;
        }
        Ok(())
    }
}

/// The relation between an event's participants: `met` for a meeting that
/// happened, `planned` for one scheduled but not held, none otherwise.
fn relation(event: &Event) -> Option<&'static str> {
    let met = Rules::meetings(Window::ALL);
    let planned = Rules {
        planned: true,
        ..met
    };
    if met.is_meeting(event.kind, event.status) {
        Some("met")
    } else if planned.is_meeting(event.kind, event.status) {
        Some("planned")
    } else {
        None
    }
}

/// The `met` or `planned` edges of an event: each pair of its distinct
/// live participants once, in id order (none if it is no meeting).
pub fn meeting_pairs<'e>(
    event: &'e Event,
    live: &Live,
) -> Result<Vec<(&'e str, &'e str, &'static str)>> {
    let Some(relation) = relation(event) else {
        return Ok(Vec::new());
    };
    let actors = live.actors_of(event)?;
    let mut pairs = Vec::new();
    for (i, a) in actors.iter().enumerate() {
        for b in &actors[i + 1..] {
            pairs.push((*a, *b, relation));
        }
    }
    Ok(pairs)
}

/// A DOT string's text: `"` and `\\` escaped, a line break a space.
fn dot_escape(text: &str) -> String {
    dot_quoted(text, "\\\\")
}

/// `text` with `"` escaped, each `\\` written as `backslash`, and a line
/// break as a space.
fn dot_quoted(text: &str, backslash: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str(backslash),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A label's text as Graphviz shows it as written ([`dot_entities`]).
fn dot_label(text: &str) -> String {
    dot_entities(&dot_escape(text))
}

/// A tooltip's text as Graphviz shows it as written. Graphviz reads a
/// tooltip's backslashes twice: first `\n` and `\\` (a backslash), then
/// `\G`, `\N`, `\E`, `\H`, `\T` and `\L`, which it replaces by the graph's,
/// node's or edge's names (`C:\Grand` would show the graph's name), so each
/// backslash of the text is written as four.
fn dot_tooltip(text: &str) -> String {
    dot_entities(&dot_quoted(text, r"\\\\"))
}

/// `dot` with each `&` that would start a character entity written
/// `&amp;`: Graphviz reads the entities of a label or tooltip (`&amp;`,
/// `&#39;`), so text holding one would not show as written. An `&` that
/// starts none, as in `AT&T`, is left as it is.
fn dot_entities(dot: &str) -> String {
    let mut out = String::with_capacity(dot.len());
    for (i, c) in dot.char_indices() {
        if c == '&' && starts_entity(&dot[i + 1..]) {
            out.push_str("&amp;");
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `rest`, the text after an `&`, makes it an entity: a name or a
/// `#` and a number, then `;`.
fn starts_entity(rest: &str) -> bool {
    let name = rest.strip_prefix('#').unwrap_or(rest);
    let end = name
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(name.len());
    end > 0 && name[end..].starts_with(';')
}

/// Graphviz DOT: an undirected graph; render with `dot -Tsvg`.
pub fn write_dot<W: Write>(graph: &Graph, out: &mut W) -> Result<()> {
    writeln!(out, "graph factline {{")?;
    writeln!(
        out,
        "  graph [layout=neato, overlap=false, sep=\"+16\", fontname=\"Helvetica\"];"
    )?;
    writeln!(out, "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f4f4\", fontname=\"Helvetica\"];")?;
    writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];")?;
    graph.for_each_node(&mut |node| {
        let shape = match node.class {
            "event" => ", shape=ellipse, fillcolor=\"#e8f0fe\"",
            "source" => ", shape=note, fillcolor=\"#fff8e1\"",
            "claim" => ", shape=box, style=\"filled\", fillcolor=\"#fdecea\"",
            _ => "",
        };
        let verdict = match &node.verdict {
            Some(verdict) => format!(", verdict=\"{}\"", dot_escape(verdict)),
            None => String::new(),
        };
        let record = if graph.qualifies_ids() {
            format!(", record=\"{}\"", dot_escape(&node.record))
        } else {
            String::new()
        };
        writeln!(
            out,
            "  \"{}\" [label=\"{}\", class=\"{}\", kind=\"{}\"{record}{verdict}{shape}];",
            dot_escape(&node.id),
            dot_label(&node.label),
            node.class,
            dot_escape(&node.kind)
        )?;
        Ok(())
    })?;
    graph.for_each_edge(&mut |edge| {
        let label = match edge.relation {
            "met" => format!(", label=\"{}\"", dot_label(&human_date(&edge.date))),
            "planned" => format!(
                ", label=\"{} ({})\", style=dashed, color=\"#888888\", fontcolor=\"#888888\"",
                dot_label(&human_date(&edge.date)),
                edge.status
            ),
            "contradicts" => ", color=\"#c62828\"".to_string(),
            "supports" => ", style=dotted".to_string(),
            _ => String::new(),
        };
        if let Some(claim) = &edge.claim {
            // A claim's edge: its event and date only when it has them.
            let mut attributes = format!("relation=\"{}\"", edge.relation);
            if !edge.event.is_empty() {
                attributes.push_str(&format!(", event=\"{}\"", dot_escape(&edge.event)));
            }
            attributes.push_str(&format!(", claim=\"{}\"", dot_escape(claim)));
            if !edge.date.is_empty() {
                attributes.push_str(&format!(", date=\"{}\"", dot_escape(&edge.date)));
            }
            writeln!(
                out,
                "  \"{}\" -- \"{}\" [{attributes}, tooltip=\"{}\"{label}];",
                dot_escape(&edge.source),
                dot_escape(&edge.target),
                dot_tooltip(&edge.title),
            )?;
            return Ok(());
        }
        writeln!(
            out,
            "  \"{}\" -- \"{}\" [relation=\"{}\", event=\"{}\", date=\"{}\", tooltip=\"{}\"{label}];",
            dot_escape(&edge.source),
            dot_escape(&edge.target),
            edge.relation,
            dot_escape(&edge.event),
            dot_escape(&edge.date),
            dot_tooltip(&edge.title),
        )?;
        Ok(())
    })?;
    writeln!(out, "}}")?;
    Ok(())
}

fn human_date(edtf: &str) -> String {
    crate::model::Date::parse_stored(edtf).map_or_else(|_| edtf.to_string(), |d| d.human())
}

/// What an XML writer puts in place of `c` when XML 1.0 cannot hold it
/// (its `Char` production), or `None` when it can: a space for a control
/// character other than tab, line feed and carriage return, U+FFFD for the
/// noncharacters U+FFFE and U+FFFF. factline keeps such text as given (the
/// dump and the CSV give it back), so every XML and SVG writer (the graph
/// exports, `picture`) replaces it as it writes, or the file is not
/// well-formed and Gephi, networkx or a browser refuses it.
pub(crate) fn xml_stand_in(c: char) -> Option<char> {
    match c {
        '\t' | '\n' | '\r' => None,
        c if (c as u32) < 0x20 => Some(' '),
        '\u{fffe}' | '\u{ffff}' => Some('\u{fffd}'),
        _ => None,
    }
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(xml_stand_in(c).unwrap_or(c)),
        }
    }
    out
}

/// Whether `c` may be in an XML name token (XML 1.0 fifth edition's
/// `NameChar`), the type (`xs:NMTOKEN`) the GraphML schema gives the ids of
/// nodes and edges and their `source` and `target`.
fn is_name_char(c: char) -> bool {
    matches!(c,
        'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '.' | '_' | ':' | '\u{b7}'
        | '\u{c0}'..='\u{d6}' | '\u{d8}'..='\u{f6}' | '\u{f8}'..='\u{37d}'
        | '\u{37f}'..='\u{1fff}' | '\u{200c}'..='\u{200d}' | '\u{203f}'..='\u{2040}'
        | '\u{2070}'..='\u{218f}' | '\u{2c00}'..='\u{2fef}' | '\u{3001}'..='\u{d7ff}'
        | '\u{f900}'..='\u{fdcf}' | '\u{fdf0}'..='\u{fffd}' | '\u{10000}'..='\u{effff}')
}

/// Whether the node id `id` is a GraphML id as it is.
fn fits_graphml(id: &str) -> bool {
    id.chars().all(is_name_char)
}

/// The GraphML id of the node `id`: the id itself, unless it holds a letter
/// or digit that no XML name token may hold (`x²`, `µ-lab`, `①`; an id may
/// hold any letter or digit), which is then written as its code point in
/// hex between two `·` (`x·b2·`). No record id holds a `·`, so no two ids
/// become one, and the node carries its record's id (`record`).
fn graphml_id(id: &str) -> std::borrow::Cow<'_, str> {
    if fits_graphml(id) {
        return id.into();
    }
    let mut out = String::with_capacity(id.len() + 8);
    for c in id.chars() {
        if is_name_char(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\u{b7}{:x}\u{b7}", u32::from(c)));
        }
    }
    out.into()
}

/// GraphML with typed attributes on nodes and edges.
pub fn write_graphml<W: Write>(graph: &Graph, out: &mut W) -> Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    for (id, on, name) in [
        ("label", "node", "label"),
        ("class", "node", "class"),
        ("kind", "node", "kind"),
        ("relation", "edge", "relation"),
        ("event", "edge", "event"),
        ("title", "edge", "title"),
        ("date", "edge", "date"),
        ("earliest", "edge", "earliest"),
        ("latest", "edge", "latest"),
        ("status", "edge", "status"),
        ("verdict", "node", "verdict"),
        ("claim", "edge", "claim"),
        ("record", "node", "record"),
    ]
    .into_iter()
    .filter(|(id, _, _)| match *id {
        "verdict" | "claim" => graph.has_claims(),
        "record" => graph.renames_graphml_ids(),
        _ => true,
    }) {
        writeln!(
            out,
            r#"  <key id="{id}" for="{on}" attr.name="{name}" attr.type="string"/>"#
        )?;
    }
    writeln!(out, r#"  <graph id="factline" edgedefault="undirected">"#)?;
    graph.for_each_node(&mut |node| {
        writeln!(
            out,
            r#"    <node id="{}">"#,
            xml_escape(&graphml_id(&node.id))
        )?;
        writeln!(
            out,
            r#"      <data key="label">{}</data>"#,
            xml_escape(&node.label)
        )?;
        writeln!(out, r#"      <data key="class">{}</data>"#, node.class)?;
        writeln!(
            out,
            r#"      <data key="kind">{}</data>"#,
            xml_escape(&node.kind)
        )?;
        if graph.renames_graphml_ids() {
            writeln!(
                out,
                r#"      <data key="record">{}</data>"#,
                xml_escape(&node.record)
            )?;
        }
        if let Some(verdict) = &node.verdict {
            writeln!(
                out,
                r#"      <data key="verdict">{}</data>"#,
                xml_escape(verdict)
            )?;
        }
        writeln!(out, "    </node>")?;
        Ok(())
    })?;
    let mut i = 0usize;
    graph.for_each_edge(&mut |edge| {
        i += 1;
        let i = i - 1;
        writeln!(
            out,
            r#"    <edge id="e{i}" source="{}" target="{}">"#,
            xml_escape(&graphml_id(&edge.source)),
            xml_escape(&graphml_id(&edge.target))
        )?;
        // An event's edges have every attribute; a claim's edge has no
        // status, and an event or date only when it has one.
        let given = |value: &str| (!value.is_empty()).then(|| value.to_string());
        for (key, value) in [
            ("relation", Some(edge.relation.to_string())),
            ("event", given(&edge.event)),
            ("title", Some(edge.title.clone())),
            ("date", given(&edge.date)),
            ("earliest", edge.earliest.clone()),
            ("latest", edge.latest.clone()),
            ("status", given(&edge.status)),
            ("claim", edge.claim.clone()),
        ] {
            if let Some(value) = value {
                writeln!(
                    out,
                    r#"      <data key="{key}">{}</data>"#,
                    xml_escape(&value)
                )?;
            }
        }
        writeln!(out, "    </edge>")?;
        Ok(())
    })?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")?;
    Ok(())
}

/// Numbers the edges between each two nodes, 1 for the first, for GEXF's
/// edge `kind`: Gephi keeps two edges between the same nodes apart only when
/// their kinds differ, and merges the others into one, so that two actors
/// who met twice would show one meeting. A kind per event would number the
/// kinds by the events, and Gephi holds at most 65,534 kinds; this numbers
/// them by the most edges two nodes share. Memory holds a hash and a count
/// a pair, not its ids: pairs whose hashes collide share a count, which
/// still numbers each one's edges apart.
#[derive(Default)]
struct EdgeRanks(HashMap<u64, u32>);

impl EdgeRanks {
    /// The rank of the next edge between `a` and `b` (either way round:
    /// the graph is undirected).
    fn next(&mut self, a: &str, b: &str) -> u32 {
        let mut hasher = std::hash::DefaultHasher::new();
        (a.min(b), a.max(b)).hash(&mut hasher);
        let count = self.0.entry(hasher.finish()).or_insert(0);
        *count += 1;
        *count
    }
}

/// GEXF 1.3, dynamic: each edge carries `start`/`end` (its earliest and
/// latest day; an open end is left out), so Gephi's timeline plays the story.
pub fn write_gexf<W: Write>(graph: &Graph, out: &mut W) -> Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<gexf xmlns="http://gexf.net/1.3" version="1.3">"#)?;
    writeln!(
        out,
        r#"  <meta><creator>factline</creator><description>factline actor graph</description></meta>"#
    )?;
    writeln!(
        out,
        r#"  <graph mode="dynamic" defaultedgetype="undirected" timeformat="date">"#
    )?;
    // A claim's verdict and an edge's claim are declared where claims are nodes.
    let (verdict, claim) = if graph.has_claims() {
        (
            r#"<attribute id="verdict" title="verdict" type="string"/>"#,
            r#"<attribute id="claim" title="claim" type="string"/>"#,
        )
    } else {
        ("", "")
    };
    // A node's record id is declared where some node's id is qualified.
    let record = if graph.qualifies_ids() {
        r#"<attribute id="record" title="record" type="string"/>"#
    } else {
        ""
    };
    writeln!(
        out,
        r#"    <attributes class="node"><attribute id="class" title="class" type="string"/><attribute id="kind" title="kind" type="string"/>{verdict}{record}</attributes>"#
    )?;
    writeln!(
        out,
        r#"    <attributes class="edge"><attribute id="relation" title="relation" type="string"/><attribute id="event" title="event" type="string"/><attribute id="date" title="date" type="string"/><attribute id="status" title="status" type="string"/>{claim}</attributes>"#
    )?;
    writeln!(out, "    <nodes>")?;
    graph.for_each_node(&mut |node| {
        let verdict = match &node.verdict {
            Some(verdict) => format!(r#"<attvalue for="verdict" value="{}"/>"#, xml_escape(verdict)),
            None => String::new(),
        };
        let record = if graph.qualifies_ids() {
            format!(
                r#"<attvalue for="record" value="{}"/>"#,
                xml_escape(&node.record)
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            r#"      <node id="{}" label="{}"><attvalues><attvalue for="class" value="{}"/><attvalue for="kind" value="{}"/>{verdict}{record}</attvalues></node>"#,
            xml_escape(&node.id),
            xml_escape(&node.label),
            node.class,
            xml_escape(&node.kind)
        )?;
        Ok(())
    })?;
    writeln!(out, "    </nodes>")?;
    writeln!(out, "    <edges>")?;
    let mut i = 0usize;
    let mut ranks = EdgeRanks::default();
    graph.for_each_edge(&mut |edge| {
        i += 1;
        let i = i - 1;
        let mut span = String::new();
        if let Some(start) = &edge.earliest {
            span.push_str(&format!(r#" start="{start}""#));
        }
        if let Some(end) = &edge.latest {
            span.push_str(&format!(r#" end="{end}""#));
        }
        // An event's edges have every attribute; a claim's edge has no
        // status, and an event or date only when it has one.
        let mut values = format!(r#"<attvalue for="relation" value="{}"/>"#, edge.relation);
        for (key, value) in [
            ("event", Some(&edge.event)),
            ("date", Some(&edge.date)),
            ("status", Some(&edge.status)),
            ("claim", edge.claim.as_ref()),
        ] {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                values.push_str(&format!(
                    r#"<attvalue for="{key}" value="{}"/>"#,
                    xml_escape(value)
                ));
            }
        }
        let kind = ranks.next(&edge.source, &edge.target);
        writeln!(
            out,
            r#"      <edge id="e{i}" source="{}" target="{}" kind="{kind}" label="{}"{span}><attvalues>{values}</attvalues></edge>"#,
            xml_escape(&edge.source),
            xml_escape(&edge.target),
            xml_escape(&edge.title),
        )?;
        Ok(())
    })?;
    writeln!(out, "    </edges>")?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</gexf>")?;
    Ok(())
}
