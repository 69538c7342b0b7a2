//! Pictures of a story: the timeline on a time axis and the who-met graph,
//! as standalone SVG and together in one self-contained HTML page (no
//! network needed to open it). Uncertain dates are drawn as what they are:
//! a bar over the span the date can mean, a fading edge for an open end, a
//! dashed outline for a postponed or cancelled event, with a line back to
//! the date it was first planned for.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use crate::model::{Event, Status};

/// One event as drawn.
pub struct Item {
    pub event: Event,
    pub actor_names: Vec<String>,
    /// The date the event was first recorded with, when it has moved since.
    pub first_date: Option<crate::model::Date>,
}

/// One meeting edge of the graph: two actor ids and names, and the
/// meeting's event id (which the HTML page's filters follow).
pub struct Edge {
    pub a: (String, String),
    pub b: (String, String),
    pub planned: bool,
    pub event: String,
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => out.push(' '),
            c => out.push(crate::graph::export::xml_stand_in(c).unwrap_or(c)),
        }
    }
    out
}

const ROW: i32 = 26;
const TOP: i32 = 40;
const LEFT: i32 = 20;
const WIDTH: i32 = 1300;
const BAR_AREA: i32 = 560;

fn status_color(status: Status) -> &'static str {
    match status {
        Status::Occurred => "#2e7d32",
        Status::Reported => "#00838f",
        Status::Scheduled | Status::Rescheduled => "#1565c0",
        Status::Postponed => "#ef6c00",
        Status::Cancelled => "#c62828",
    }
}

/// The timeline as SVG: one row per event, in timeline order.
pub fn timeline_svg(items: &[Item]) -> String {
    let days = |i: &Item| {
        let d = &i.event.date;
        (d.earliest_day(), d.latest_day())
    };
    let finite = items
        .iter()
        .flat_map(|i| {
            let (e, l) = days(i);
            let first = i.first_date.as_ref().map(|d| d.earliest_day());
            [Some(e), Some(l), first].into_iter().flatten()
        })
        .filter(|d| *d != i32::MIN && *d != i32::MAX);
    let (min, max) = finite.fold((i32::MAX, i32::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let (min, max) = if min > max {
        (0, 1)
    } else {
        (min - 15, max + 15)
    };
    let x = |day: i32| -> f64 {
        let day = day.clamp(min, max);
        f64::from(LEFT) + f64::from(BAR_AREA) * f64::from(day - min) / f64::from((max - min).max(1))
    };
    let height = TOP + ROW * items.len() as i32 + 20;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">
<defs>
<linearGradient id="fade-right"><stop offset="0" stop-opacity="0.85" stop-color="#555"/><stop offset="1" stop-opacity="0" stop-color="#555"/></linearGradient>
<linearGradient id="fade-left"><stop offset="0" stop-opacity="0" stop-color="#555"/><stop offset="1" stop-opacity="0.85" stop-color="#555"/></linearGradient>
</defs>
<rect width="100%" height="100%" fill="#ffffff"/>
"##
    );
    // Year ticks.
    let first_year = chrono::NaiveDate::from_num_days_from_ce_opt(min)
        .map_or(2000, |d| chrono::Datelike::year(&d));
    let last_year = chrono::NaiveDate::from_num_days_from_ce_opt(max)
        .map_or(2000, |d| chrono::Datelike::year(&d));
    let step = ((last_year - first_year) / 8).max(1);
    let mut year = first_year;
    while year <= last_year + 1 {
        if let Some(day) = chrono::NaiveDate::from_ymd_opt(year, 1, 1)
            .map(|d| chrono::Datelike::num_days_from_ce(&d))
        {
            if day >= min && day <= max {
                let px = x(day);
                let _ = writeln!(
                    svg,
                    r##"<line x1="{px:.1}" y1="{}" x2="{px:.1}" y2="{}" stroke="#e0e0e0"/><text x="{px:.1}" y="{}" fill="#777" text-anchor="middle">{year}</text>"##,
                    TOP - 8,
                    height - 10,
                    TOP - 14
                );
            }
        }
        year += step;
    }
    for (row, item) in items.iter().enumerate() {
        let e = &item.event;
        let y = TOP + ROW * row as i32;
        let (earliest, latest) = days(item);
        let open_start = earliest == i32::MIN;
        let open_end = latest == i32::MAX;
        let x1 = if open_start { x(min) } else { x(earliest) };
        let x2 = if open_end { x(max) } else { x(latest + 1) };
        let w = (x2 - x1).max(3.0);
        let color = status_color(e.status);
        let planned = matches!(
            e.status,
            Status::Postponed | Status::Cancelled | Status::Rescheduled
        );
        let actors: Vec<String> = e.actors.iter().map(|a| esc(a)).collect();
        let _ = writeln!(
            svg,
            r#"<g class="event" data-id="{}" data-status="{}" data-actors="{}"><title>{} — {} ({})</title>"#,
            esc(&e.id),
            e.status,
            actors.join(" "),
            esc(&e.title),
            esc(&e.date.human()),
            e.status
        );
        let fill = if open_end {
            "url(#fade-right)".to_string()
        } else if open_start {
            "url(#fade-left)".to_string()
        } else {
            color.to_string()
        };
        if planned {
            let _ = writeln!(
                svg,
                r##"<rect x="{x1:.1}" y="{}" width="{w:.1}" height="14" rx="3" fill="#ffffff" stroke="{color}" stroke-width="1.5" stroke-dasharray="4 3"/>"##,
                y + 4
            );
        } else {
            let opacity = if e.date.is_uncertain() { 0.55 } else { 0.9 };
            let _ = writeln!(
                svg,
                r#"<rect x="{x1:.1}" y="{}" width="{w:.1}" height="14" rx="3" fill="{fill}" fill-opacity="{opacity}" stroke="{color}" stroke-opacity="0.6"/>"#,
                y + 4
            );
        }
        if let Some(first) = &item.first_date {
            let fx = x(first.earliest_day());
            let _ = writeln!(
                svg,
                r##"<line x1="{fx:.1}" y1="{}" x2="{x1:.1}" y2="{}" stroke="{color}" stroke-dasharray="2 2"/><circle cx="{fx:.1}" cy="{}" r="3" fill="none" stroke="{color}"/>"##,
                y + 11,
                y + 11,
                y + 11
            );
        }
        let label = format!("{}  ·  {}  ·  {}", e.date.human(), e.title, e.status);
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" fill="{}">{}</text></g>"#,
            LEFT + BAR_AREA + 12,
            y + 15,
            if planned { color } else { "#222" },
            esc(&label)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The radius of the who-met graph's circle of actors.
const GRAPH_RADIUS: f64 = 150.0;

/// About how wide `text` is drawn at the pictures' 12px Helvetica or Arial:
/// a little more than their widest common letters, twice that for the wide
/// characters of East Asian scripts, nothing for combining marks.
fn label_width(text: &str) -> f64 {
    unicode_width::UnicodeWidthStr::width(text) as f64 * 7.5
}

/// The who-met graph as SVG: actors on a circle, a line per pair that met
/// (dashed for meetings planned but not held), thicker for more meetings.
/// Each line names its meetings' events (`data-events`, as the timeline's
/// `g.event` names its id), so that the HTML page filters the graph by the
/// events its filters show.
pub fn graph_svg(edges: &[Edge]) -> String {
    // Maps, not lists searched per edge: a database of a million events
    // has about as many edges.
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for edge in edges {
        for end in [&edge.a, &edge.b] {
            names.entry(&end.0).or_insert(&end.1);
        }
    }
    let actors: Vec<(&str, &str)> = names.into_iter().collect();
    let place: HashMap<&str, usize> = actors
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    // The circle keeps its size; the picture widens so that the longest
    // name, written beside its dot on the left or the right, is not cut off.
    let size = 520.0_f64;
    let r = GRAPH_RADIUS;
    let longest = actors
        .iter()
        .map(|(_, name)| label_width(name))
        .fold(0.0, f64::max);
    let width = 2.0 * (r + (longest + 20.0).max(size / 2.0 - r));
    let (cx, cy) = (width / 2.0, size / 2.0);
    let at = |id: &str| -> (f64, f64) {
        let i = place.get(id).copied().unwrap_or(0);
        let angle = std::f64::consts::TAU * i as f64 / actors.len().max(1) as f64
            - std::f64::consts::FRAC_PI_2;
        (cx + r * angle.cos(), cy + r * angle.sin())
    };
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="{width}" height="{size}" viewBox="0 0 {width} {size}" font-family="Helvetica, Arial, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#ffffff"/>
"##
    );
    // Each pair once, in the order first met, with its meetings' events.
    let mut pairs: Vec<(&str, &str, bool, Vec<&str>)> = Vec::new();
    let mut pair_at: HashMap<(&str, &str, bool), usize> = HashMap::new();
    for edge in edges {
        let (a, b) = if edge.a.0 <= edge.b.0 {
            (edge.a.0.as_str(), edge.b.0.as_str())
        } else {
            (edge.b.0.as_str(), edge.a.0.as_str())
        };
        match pair_at.entry((a, b, edge.planned)) {
            Entry::Occupied(at) => pairs[*at.get()].3.push(&edge.event),
            Entry::Vacant(slot) => {
                slot.insert(pairs.len());
                pairs.push((a, b, edge.planned, vec![&edge.event]));
            }
        }
    }
    for (a, b, planned, events) in &pairs {
        let ((x1, y1), (x2, y2)) = (at(a), at(b));
        let dash = if *planned {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let color = if *planned { "#ef6c00" } else { "#455a64" };
        let _ = writeln!(
            svg,
            r#"<line class="meeting" data-a="{}" data-b="{}" data-events="{}" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{color}" stroke-width="{}"{dash}/>"#,
            esc(a),
            esc(b),
            esc(&events.join(" ")),
            1.5 + events.len() as f64
        );
    }
    for (id, name) in &actors {
        let (x, y) = at(id);
        let anchor = if x < cx - 1.0 {
            "end"
        } else if x > cx + 1.0 {
            "start"
        } else {
            "middle"
        };
        let dx = if x < cx - 1.0 {
            -10.0
        } else if x > cx + 1.0 {
            10.0
        } else {
            0.0
        };
        let _ = writeln!(
            svg,
            r##"<g class="actor" data-id="{}"><circle cx="{x:.1}" cy="{y:.1}" r="7" fill="#90a4ae" stroke="#37474f"/><text x="{:.1}" y="{:.1}" text-anchor="{anchor}">{}</text></g>"##,
            esc(id),
            x + dx,
            y + 4.0,
            esc(name)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// One HTML page with both pictures and filters by actor and status. The
/// filters show the timeline's events that have a checked status (and the
/// chosen actor), and in the graph the lines of those events' meetings
/// (as thick as they are many) and the actors at their ends.
pub fn html(title: &str, items: &[Item], edges: &[Edge], actors: &[(String, String)]) -> String {
    let mut options = String::from(r#"<option value="">all actors</option>"#);
    for (id, name) in actors {
        let _ = write!(
            options,
            r#"<option value="{}">{}</option>"#,
            esc(id),
            esc(name)
        );
    }
    let mut statuses = String::new();
    for status in Status::ALL {
        let _ = write!(
            statuses,
            r#"<label><input type="checkbox" class="status" value="{status}" checked> <span style="color:{}">{status}</span></label> "#,
            status_color(*status)
        );
    }
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 16px; color: #222; background: #fafafa; }}
h1 {{ font-size: 20px; margin: 0 0 8px; }}
.filters {{ margin: 8px 0 12px; }}
.filters label {{ margin-right: 8px; }}
.pictures {{ display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }}
.pictures svg {{ border: 1px solid #ddd; background: #fff; }}
#count {{ color: #666; margin-left: 8px; }}
</style>
</head>
<body>
<h1>{title}</h1>
<div class="filters">
<select id="actor">{options}</select>
{statuses}
<span id="count"></span>
</div>
<div class="pictures">
{timeline}
{graph}
</div>
<script>
(function () {{
  var actor = document.getElementById('actor');
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input.status'));
  var events = Array.prototype.slice.call(document.querySelectorAll('svg.timeline g.event'));
  var lines = Array.prototype.slice.call(document.querySelectorAll('svg.graph line.meeting'));
  var actors = Array.prototype.slice.call(document.querySelectorAll('svg.graph g.actor'));
  var count = document.getElementById('count');
  function apply() {{
    var who = actor.value;
    var allowed = boxes.filter(function (b) {{ return b.checked; }}).map(function (b) {{ return b.value; }});
    var shown = 0;
    var visible = Object.create(null);
    events.forEach(function (g) {{
      var ok = allowed.indexOf(g.getAttribute('data-status')) >= 0 &&
        (who === '' || g.getAttribute('data-actors').split(' ').indexOf(who) >= 0);
      g.style.display = ok ? '' : 'none';
      if (ok) {{ shown += 1; visible[g.getAttribute('data-id')] = true; }}
    }});
    // A meeting line shows while one of its events does, as thick as they
    // are many; an actor shows while one of its lines does.
    var linked = Object.create(null);
    lines.forEach(function (l) {{
      var n = l.getAttribute('data-events').split(' ').filter(function (id) {{ return visible[id]; }}).length;
      l.style.display = n > 0 ? '' : 'none';
      if (n > 0) {{
        l.setAttribute('stroke-width', 1.5 + n);
        linked[l.getAttribute('data-a')] = true;
        linked[l.getAttribute('data-b')] = true;
      }}
    }});
    actors.forEach(function (g) {{
      g.style.display = linked[g.getAttribute('data-id')] ? '' : 'none';
    }});
    count.textContent = shown + ' of ' + events.length + ' events';
  }}
  actor.addEventListener('change', apply);
  boxes.forEach(function (b) {{ b.addEventListener('change', apply); }});
  apply();
}})();
</script>
</body>
</html>
"##,
        title = esc(title),
        timeline = timeline_svg(items),
        graph = graph_svg(edges),
    )
}
