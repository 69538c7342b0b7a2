//! The bundled example story: the facts of a November 2025 news digest on the
//! US–Russia peace-plan talks (Axios, ISW and The New York Times reporting),
//! encoded as a fact-checker would. Only what the text says goes in: vague
//! dates stay vague (EDTF `2025-08`, `2025`, `2025-01/..`), relative dates
//! ("earlier in the week") become the interval they can mean, with a note.
//!
//! The dataset is a list of dump lines (every version of every record), so
//! `factline example` loads it through the same path as `factline import`.
//! `exports/example.ndjson` and `exports/example.csv` are its exports; a test
//! regenerates them from the binary.

use crate::dump::{Header, Line};
use crate::model::{
    Actor, ActorKind, Claim, Date, Event, EventKind, Meta, Quantity, Reliability, Role, Source,
    SourceLink, Stamp, Status, Verdict,
};

/// When the story was recorded: the day after the reports.
const RECORDED: &str = "2025-11-20T12:00:00Z";
/// When the postponement of the Türkiye meeting was recorded, after its schedule.
const POSTPONED_RECORDED: &str = "2025-11-20T12:05:00Z";
/// When the "hundreds" claim was rated disputed.
const RATED_RECORDED: &str = "2025-11-20T12:10:00Z";

fn stamp(text: &str) -> Stamp {
    Stamp::parse(text).expect("example stamps are valid RFC 3339")
}

fn date(text: &str) -> Date {
    Date::parse_edtf(text).expect("example dates are valid EDTF")
}

fn role(title: &str, of: Option<&str>, span: Option<&str>) -> Role {
    Role {
        title: title.into(),
        of: of.map(Into::into),
        span: span.map(date),
    }
}

fn actor(
    id: &str,
    name: &str,
    kind: ActorKind,
    aliases: &[&str],
    description: &str,
    roles: Vec<Role>,
) -> Line {
    Line::Actor(Actor {
        id: id.into(),
        name: name.into(),
        kind,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        description: description.into(),
        roles,
        meta: Meta::first(stamp(RECORDED)),
    })
}

fn source(id: &str, name: &str, url: Option<&str>, grade: Reliability) -> Line {
    Line::Source(Source {
        id: id.into(),
        name: name.into(),
        url: url.map(Into::into),
        grade: Some(grade),
        meta: Meta::first(stamp(RECORDED)),
    })
}

struct E<'a> {
    id: &'a str,
    title: &'a str,
    date: &'a str,
    kind: EventKind,
    status: Status,
    place: Option<&'a str>,
    actors: &'a [&'a str],
    sources: &'a [&'a str],
    tags: &'a [&'a str],
    description: &'a str,
}

/// A source link: "axios", or "digest<axios" for the digest repeating Axios.
fn link(text: &str) -> SourceLink {
    match text.split_once('<') {
        Some((source, via)) => SourceLink {
            via: Some(via.into()),
            ..SourceLink::plain(source)
        },
        None => SourceLink::plain(text),
    }
}

fn event(e: E) -> Event {
    let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    Event {
        id: e.id.into(),
        title: e.title.into(),
        date: date(e.date),
        kind: e.kind,
        status: e.status,
        place: e.place.map(Into::into),
        actors: list(e.actors),
        sources: e.sources.iter().map(|s| link(s)).collect(),
        tags: list(e.tags),
        description: e.description.into(),
        meta: Meta::first(stamp(RECORDED)),
    }
}

/// Every line of the example dump, in dump order (actors, sources, events; by id).
pub fn dataset() -> Vec<Line> {
    use ActorKind::*;
    let mut lines = vec![Line::Header(Header::current())];
    let mut actors = vec![
        actor("donald-trump", "Donald Trump", Person, &["Trump"], "President of the United States.",
            vec![role("President of the United States", Some("united-states"), Some("2025-01/.."))]),
        actor("vladimir-putin", "Vladimir Putin", Person, &["Putin"], "President of Russia.",
            vec![role("President of Russia", Some("russia"), None)]),
        actor("volodymyr-zelenskyy", "Volodymyr Zelenskyy", Person, &["Zelenskyy", "Zelensky", "Зеленський"],
            "President of Ukraine. The digest spells him both Zelensky and Zelenskyy.",
            vec![role("President of Ukraine", Some("ukraine"), None)]),
        actor("steve-witkoff", "Steve Witkoff", Person, &["Witkoff"],
            "Trump's personal envoy; led the US side of the Miami talks.",
            vec![role("Personal envoy", Some("donald-trump"), None)]),
        actor("kirill-dmitriev", "Kirill Dmitriev", Person, &["Dmitriev"],
            "Kremlin envoy and head of Russia's sovereign wealth fund; sanctioned by the US in 2022.",
            vec![
                role("Head of the Russian Direct Investment Fund", Some("russian-direct-investment-fund"), None),
                role("Envoy", Some("vladimir-putin"), None),
            ]),
        actor("rustem-umerov", "Rustem Umerov", Person, &["Umerov", "Rustem Umierov", "Umierov"],
            "Ukrainian official; the digest calls him Ukraine's Defense Minister and spells him Umierov.",
            vec![role("Defense Minister of Ukraine (as the digest describes him)", Some("ukraine"), None)]),
        actor("maria-zakharova", "Maria Zakharova", Person, &["Zakharova"],
            "Spokesperson of Russia's Foreign Ministry.",
            vec![role("Foreign Ministry spokesperson", Some("russia"), None)]),
        actor("melania-trump", "Melania Trump", Person, &[], "First Lady of the United States.",
            vec![role("First Lady", Some("united-states"), None)]),
        actor("russian-childrens-rights-commissioner", "Russia's commissioner for children's rights", Person,
            &["Russian children's rights commissioner"],
            "Named in the digest only by office.",
            vec![role("Commissioner for children's rights", Some("russia"), None)]),
        actor("united-states", "United States", Country, &["US", "USA", "Washington", "Trump administration"], "", vec![]),
        actor("russia", "Russia", Country, &["Russian Federation", "Moscow", "Kremlin"], "", vec![]),
        actor("ukraine", "Ukraine", Country, &["Kyiv"], "", vec![]),
        actor("european-governments", "European governments", Organization, &["European backers"],
            "Governments of Europe briefed on the plan; not named individually.", vec![]),
        actor("russian-direct-investment-fund", "Russian Direct Investment Fund", Organization,
            &["RDIF", "Russia's sovereign wealth fund"], "", vec![]),
        actor("white-house", "White House", Organization, &[], "", vec![]),
        actor("institute-for-the-study-of-war", "Institute for the Study of War", Organization, &["ISW"],
            "Cited by the digest for its report on deported Ukrainian children.", vec![]),
        actor("148th-artillery-brigade", "148th Artillery Brigade", Organization, &[],
            "Ukrainian artillery brigade.", vec![role("Brigade", Some("ukraine"), None)]),
    ];
    actors.sort_by(|a, b| line_id(a).cmp(line_id(b)));
    lines.extend(actors);

    use Reliability::{B, C, F};
    let mut sources = vec![
        source("axios", "Axios", Some("https://www.axios.com"), B),
        source(
            "isw",
            "Institute for the Study of War (ISW)",
            Some("https://understandingwar.org"),
            B,
        ),
        source(
            "nyt",
            "The New York Times",
            Some("https://www.nytimes.com"),
            B,
        ),
        // A state outlet's photo caption: the photo is evidence, the outlet fairly reliable at best.
        source("ria", "RIA Novosti (photo caption)", None, C),
        // The digest carrying these reports names no outlet: it cannot be judged.
        source(
            "digest",
            "News digest of 20 Nov 2025 (the example's seed text)",
            None,
            F,
        ),
    ];
    sources.sort_by(|a, b| line_id(a).cmp(line_id(b)));
    lines.extend(sources);

    use EventKind as K;
    use Status as S;
    let mut events: Vec<Vec<Event>> = vec![
        vec![event(E {
            id: "2025-trump-pushes-negotiations",
            title: "Trump pushes Kyiv and Moscow toward negotiations",
            date: "2025-01/..",
            kind: K::Statement, status: S::Occurred, place: None,
            actors: &["donald-trump", "ukraine", "russia"], sources: &["digest"],
            tags: &["peace-talks"],
            description: "Since taking office in January, Trump has pushed both sides toward talks; his administration has repeatedly pressed Ukraine to accept Russia's occupation of its territories, demands Ukraine rejected.",
        })],
        vec![event(E {
            id: "2025-russia-escalates-attacks",
            title: "Russia escalates its attacks during the US push for talks",
            date: "2025-01/..",
            kind: K::Military, status: S::Occurred, place: Some("Ukraine"),
            actors: &["russia", "ukraine"], sources: &["digest"],
            tags: &["war"],
            description: "Russia has escalated its attacks since January and insists on maximalist goals that amount to Ukraine's capitulation.",
        })],
        vec![event(E {
            id: "2025-08-alaska-summit",
            title: "Trump and Putin meet in Alaska",
            date: "2025-08",
            kind: K::Meeting, status: S::Occurred, place: Some("Alaska"),
            actors: &["donald-trump", "vladimir-putin"], sources: &["digest"],
            tags: &["peace-talks"],
            description: "Dmitriev stated that the new peace initiative builds on the principles Trump and Putin agreed at this meeting in August.",
        })],
        vec![event(E {
            id: "2025-saint-petersburg-meeting",
            title: "Witkoff and Dmitriev meet in Saint Petersburg",
            date: "2025/2025-11-20",
            kind: K::Meeting, status: S::Occurred, place: Some("Saint Petersburg"),
            actors: &["steve-witkoff", "kirill-dmitriev"], sources: &["ria"],
            tags: &["peace-talks"],
            description: "Known only from a RIA photo caption: Dmitriev (left) and Witkoff (right), Saint Petersburg, Russia, 2025; no later than the digest that shows it.",
        })],
        vec![event(E {
            id: "2025-10-148th-brigade-zaporizhzhia",
            title: "148th Artillery Brigade prepares to fire at Russian targets in Zaporizhzhia region",
            date: "2025-10",
            kind: K::Military, status: S::Occurred, place: Some("Zaporizhzhia region"),
            actors: &["148th-artillery-brigade", "russia"], sources: &["nyt"],
            tags: &["war"],
            description: "From a New York Times photo caption (Tyler Hicks): the brigade preparing to fire; the caption does not say it fired.",
        })],
        vec![event(E {
            id: "2025-10-24-miami-talks",
            title: "Witkoff and Dmitriev hold three days of talks in Miami",
            date: "2025-10-24/2025-10-26",
            kind: K::Talks, status: S::Occurred, place: Some("Miami"),
            actors: &["steve-witkoff", "kirill-dmitriev"], sources: &["axios", "digest<axios"],
            tags: &["peace-talks", "28-point-plan"],
            description: "Reported by Axios and confirmed by a US official. Dmitriev said his team spent the whole period 'huddled' with Witkoff and other members of Trump's team.",
        })],
        vec![event(E {
            id: "2025-10-24-peace-plan-drafted",
            title: "US and Russian envoys draft a 28-point peace plan",
            date: "2025-10-24/..",
            kind: K::Other, status: S::Reported, place: None,
            actors: &["steve-witkoff", "kirill-dmitriev"], sources: &["axios", "nyt"],
            tags: &["28-point-plan"],
            description: "Four areas: peace in Ukraine, security guarantees, security in Europe, and future US relations with Ukraine and Russia. Ukrainian officials were largely left out. The New York Times, apart from Axios: Zelensky is confronted with a 28-point proposal drafted by American and Russian envoys. Dated from the Miami talks, and still going on: a US official said the draft will evolve with input from Ukraine and its European backers.",
        })],
        vec![event(E {
            id: "2025-10-briefing-european-governments",
            title: "US administration starts briefing European governments on the plan",
            date: "2025-10-26/2025-11-19",
            kind: K::Other, status: S::Reported, place: None,
            actors: &["united-states", "european-governments"], sources: &["axios"],
            tags: &["28-point-plan"],
            description: "A US official said the briefings began only after the Russia-focused meetings in Miami; dated from those meetings to the reports.",
        })],
        vec![event(E {
            id: "2025-11-umerov-witkoff-miami",
            title: "Umerov meets Witkoff in Miami",
            date: "2025-11-17/2025-11-19",
            kind: K::Meeting, status: S::Occurred, place: Some("Miami"),
            actors: &["rustem-umerov", "steve-witkoff"], sources: &["axios"],
            tags: &["peace-talks", "date-inferred"],
            description: "A Ukrainian official confirmed to Axios that Umierov met Witkoff 'earlier in the week'; dated as the start of the week of the reports up to the report day.",
        })],
        {
            let scheduled = event(E {
                id: "2025-11-19-witkoff-zelenskyy-turkiye",
                title: "Witkoff to meet Zelenskyy in Türkiye",
                date: "2025-11-19",
                kind: K::Meeting, status: S::Scheduled, place: Some("Türkiye"),
                actors: &["steve-witkoff", "volodymyr-zelenskyy"], sources: &["axios"],
                tags: &["peace-talks"],
                description: "Witkoff had been scheduled to meet Zelenskyy in Türkiye on 19 November.",
            });
            let mut postponed = scheduled.clone();
            postponed.status = S::Postponed;
            postponed.description = "Witkoff had been scheduled to meet Zelenskyy in Türkiye on 19 November but postponed the trip, according to Ukrainian and US officials.".into();
            postponed.meta = scheduled.meta.next(stamp(POSTPONED_RECORDED));
            vec![scheduled, postponed]
        },
        vec![event(E {
            id: "2025-11-axios-reports-peace-plan",
            title: "Axios reports a secret US–Russia draft peace plan",
            date: "2025-11-17/2025-11-19",
            kind: K::Report, status: S::Occurred, place: None,
            actors: &["steve-witkoff", "kirill-dmitriev", "white-house"], sources: &["axios"],
            tags: &["28-point-plan"],
            description: "A White House official told Axios that Trump believes there is a chance to end the war if flexibility is shown. The report tells of Umerov's meeting with Witkoff 'earlier in the week': dated as that week up to the report day.",
        })],
        vec![event(E {
            id: "2022-us-sanctions-dmitriev",
            title: "US sanctions Kirill Dmitriev",
            date: "2022",
            kind: K::Announcement, status: S::Occurred, place: None,
            actors: &["united-states", "kirill-dmitriev"], sources: &["isw"],
            tags: &["sanctions"],
            description: "",
        })],
        vec![event(E {
            id: "2022-children-placed-in-russia",
            title: "Children from occupied regions placed in Russian families and institutions",
            date: "2022/..",
            kind: K::Other, status: S::Reported, place: Some("Russia"),
            actors: &["russia", "ukraine"], sources: &["isw"],
            tags: &["deported-children"],
            description: "Official Russian reports show children from occupied Donetsk, Luhansk and Zaporizhzhia regions placed across at least 20 Russian regions since 2022.",
        })],
        vec![event(E {
            id: "2025-melania-trump-children-returned",
            title: "Melania Trump announces the return of seven Ukrainian children",
            date: "2025?/2025-11-20",
            kind: K::Announcement, status: S::Occurred, place: None,
            actors: &["melania-trump"], sources: &["isw"],
            tags: &["deported-children"],
            description: "Dmitriev answered with handshake and flag emojis, suggesting Moscow sees the returns as leverage. The digest gives no date: no later than the digest, and taken to be of this year (uncertain).",
        })],
        vec![event(E {
            id: "2025-russia-frames-child-returns",
            title: "Dmitriev and Zakharova present child returns as goodwill toward the US",
            date: "2025?/2025-11-20",
            kind: K::Statement, status: S::Occurred, place: None,
            actors: &["kirill-dmitriev", "maria-zakharova"], sources: &["isw"],
            tags: &["deported-children"],
            description: "ISW: Russian officials frame limited returns as cooperation with Washington while deportations continue. The digest gives no date: no later than the digest, and taken to be of this year (uncertain).",
        })],
        vec![event(E {
            id: "2025-11-isw-deported-children-report",
            title: "ISW: Russia uses deported Ukrainian children as bargaining chips",
            date: "2025-11?/2025-11-20",
            kind: K::Report, status: S::Occurred, place: None,
            actors: &["institute-for-the-study-of-war"], sources: &["isw"],
            tags: &["deported-children"],
            description: "Ukraine has confirmed 19,500 deported children; Russia's commissioner for children's rights acknowledged receiving more than 700,000 minors 'from Ukraine'. The digest that carries it gives no date: no later than the digest, and taken to be of its month (uncertain).",
        })],
    ];
    events.sort_by(|a, b| a[0].id.cmp(&b[0].id));
    lines.extend(events.into_iter().flatten().map(Line::Event));
    lines.extend(claims().into_iter().map(Line::Claim));
    lines
}

struct C<'a> {
    id: &'a str,
    by: &'a str,
    text: &'a str,
    date: Option<&'a str>,
    about_events: &'a [&'a str],
    about_actors: &'a [&'a str],
    sources: &'a [&'a str],
    quote: Option<&'a str>,
    quantity: Option<(&'a str, f64, &'a str)>,
    contradicts: &'a [&'a str],
}

fn claim(c: C) -> Claim {
    let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    Claim {
        id: c.id.into(),
        claimant: c.by.into(),
        text: c.text.into(),
        date: c.date.map(date),
        about_events: list(c.about_events),
        about_actors: list(c.about_actors),
        sources: c.sources.iter().map(|s| link(s)).collect(),
        quote: c.quote.map(Into::into),
        quantity: c.quantity.map(|(subject, value, unit)| Quantity {
            subject: subject.into(),
            value,
            unit: unit.into(),
        }),
        contradicts: list(c.contradicts),
        supports: Vec::new(),
        verdict: Verdict::Unverified,
        verdict_by: None,
        verdict_note: String::new(),
        meta: Meta::first(stamp(RECORDED)),
    }
}

/// When what was said to Axios was said: from the Miami talks it tells of
/// to the report day (the digest gives no day).
const TO_AXIOS: &str = "2025-10-24/2025-11-19";

/// The digest's claims, each as its claimant said it and its source reported it.
fn claims() -> Vec<Claim> {
    let none: &[&str] = &[];
    let mut claims = vec![
        claim(C {
            id: "2025-11-dmitriev-russian-position-heard",
            by: "kirill-dmitriev",
            text: "The Russian position is really being heard in the talks with the US",
            date: Some(TO_AXIOS),
            about_events: &["2025-10-24-miami-talks"], about_actors: none,
            sources: &["axios"],
            quote: Some("we feel the Russian position is really being heard"),
            quantity: None, contradicts: none,
        }),
        claim(C {
            id: "2025-11-dmitriev-better-chances",
            by: "kirill-dmitriev",
            text: "The new initiative has better chances than earlier peace efforts",
            date: Some(TO_AXIOS),
            about_events: &["2025-10-24-peace-plan-drafted"], about_actors: none,
            sources: &["axios"], quote: None, quantity: None, contradicts: none,
        }),
        claim(C {
            id: "2025-11-dmitriev-plan-builds-on-alaska",
            by: "kirill-dmitriev",
            text: "The peace initiative builds on the principles Trump and Putin agreed in Alaska, and would restore US-Russia ties and meet Russia's security concerns",
            date: Some(TO_AXIOS),
            about_events: &["2025-08-alaska-summit", "2025-10-24-peace-plan-drafted"], about_actors: none,
            sources: &["digest"],
            quote: Some("restore US-Russia ties"), quantity: None, contradicts: none,
        }),
        claim(C {
            id: "2025-11-dmitriev-battlefield-leverage",
            by: "kirill-dmitriev",
            text: "Russia's growing battlefield gains have boosted its negotiating leverage",
            date: Some(TO_AXIOS),
            about_events: none, about_actors: &["russia"],
            sources: &["digest"], quote: None, quantity: None, contradicts: none,
        }),
        claim(C {
            id: "2025-11-white-house-chance-to-end-war",
            by: "white-house",
            text: "Trump believes there is a chance to end the war if flexibility is shown",
            date: Some(TO_AXIOS),
            about_events: &["2025-10-24-peace-plan-drafted"], about_actors: none,
            sources: &["axios"],
            quote: Some("President Trump believes that there is a chance to end this senseless war if flexibility is shown."),
            quantity: None, contradicts: none,
        }),
        claim(C {
            id: "2025-11-us-official-draft-will-evolve",
            by: "united-states",
            text: "The draft will evolve based on input from Ukraine and its European backers",
            date: Some(TO_AXIOS),
            about_events: &["2025-10-24-peace-plan-drafted"], about_actors: none,
            sources: &["axios"],
            // Reported speech: the article quotes none of it.
            quote: None,
            quantity: None, contradicts: none,
        }),
        claim(C {
            id: "2025-11-ukraine-not-received-proposal",
            by: "ukraine",
            text: "Ukraine knows the Americans are working on something but has not received the full proposal",
            date: Some(TO_AXIOS),
            about_events: &["2025-10-24-peace-plan-drafted"], about_actors: none,
            sources: &["axios"],
            quote: Some("the Americans are working on something"),
            quantity: None, contradicts: none,
        }),
        claim(C {
            id: "2025-11-dmitriev-us-explains-benefits",
            by: "kirill-dmitriev",
            text: "US officials are now explaining the benefits of this approach to both Ukrainians and Europeans",
            date: Some(TO_AXIOS),
            about_events: &["2025-10-24-peace-plan-drafted"], about_actors: none,
            sources: &["digest"],
            quote: Some("benefits"), quantity: None, contradicts: none,
        }),
        claim(C {
            id: "2025-11-us-official-practical-and-realistic",
            by: "united-states",
            text: "Both parties need to be practical and realistic",
            date: Some(TO_AXIOS),
            about_events: &["2025-10-24-peace-plan-drafted"], about_actors: none,
            sources: &["axios"],
            quote: Some("Both parties need to be practical and realistic"),
            quantity: None, contradicts: none,
        }),
        claim(C {
            id: "isw-moscow-has-not-documented-identities",
            by: "institute-for-the-study-of-war",
            text: "Moscow has not documented the identities of the children it has taken",
            date: Some("2025-11?/2025-11-20"),
            about_events: &["2022-children-placed-in-russia"], about_actors: &["russia"],
            sources: &["isw"], quote: None, quantity: None, contradicts: none,
        }),
        claim(C {
            id: "ukraine-19500-deported-children",
            by: "ukraine",
            text: "At least 19,500 Ukrainian children have been forcibly deported to Russia (documented by Ukraine and international investigators)",
            date: None,
            about_events: &["2022-children-placed-in-russia"], about_actors: none,
            sources: &["isw", "digest<isw"],
            quote: None,
            quantity: Some(("deported-ukrainian-children", 19_500.0, "children")),
            contradicts: none,
        }),
        claim(C {
            id: "russia-700000-minors-received",
            by: "russian-childrens-rights-commissioner",
            text: "Russia has received more than 700,000 minors from Ukraine",
            date: None,
            about_events: &["2022-children-placed-in-russia"], about_actors: none,
            sources: &["isw"],
            quote: Some("from Ukraine"),
            quantity: Some(("minors-received-from-ukraine", 700_000.0, "minors")),
            // Set against the "hundreds" claim, as Ukraine's 19,500 is; the
            // article does not set the two figures against each other (two
            // lower bounds of different counts).
            contradicts: none,
        }),
        claim(C {
            id: "russia-took-only-hundreds-of-children",
            by: "russia",
            text: "Russia took only hundreds of children, for humanitarian reasons",
            date: None,
            about_events: &["2022-children-placed-in-russia"], about_actors: none,
            sources: &["isw"],
            quote: Some("hundreds"), quantity: None,
            contradicts: &["ukraine-19500-deported-children", "russia-700000-minors-received"],
        }),
        claim(C {
            id: "2025-11-isw-returns-obscure-deportations",
            by: "institute-for-the-study-of-war",
            text: "Russia uses the return of a few children to obscure its broader campaign of forced deportations and adoptions",
            date: Some("2025-11?/2025-11-20"),
            about_events: &["2025-melania-trump-children-returned", "2022-children-placed-in-russia"],
            about_actors: &["russia"],
            sources: &["isw"], quote: None, quantity: None, contradicts: none,
        }),
    ];
    // ISW reports Russian data contradicting the "hundreds" narrative: a
    // verdict recorded after the claim, so both versions stay in history.
    let hundreds = claims
        .iter()
        .find(|c| c.id == "russia-took-only-hundreds-of-children")
        .cloned()
        .expect("the claim above");
    let mut disputed = hundreds.clone();
    disputed.verdict = Verdict::Disputed;
    disputed.verdict_by = Some("isw".into());
    disputed.verdict_note = "Russia's own commissioner acknowledged receiving more than 700,000 minors; official reports place children across at least 20 regions".into();
    disputed.meta = hundreds.meta.next(stamp(RATED_RECORDED));
    claims.push(disputed);
    // Dump order: by id, each id's versions oldest first.
    claims.sort_by(|a, b| a.id.cmp(&b.id).then(a.meta.version.cmp(&b.meta.version)));
    claims
}

fn line_id(line: &Line) -> &str {
    match line {
        Line::Actor(a) => &a.id,
        Line::Source(s) => &s.id,
        Line::Event(e) => &e.id,
        Line::Claim(c) => &c.id,
        Line::Header(_) | Line::Trailer(_) => "",
    }
}
