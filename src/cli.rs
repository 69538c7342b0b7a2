//! The command line, declared with clap's derive API. Help text lives in the
//! doc comments; every subcommand's `run()` lives in `src/cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// factline: a fact-tracking timeline database.
///
/// Keeps dated events, actors and sources in an embedded database, with every
/// earlier version kept. Dates follow EDTF (2025, 2025-08, 2025-10-24/2025-10-26,
/// 2025-01/.., 2025-08~) or plain phrases ("24-26 October 2025").
///
/// Exit codes: 0 success (also a listing with no rows), 1 nothing found by
/// `search` or `path`, or a failed check, 2 bad input or usage, 3 the
/// database cannot be used (in use, newer version, damaged) or stdout
/// cannot be written.
///
/// Every command has --help, and a man page: `factline man` prints
/// factline(1), and `factline man COMMAND` the command's own page,
/// factline-COMMAND(1), with its options.
///
/// Example: factline example && factline who-met witkoff
#[derive(Debug, Parser)]
#[command(name = "factline", version, max_term_width = 100)]
pub struct Cli {
    /// The database directory.
    #[arg(
        long,
        global = true,
        env = "FACTLINE_DB",
        default_value = "factline.db"
    )]
    pub db: PathBuf,

    /// Output format: table, csv or json for read commands and check, backup, restore and
    /// compact (a report); ndjson or csv for export. Commands that print only an id refuse it.
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,

    /// Show the database as it was recorded at this time (RFC 3339 or a day,
    /// e.g. 2025-11-20): what did we know then? Read commands only.
    #[arg(long, global = true, value_name = "TIME")]
    pub as_of: Option<String>,

    /// Colour statuses and verdicts in tables: auto (on a terminal, unless
    /// NO_COLOR is set), always, or never.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: ColorChoice,

    /// Say nothing on stderr but errors (no notices of created actors,
    /// echoed dates, import counts).
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also say on stderr what the database did: opening, pages read and
    /// written, and how long each took.
    #[arg(long, short, global = true)]
    pub verbose: bool,

    /// If another factline process holds the database, wait up to SECS for it
    /// instead of failing at once.
    #[arg(
        long,
        global = true,
        value_name = "SECS",
        value_parser = parse_seconds,
        allow_negative_numbers = true
    )]
    pub wait: Option<f64>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Every format any command writes; each command says which it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people (the default for read commands).
    Table,
    /// Comma-separated values; lists joined with "; ".
    Csv,
    /// A JSON array of objects with stable field names.
    Json,
    /// The complete, lossless dump: one JSON record a line.
    Ndjson,
    /// Graphviz DOT (render with `dot -Tsvg`).
    Dot,
    /// GraphML (Gephi, yEd, networkx).
    Graphml,
    /// GEXF 1.3 with edge dates (Gephi's timeline).
    Gexf,
    /// TimelineJS3 JSON (Knight Lab's timeline viewer).
    Timelinejs,
    /// The TimelineJS spreadsheet template's columns, as CSV.
    TimelinejsCsv,
    /// One self-contained HTML page: the timeline and the who-met graph, with filters.
    Html,
    /// A standalone SVG picture (see --view).
    Svg,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Dot => "dot",
            Format::Graphml => "graphml",
            Format::Gexf => "gexf",
            Format::Timelinejs => "timelinejs",
            Format::TimelinejsCsv => "timelinejs-csv",
            Format::Html => "html",
            Format::Svg => "svg",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, edit and look at actors (people, organizations, countries, media).
    ///
    /// Example: factline actor show zelensky
    #[command(subcommand)]
    Actor(ActorCommand),
    /// List actors; with --similar, the pairs whose names look alike.
    ///
    /// Example: factline actors --similar
    Actors {
        /// List pairs of actors whose names are likely the same (merge candidates).
        #[arg(long)]
        similar: bool,
    },
    /// Add and list sources (outlets, agencies, documents).
    ///
    /// Example: factline source add Reuters --grade B
    #[command(subcommand)]
    Source(SourceCommand),
    /// Add, edit and look at events.
    ///
    /// Example: factline event add --title "Witkoff and Dmitriev talks" --date "24-26 October 2025" --actor Witkoff --actor Dmitriev
    #[command(subcommand)]
    Event(EventCommand),
    /// Add, show and rate claims: statements attributed to an actor.
    ///
    /// Example: factline claim add --by Dmitriev --text "The Russian position is being heard" --source Axios
    #[command(subcommand)]
    Claim(ClaimCommand),
    /// List claims, filtered by claimant, what they are about, the subject of
    /// their quantity, verdict or contradiction.
    ///
    /// Example: factline claims --contradicted
    Claims(ClaimsArgs),
    /// Every pair of claims that contradict: linked as such, or giving
    /// different quantities for the same subject at overlapping dates
    /// (unless one is recorded as supporting the other).
    ///
    /// Example: factline contradictions --format json
    Contradictions,
    /// The sources behind one event or claim, with grades, credibility and
    /// "via" chains, and how many are independent.
    ///
    /// Example: factline sources 2025-10-24-miami-talks
    Sources {
        /// The event or claim id.
        #[arg(value_parser = record_id)]
        id: String,
        /// Which kind of record, when an event and a claim share the id.
        #[arg(long, value_enum)]
        kind: Option<FactKind>,
    },
    /// Attach a source to an event or claim, or update the link: its
    /// credibility, what it repeats, a quote or URL.
    ///
    /// Example: factline link 2025-10-24-miami-talks digest --via axios --credibility 2
    Link(LinkArgs),
    /// List events in date order.
    ///
    /// Example: factline timeline --actor witkoff --from 2025-10 --to 2025-11
    Timeline(TimelineArgs),
    /// Meetings between actors: every pair of participants of a meeting or talks that happened.
    ///
    /// Scheduled, postponed, rescheduled and cancelled meetings are left out (see --planned).
    ///
    /// Example: factline who-met witkoff --from 2025-10 --to 2025-11
    WhoMet(WhoMetArgs),
    /// The shortest chain of meetings connecting two actors.
    ///
    /// Exit code 1 when there is none.
    ///
    /// Example: factline path umerov dmitriev
    Path(PathArgs),
    /// The actors within N meetings of an actor, with their distance.
    ///
    /// Example: factline network witkoff --hops 2
    Network(NetworkArgs),
    /// Write the database out: the NDJSON dump, the timeline as CSV, the graph, or pictures.
    ///
    /// Formats: ndjson (default, lossless), csv (the timeline), dot (Graphviz),
    /// graphml (Gephi, yEd, networkx), gexf (Gephi, with dates), timelinejs and
    /// timelinejs-csv (TimelineJS), html (a page with the timeline and graph),
    /// svg (the timeline or, with --view graph, the who-met graph).
    ///
    /// The options of `timeline` (--actor, --from, --to, …) choose the events
    /// of every export but the dump and the claims CSV.
    ///
    /// Example: factline export --format csv -o story.csv
    ///
    /// Example: factline export --format html --actor witkoff --from 2025-11 -o witkoff.html
    Export(ExportArgs),
    /// Load an NDJSON dump or a CSV (timeline or claims). Importing twice changes nothing.
    ///
    /// Bad rows are reported as FILE:LINE and nothing is written unless
    /// --skip-bad is given. A CSV row with an id updates that event; one
    /// without is matched by date, title and actors (date and title in a
    /// file without an actors column), so re-imports do not duplicate. A
    /// column the header lacks leaves that field as it is. A second row for
    /// one event is a bad row, unless it is an exact copy of the first.
    ///
    /// Example: factline import sheet.csv --map title=Headline,date=Date
    Import(ImportArgs),
    /// Every version of a record: when each was recorded and what it changed.
    ///
    /// Example: factline history 2025-11-19-witkoff-zelenskyy-turkiye
    History(HistoryArgs),
    /// Hide a record from every query without deleting it; history keeps it.
    ///
    /// A retracted actor's or source's name is free again: typed later, it
    /// finds or creates a live record; only its id, typed as it is, still
    /// names the retracted one.
    ///
    /// Example: factline retract 2025-melania-trump-children-returned --reason "duplicate of another entry"
    Retract(RetractArgs),
    /// Copy the database, consistently, to a new directory (checked after copying).
    ///
    /// The copy is made while this process holds the database, so no writer
    /// can change it halfway. For moving data between factline versions or
    /// machines, prefer the NDJSON dump (`factline export`).
    ///
    /// Example: factline backup backups/story-2025-11-20
    Backup {
        /// The directory to create (must not exist, or be empty).
        dest: PathBuf,
    },
    /// Replace the database with a backup made by `factline backup`.
    ///
    /// The backup is checked first; the database it replaces is kept beside
    /// it as PATH.before-restore-TIME, never deleted.
    ///
    /// Example: factline restore backups/story-2025-11-20
    Restore {
        /// The backup directory.
        src: PathBuf,
    },
    /// Rewrite the database into fresh files, giving back the disk space that
    /// earlier writes left behind.
    ///
    /// The storage engine (sled) keeps the old versions of pages that imports,
    /// edits and repairs rewrite until it reuses their space, so a database
    /// grows past what it holds. Compacting copies every key into a new database, reads the copy
    /// back, and puts it in place of the old one (in one step where the system
    /// can swap two directories), while holding the database's lock. The
    /// content is unchanged: same records, history and answers.
    ///
    /// Example: factline --db story.db compact
    Compact,
    /// Counts, the date span, the busiest actors and the most contested claims.
    ///
    /// Example: factline stats --format json
    Stats,
    /// Full-text search over event titles and descriptions, claims and quotes,
    /// ignoring case and diacritics; best matches first.
    ///
    /// A number is one word however its digits are grouped: 19500, 19,500,
    /// 19.500 and "19 500" find each other.
    ///
    /// Example: factline search "deported children"
    Search {
        /// The words to find.
        text: String,
        /// At most this many results (at least 1).
        #[arg(long, default_value_t = 20, value_parser = at_least_one, allow_negative_numbers = true)]
        limit: usize,
    },
    /// Print a shell completion script.
    ///
    /// Example (bash): factline completions bash > ~/.local/share/bash-completion/completions/factline
    Completions {
        /// bash, zsh, fish, powershell or elvish.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff) for `man -l -`: factline's, or a command's.
    ///
    /// factline(1) lists the commands; each has its own page,
    /// factline-COMMAND(1) with its options, printed by `factline man
    /// COMMAND` (`factline man event add` prints factline-event-add(1)).
    ///
    /// Example: factline man | man -l -
    ///
    /// Example: factline man timeline | man -l -
    Man {
        /// The command whose page to print (timeline, event add);
        /// factline's own page when omitted.
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
    },
    /// Verify the database: records, indexes, pages, history and schema version.
    ///
    /// Example: factline check --repair
    ///
    /// Prints the problems found with the ids concerned; exit code 1 if any.
    /// With --repair, rebuilds the derived indexes and pages from the records
    /// (records and history are kept as they are), then checks again.
    Check {
        /// Rebuild derived indexes from the records.
        #[arg(long)]
        repair: bool,
    },
    /// Load the bundled example story (the US–Russia peace-plan talks, as reported in Nov 2025) and print its timeline.
    ///
    /// Running it twice changes nothing. A database that holds records of
    /// its own is refused, with nothing written (the example's actors and
    /// sources could share their names): give it a new directory with --db.
    ///
    /// Example: factline --db story.db example
    Example,
}

#[derive(Debug, Subcommand)]
pub enum ActorCommand {
    /// Add an actor and print its id.
    ///
    /// Example: factline actor add "Marco Rubio" --kind person --alias Rubio --role "US Secretary of State @ United States | 2025-01/.."
    Add(ActorAddArgs),
    /// Add another spelling of an actor's name.
    ///
    /// Example: factline actor alias umerov Umierov
    Alias {
        /// The actor: id, name or alias.
        actor: String,
        /// The new spelling.
        alias: String,
    },
    /// List actors.
    ///
    /// Example: factline actor list --format csv
    List,
    /// Show one actor with its roles and events.
    ///
    /// Example: factline actor show zelensky
    Show {
        /// The actor: id, name or alias (case and diacritics are ignored).
        actor: String,
    },
    /// Change an actor; the previous version is kept.
    ///
    /// An item given both to add and to remove (--add-alias Rubio
    /// --remove-alias Rubio) is refused.
    ///
    /// Example: factline actor edit witkoff --add-role "Special envoy to the Middle East"
    Edit(ActorEditArgs),
    /// Merge actor B into actor A: B's spellings become A's aliases, every
    /// event, claim and role naming B names A, and B is retracted (its
    /// history kept).
    ///
    /// Example: factline actor merge zelenskyy zelenskiy
    Merge {
        /// The actor that stays.
        into: String,
        /// The actor merged into it.
        from: String,
    },
}

#[derive(Debug, Args)]
pub struct ActorAddArgs {
    /// The actor's name as usually written.
    pub name: String,
    /// person, organization, country, media or other.
    #[arg(long, default_value = "person")]
    pub kind: String,
    /// Another spelling (repeatable).
    #[arg(long = "alias")]
    pub aliases: Vec<String>,
    /// A role: "TITLE", optionally "TITLE @ ACTOR" and "| DATE" (repeatable;
    /// a role given twice is kept once).
    #[arg(long = "role")]
    pub roles: Vec<String>,
    /// The id to use instead of one made from the name.
    #[arg(long)]
    pub id: Option<String>,
    /// A description.
    #[arg(long, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// Add the actor even if its name is close to an existing actor's.
    #[arg(long)]
    pub new_actor: bool,
}

#[derive(Debug, Args)]
pub struct ActorEditArgs {
    /// The actor: id, name or alias.
    pub actor: String,
    /// A new name (the old one stays as an alias).
    #[arg(long)]
    pub name: Option<String>,
    /// A new kind.
    #[arg(long)]
    pub kind: Option<String>,
    /// A new description.
    #[arg(long, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// Add a role: "TITLE", optionally "TITLE @ ACTOR" and "| DATE" (repeatable).
    /// A role the actor holds already is kept once; a role of itself is refused.
    #[arg(long = "add-role")]
    pub add_roles: Vec<String>,
    /// Remove a role, written as --add-role takes it: "TITLE @ ACTOR | DATE",
    /// or only as much of it as tells it from the actor's other roles, such
    /// as its title alone (repeatable).
    #[arg(long = "remove-role")]
    pub remove_roles: Vec<String>,
    /// Add a spelling (repeatable).
    #[arg(long = "add-alias")]
    pub add_aliases: Vec<String>,
    /// Remove a spelling (repeatable).
    #[arg(long = "remove-alias")]
    pub remove_aliases: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Add a source and print its id.
    ///
    /// Example: factline source add Reuters --url https://www.reuters.com
    Add {
        /// The source's name.
        name: String,
        /// Where it can be read.
        #[arg(long)]
        url: Option<String>,
        /// The id to use instead of one made from the name (not another source's name).
        #[arg(long)]
        id: Option<String>,
        /// Reliability on the Admiralty scale: A (reliable) … F (cannot be judged).
        #[arg(long)]
        grade: Option<String>,
    },
    /// List sources.
    ///
    /// Example: factline source list --format json
    List,
    /// Change a source; the previous version is kept.
    ///
    /// Example: factline source edit ria --grade D
    Edit {
        /// The source: id or name.
        source: String,
        /// A new name; refused when it already finds another source.
        #[arg(long)]
        name: Option<String>,
        /// A new URL; an empty value (--url "") or none removes it.
        #[arg(long)]
        url: Option<String>,
        /// Reliability on the Admiralty scale: A (reliable) … F (cannot be
        /// judged); an empty value (--grade "") or none removes it.
        #[arg(long)]
        grade: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClaimCommand {
    /// Add a claim and print its id.
    ///
    /// Example: factline claim add --by Dmitriev --text "The Russian position is being heard" --date 2025-11 --about 2025-10-24-miami-talks --source Axios --quote "we feel the Russian position is really being heard"
    Add(ClaimAddArgs),
    /// Show one claim with its sources, verdicts and contradictions: every
    /// claim it is in contradiction with, linked either way or by quantity.
    ///
    /// Example: factline claim show ukraine-19500-deported-children
    Show {
        /// The claim id.
        #[arg(value_parser = record_id)]
        claim: String,
    },
    /// Set a claim's verdict; earlier verdicts are kept.
    ///
    /// Example: factline claim rate russia-took-only-hundreds-of-children disputed --by isw --note "Russian data contradict it"
    Rate {
        /// The claim id.
        #[arg(value_parser = record_id)]
        claim: String,
        /// unverified, confirmed, disputed, false or misleading.
        verdict: String,
        /// The source the verdict rests on.
        #[arg(long, value_parser = source_named)]
        by: Option<String>,
        /// Why.
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
    },
    /// List claims (as `factline claims`).
    ///
    /// Example: factline claim list --verdict disputed
    List(ClaimsArgs),
}

#[derive(Debug, Args)]
pub struct ClaimAddArgs {
    /// Who made the claim (actor id, name or alias; created if unknown).
    #[arg(long, value_parser = actor_named)]
    pub by: String,
    /// The claim, in one line.
    #[arg(long, allow_hyphen_values = true)]
    pub text: String,
    /// When it was made (EDTF or a phrase).
    #[arg(long)]
    pub date: Option<String>,
    /// An event id or actor the claim is about (repeatable).
    #[arg(long, value_parser = about_id)]
    pub about: Vec<String>,
    /// A source reporting the claim (repeatable).
    #[arg(long = "source", value_parser = source_named)]
    pub sources: Vec<String>,
    /// The claimant's words.
    #[arg(long, allow_hyphen_values = true)]
    pub quote: Option<String>,
    /// The quantity's subject key, e.g. deported-ukrainian-children.
    #[arg(long, requires = "value")]
    pub subject: Option<String>,
    /// The number claimed, kept exactly as a number, not as its writing
    /// (0.50 is 0.5, 1e3 is 1000; at most 15 significant digits always
    /// are kept; a number that would change is refused).
    // Any value starting with a hyphen reaches factline's own check, so
    // that "-19,500" (a fall, as reports write it) is refused with a hint
    // on how to write it rather than taken for an unknown flag.
    #[arg(long, requires = "subject", allow_hyphen_values = true)]
    pub value: Option<String>,
    /// The number's unit, e.g. children.
    #[arg(long, requires = "value")]
    pub unit: Option<String>,
    /// A claim this one contradicts (repeatable).
    #[arg(long, value_parser = record_id)]
    pub contradicts: Vec<String>,
    /// A claim this one supports (repeatable); a different number for the
    /// same subject is then no contradiction. Not with --contradicts of the same claim.
    #[arg(long, value_parser = record_id)]
    pub supports: Vec<String>,
    /// The id to use instead of one made from the date and text.
    #[arg(long)]
    pub id: Option<String>,
    /// Create the claimant even when the name is close to a known actor's.
    #[arg(long)]
    pub new_actor: bool,
}

#[derive(Debug, Args)]
pub struct ClaimsArgs {
    /// Only claims by this actor.
    #[arg(long, value_parser = actor_named)]
    pub by: Option<String>,
    /// Only claims about this event or actor.
    #[arg(long, value_parser = about_id)]
    pub about: Option<String>,
    /// Only claims giving a quantity for this subject (as `claim add
    /// --subject` recorded it, the key `contradictions` compares numbers by).
    #[arg(long)]
    pub subject: Option<String>,
    /// Only claims with this verdict.
    #[arg(long)]
    pub verdict: Option<String>,
    /// Only claims in a contradiction.
    #[arg(long)]
    pub contradicted: bool,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The event or claim id.
    #[arg(value_parser = record_id)]
    pub id: String,
    /// Which kind of record, when an event and a claim share the id.
    #[arg(long, value_enum)]
    pub kind: Option<FactKind>,
    /// The source (id or name).
    pub source: String,
    /// Credibility of this report: 1 confirmed, 2 probably true, 3 possibly
    /// true, 4 doubtful, 5 improbable, 6 cannot be judged. An empty value
    /// (--credibility "") or none removes it: the report is not graded.
    #[arg(long)]
    pub credibility: Option<String>,
    /// The source this report repeats (so it does not count as independent);
    /// refused when that source repeats this one, directly or through others.
    /// An empty value (--via "") removes it: the report is its own origin again.
    #[arg(long)]
    pub via: Option<String>,
    /// The words of the report; an empty value removes them.
    #[arg(long, allow_hyphen_values = true)]
    pub quote: Option<String>,
    /// Where the report can be read; an empty value (--url "") or none
    /// removes it.
    #[arg(long)]
    pub url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Add an event and print its id.
    ///
    /// Unknown actor names create actors (said on stderr); a name close to a
    /// known actor is refused with a suggestion unless --new-actor is given.
    ///
    /// Example: factline event add --title "Witkoff and Dmitriev talks" --date "24-26 October 2025" --kind talks --place Miami --actor Witkoff --actor Dmitriev --source Axios
    Add(EventAddArgs),
    /// Show one event with its earlier versions.
    ///
    /// Example: factline event show 2025-11-19-witkoff-zelenskyy-turkiye
    Show {
        /// The event id.
        #[arg(value_parser = record_id)]
        event: String,
    },
    /// List events (in date order; see also `timeline`).
    ///
    /// Example: factline event list --format csv
    List,
    /// Change an event; the previous version is kept.
    ///
    /// An item given both to add and to remove (--add-tag keep --remove-tag
    /// keep) is refused.
    ///
    /// Example: factline event edit 2025-10-24-miami-talks --add-tag peace-talks
    Edit(EventEditArgs),
    /// Mark an event postponed, optionally with its new (tentative) date.
    ///
    /// The earlier date and status stay in the event's history. A new date
    /// that ends before the event's date starts is refused: moving an event
    /// earlier is `event reschedule`.
    ///
    /// Example: factline event postpone 2025-11-19-witkoff-zelenskyy-turkiye --source Axios
    Postpone(StatusChangeArgs),
    /// Mark an event cancelled.
    ///
    /// Example: factline event cancel 2025-11-19-witkoff-zelenskyy-turkiye
    Cancel(CancelArgs),
    /// Move an event to a new date (status `rescheduled`).
    ///
    /// Example: factline event reschedule 2025-11-19-witkoff-zelenskyy-turkiye --to 2025-11-24
    Reschedule(StatusChangeArgs),
}

#[derive(Debug, Args)]
pub struct StatusChangeArgs {
    /// The event id.
    #[arg(value_parser = record_id)]
    pub event: String,
    /// The new date (EDTF or a phrase): required by reschedule, optional for
    /// postpone.
    #[arg(long)]
    pub to: Option<String>,
    /// The source that reported the change (id or name), added to the
    /// event's sources: the history names it only when the event did not
    /// have it already.
    #[arg(long)]
    pub source: Option<String>,
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    /// The event id.
    #[arg(value_parser = record_id)]
    pub event: String,
    /// Not taken: a cancelled event keeps the date it was planned for. Kept
    /// (hidden) so that the refusal can say to use `event reschedule` or
    /// `event postpone --to` instead.
    #[arg(long, hide = true)]
    pub to: Option<String>,
    /// The source that reported the change (id or name), added to the
    /// event's sources: the history names it only when the event did not
    /// have it already.
    #[arg(long)]
    pub source: Option<String>,
}

#[derive(Debug, Args)]
pub struct EventAddArgs {
    /// What happened, in one line.
    #[arg(long, allow_hyphen_values = true)]
    pub title: String,
    /// When: EDTF (2025-10-24/2025-10-26, 2025-08, 2025~) or a phrase ("24-26 October 2025").
    #[arg(long)]
    pub date: String,
    /// meeting, talks, call, statement, announcement, report, military or other.
    #[arg(long, default_value = "other")]
    pub kind: String,
    /// occurred, scheduled, postponed, rescheduled, cancelled or reported.
    #[arg(long, default_value = "occurred")]
    pub status: String,
    /// Where it happened.
    #[arg(long, allow_hyphen_values = true)]
    pub place: Option<String>,
    /// A participant: id, name or alias (repeatable).
    #[arg(long = "actor", value_parser = actor_named)]
    pub actors: Vec<String>,
    /// A source: id or name (repeatable).
    #[arg(long = "source", value_parser = source_named)]
    pub sources: Vec<String>,
    /// A tag (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// A description.
    #[arg(long, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// The id to use instead of one made from the date and title.
    #[arg(long)]
    pub id: Option<String>,
    /// Create actors even when a name is close to a known actor's.
    #[arg(long)]
    pub new_actor: bool,
}

#[derive(Debug, Args)]
pub struct EventEditArgs {
    /// The event id.
    #[arg(value_parser = record_id)]
    pub event: String,
    #[arg(long, allow_hyphen_values = true)]
    pub title: Option<String>,
    /// A new date (EDTF or a phrase).
    #[arg(long)]
    pub date: Option<String>,
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub place: Option<String>,
    /// A new description.
    #[arg(long, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// Add a participant (repeatable).
    #[arg(long = "add-actor", value_parser = actor_named)]
    pub add_actors: Vec<String>,
    /// Remove a participant (repeatable).
    #[arg(long = "remove-actor", value_parser = actor_named)]
    pub remove_actors: Vec<String>,
    /// Add a source (repeatable).
    #[arg(long = "add-source", value_parser = source_named)]
    pub add_sources: Vec<String>,
    /// Remove a source (repeatable).
    #[arg(long = "remove-source", value_parser = source_named)]
    pub remove_sources: Vec<String>,
    /// Add a tag (repeatable).
    #[arg(long = "add-tag")]
    pub add_tags: Vec<String>,
    /// Remove a tag (repeatable).
    #[arg(long = "remove-tag")]
    pub remove_tags: Vec<String>,
    /// Create actors even when a name is close to a known actor's.
    #[arg(long)]
    pub new_actor: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("window").multiple(true).args(["from", "to", "on"])))]
pub struct TimelineArgs {
    /// Only events with this participant (id, name or alias).
    #[arg(long, value_parser = actor_named)]
    pub actor: Option<String>,
    /// Only events that may fall on or after this date (EDTF or a phrase).
    #[arg(long)]
    pub from: Option<String>,
    /// Only events that may fall on or before this date.
    #[arg(long)]
    pub to: Option<String>,
    /// Shorthand for --from D --to D.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub on: Option<String>,
    /// Only events certainly inside the window, not those that merely may
    /// overlap it. Needs a window: --from, --to or --on.
    #[arg(long, requires = "window")]
    pub strict: bool,
    /// Only events with this status.
    #[arg(long)]
    pub status: Option<String>,
    /// Only events of this kind.
    #[arg(long)]
    pub kind: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write here instead of stdout ("-" is stdout).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// For graph formats: only actors (default), or actors, events, sources
    /// and claims. Only --format dot, graphml and gexf take it.
    #[arg(long, value_enum)]
    pub graph: Option<GraphScope>,
    /// For CSV: the timeline of events (default) or the claims. Only
    /// --format csv takes it.
    #[arg(long, value_enum)]
    pub what: Option<CsvContent>,
    /// For SVG: the timeline (default) or the who-met graph. Only --format
    /// svg takes it (an HTML page shows both).
    #[arg(long, value_enum)]
    pub view: Option<PictureView>,
    /// For CSV: write cells exactly, without the `'` that keeps a spreadsheet
    /// from running a cell starting with = + - @ as a formula. Not for
    /// opening in spreadsheets. Only --format csv takes it.
    #[arg(long)]
    pub raw: bool,
    /// For CSV: start with a UTF-8 byte-order mark, so that Excel, which
    /// opens a CSV file by double-click in the computer's own code page,
    /// reads accented, Cyrillic and Arabic names right. factline's import
    /// reads such a file as it reads one without. Only --format csv and
    /// timelinejs-csv take it.
    #[arg(long)]
    pub bom: bool,
    /// Which events a timeline, picture or graph export holds (all by
    /// default): the options of `factline timeline`. The NDJSON dump and the
    /// claims CSV are always whole.
    #[command(flatten, next_help_heading = "Choosing events")]
    pub events: TimelineArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PictureView {
    /// Events on a time axis.
    Timeline,
    /// Who met whom.
    Graph,
}

impl PictureView {
    pub fn name(self) -> &'static str {
        match self {
            PictureView::Timeline => "timeline",
            PictureView::Graph => "graph",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvContent {
    /// One row per event: id,date,title,kind,status,place,actors,sources,tags,description.
    Timeline,
    /// One row per claim.
    Claims,
}

impl CsvContent {
    pub fn name(self) -> &'static str {
        match self {
            CsvContent::Timeline => "timeline",
            CsvContent::Claims => "claims",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphScope {
    /// Actors, an edge per meeting.
    Actors,
    /// Actors, events, sources and claims, with participation, reporting, claim and contradiction edges.
    Full,
}

impl GraphScope {
    pub fn name(self) -> &'static str {
        match self {
            GraphScope::Actors => "actors",
            GraphScope::Full => "full",
        }
    }
}

/// The date window shared by graph queries.
#[derive(Debug, Args)]
pub struct WindowArgs {
    /// Only meetings that may fall on or after this date (EDTF or a phrase).
    #[arg(long)]
    pub from: Option<String>,
    /// Only meetings that may fall on or before this date.
    #[arg(long)]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct WhoMetArgs {
    /// The actor (id, name or alias); every pair when omitted.
    pub actor: Option<String>,
    #[command(flatten)]
    pub window: WindowArgs,
    /// Count calls as meetings.
    #[arg(long)]
    pub include_calls: bool,
    /// List planned meetings (scheduled, postponed, rescheduled, cancelled) instead.
    #[arg(long)]
    pub planned: bool,
    /// One row per pair: number of meetings, first and last date.
    #[arg(long)]
    pub summary: bool,
}

#[derive(Debug, Args)]
pub struct PathArgs {
    /// Where the path starts (id, name or alias).
    pub from_actor: String,
    /// Where it ends.
    pub to_actor: String,
    #[command(flatten)]
    pub window: WindowArgs,
    /// The longest path to look for (at least 1).
    #[arg(long, default_value_t = 6, value_parser = at_least_one, allow_negative_numbers = true)]
    pub max_hops: usize,
    /// Also walk roles and affiliations (envoy of, minister of). With
    /// --from/--to, a dated role only if its span may overlap the window.
    #[arg(long)]
    pub ties: bool,
}

#[derive(Debug, Args)]
pub struct NetworkArgs {
    /// The actor at the centre (id, name or alias).
    pub actor: String,
    /// How many meetings away to look (at least 1).
    #[arg(long, default_value_t = 2, value_parser = at_least_one, allow_negative_numbers = true)]
    pub hops: usize,
    #[command(flatten)]
    pub window: WindowArgs,
    /// Also walk roles and affiliations. With --from/--to, a dated role
    /// only if its span may overlap the window.
    #[arg(long)]
    pub ties: bool,
}

/// The kinds of record that have sources: `link` and `sources` take these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FactKind {
    Event,
    Claim,
}

impl From<FactKind> for RecordKind {
    fn from(kind: FactKind) -> RecordKind {
        match kind {
            FactKind::Event => RecordKind::Event,
            FactKind::Claim => RecordKind::Claim,
        }
    }
}

/// The kinds of record an id can name: `history` and `retract` take any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordKind {
    Actor,
    Source,
    Event,
    Claim,
}

impl RecordKind {
    pub fn name(self) -> &'static str {
        match self {
            RecordKind::Actor => "actor",
            RecordKind::Source => "source",
            RecordKind::Event => "event",
            RecordKind::Claim => "claim",
        }
    }
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The record's id.
    #[arg(value_parser = record_id)]
    pub id: String,
    /// Which kind of record, when the id names more than one.
    #[arg(long, value_enum)]
    pub kind: Option<RecordKind>,
}

#[derive(Debug, Args)]
pub struct RetractArgs {
    /// The record's id.
    #[arg(value_parser = record_id)]
    pub id: String,
    /// Why it is retracted (kept in its history).
    #[arg(long, allow_hyphen_values = true)]
    pub reason: String,
    /// Which kind of record, when the id names more than one.
    #[arg(long, value_enum)]
    pub kind: Option<RecordKind>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file: an NDJSON dump or a CSV ("-" reads stdin, as a pipe given by its path is read, e.g. <(cut …); say which with --format).
    pub file: PathBuf,
    /// For CSV: the timeline of events (default) or claims.
    #[arg(long, value_enum)]
    pub what: Option<CsvContent>,
    /// For CSV: which column holds each field, e.g. title=Headline,date=Date.
    /// A list field (actors, sources, tags) may name several columns, whose
    /// cells are joined in that order: actors=Actor1Name,actors=Actor2Name.
    /// A column whose name holds a comma is quoted as a CSV quotes it:
    /// tags="Tags, themes". A sheet with TimelineJS's Year/Month/Day
    /// columns is read as such.
    #[arg(long, value_name = "FIELD=COLUMN,…")]
    pub map: Option<String>,
    /// For CSV: import the good rows and write the bad ones to a reject
    /// file. (A dump is imported whole or not at all.)
    #[arg(long)]
    pub skip_bad: bool,
    /// Where --skip-bad writes bad rows ("-" is stdout; default:
    /// FILE.rejects.csv; needed when the file is stdin).
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<PathBuf>,
    /// Check the file and report what would change, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// For CSV: how many bad rows to report before stopping the list
    /// (default 20, at least 1). A dump stops at its first bad line.
    #[arg(long, value_parser = at_least_one, allow_negative_numbers = true)]
    pub max_errors: Option<usize>,
}

/// A record's id as typed: without the white space around it, as new ids
/// (`--id`) and names are read, so that an id pasted from a sheet cell with
/// a trailing space finds its record.
fn record_id(text: &str) -> Result<String, String> {
    Ok(crate::model::trimmed(text).to_string())
}

/// An actor as a flag gives it (id, name or alias), refused when empty
/// here, so that the error names the flag: "an actor name cannot be empty"
/// alone left the user to find which of a command's flags was empty.
fn actor_named(text: &str) -> Result<String, String> {
    named(text, "an actor name")
}

/// A source as a flag gives it (id or name), refused when empty, as
/// [`actor_named`].
fn source_named(text: &str) -> Result<String, String> {
    named(text, "a source name")
}

/// What a claim is about (`--about`): an event's id or an actor, as typed
/// ([`record_id`]), refused when empty, as [`actor_named`].
fn about_id(text: &str) -> Result<String, String> {
    named(text, "an event id or actor name")?;
    record_id(text)
}

/// `text` as given, unless it is empty once the white space and the
/// invisible characters that no lookup reads are left out.
fn named(text: &str, what: &str) -> Result<String, String> {
    if crate::model::name_text(text).is_empty() {
        return Err(format!("{what} cannot be empty"));
    }
    Ok(text.to_string())
}

/// A number of seconds for `--wait`: finite and not negative (a `NaN` or a
/// negative wait has no meaning; `f64` alone would accept both).
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= 0.0 => Ok(secs),
        _ => Err(format!(
            "expected a number of seconds, 0 or more (such as 5 or 0.5), not '{text}'"
        )),
    }
}

/// A count of at least one: zero hops or results can only print nothing,
/// which reads as "nothing found". Said in those words (a ranged parser
/// would name its bound, `1..18446744073709551615`).
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(count) if count >= 1 => Ok(count),
        _ => Err("expected a whole number, at least 1".to_string()),
    }
}

/// A command line clap refused, as factline reports every error: one line
/// (exit code 2) naming the problem, with clap's suggestion ("did you mean
/// '--strict'?") and the help to read (`factline timeline --help`), built
/// from the error's kind and context rather than clap's several-line
/// rendering. Only for errors clap prints on stderr: help and version are
/// printed as clap writes them.
/// A missing required argument as a usage error names it: a flag with its
/// value (`--title <TITLE>`), a positional (`<TO_ACTOR>`), and a group of
/// which one is required, which clap shows as `<--from <FROM>|--to
/// <TO>|--on <ON>>`, as "one of --from, --to, --on".
fn required_shown(arg: &str) -> String {
    let group = arg
        .strip_prefix('<')
        .and_then(|a| a.strip_suffix('>'))
        .filter(|a| a.contains('|'));
    match group {
        Some(group) => {
            let flags: Vec<&str> = group
                .split('|')
                .map(|f| f.split_whitespace().next().unwrap_or(f))
                .collect();
            format!("one of {}", flags.join(", "))
        }
        None => arg.to_string(),
    }
}

pub fn usage_error(e: &clap::Error, args: &[std::ffi::OsString]) -> crate::error::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(list)) => Some(list.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let mut message = match e.kind() {
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("a value is required for '{arg}' but none was supplied")
        }
        ErrorKind::InvalidValue => format!("invalid value '{value}' for '{arg}'"),
        ErrorKind::ValueValidation => match std::error::Error::source(e) {
            Some(why) => format!("invalid value '{value}' for '{arg}': {why}"),
            None => format!("invalid value '{value}' for '{arg}'"),
        },
        ErrorKind::UnknownArgument => format!("unexpected argument '{arg}' found"),
        ErrorKind::InvalidSubcommand => format!(
            "unrecognized subcommand '{}'",
            text(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::MissingRequiredArgument => {
            let missing: Vec<String> = match e.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(list)) => {
                    list.iter().map(|a| required_shown(a)).collect()
                }
                _ => vec![required_shown(&arg)],
            };
            let mut message = format!("missing {}", missing.join(" and "));
            // A window is required only by --strict: say so, since the user
            // asked for no window.
            let strict = args.iter().any(|a| a == "--strict");
            if strict && missing.iter().any(|m| m.contains("--from")) {
                message.push_str(", which --strict needs");
            }
            message
        }
        ErrorKind::MissingSubcommand => format!(
            "'{}' requires a subcommand but one was not provided",
            text(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::ArgumentConflict => match text(ContextKind::PriorArg) {
            Some(prior) if prior == arg => {
                format!("the argument '{arg}' cannot be used multiple times")
            }
            Some(prior) => format!("the argument '{arg}' cannot be used with '{prior}'"),
            None => format!("the argument '{arg}' cannot be used with the other arguments given"),
        },
        ErrorKind::NoEquals => format!("'{arg}' needs its value after an equals sign"),
        ErrorKind::TooManyValues => {
            format!("unexpected value '{value}' for '{arg}' found; no more were expected")
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!(
            "wrong number of values for '{arg}': {} given",
            text(ContextKind::ActualNumValues).unwrap_or_default()
        ),
        other => match std::error::Error::source(e) {
            Some(why) => why.to_string(),
            None => other.as_str().unwrap_or("invalid command line").to_string(),
        },
    };
    let listed = match e.kind() {
        ErrorKind::MissingSubcommand => Some(("subcommands", ContextKind::ValidSubcommand)),
        _ => Some(("possible values", ContextKind::ValidValue)),
    };
    if let Some(list) = listed
        .and_then(|(name, kind)| Some((name, text(kind)?)))
        .filter(|(_, list)| !list.is_empty())
    {
        message.push_str(&format!("; {}: {}", list.0, list.1));
    }
    let suggested: Vec<String> = [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .filter_map(|kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(vec![s.clone()]),
        Some(ContextValue::Strings(list)) => Some(list.clone()),
        _ => None,
    })
    .flatten()
    .map(|s| format!("'{s}'"))
    .collect();
    if !suggested.is_empty() {
        message.push_str(&format!(" (did you mean {}?)", suggested.join(" or ")));
    }
    if let Some(ContextValue::StyledStrs(tips)) = e.get(ContextKind::Suggested) {
        for tip in tips {
            message.push_str(&format!(" (tip: {tip})"));
        }
    }
    let command = command_named(args);
    crate::error::Error::bad_input(format!("{message}; see '{command} --help'"))
}

/// The (sub)command that `args` run, as far as clap can tell despite the
/// error (`factline timeline`): the one whose `--help` explains it.
fn command_named(args: &[std::ffi::OsString]) -> String {
    use clap::CommandFactory;
    let mut names = vec!["factline".to_string()];
    if let Ok(matches) = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(args)
    {
        let mut matches = &matches;
        while let Some((name, sub)) = matches.subcommand() {
            if name == "help" {
                break;
            }
            names.push(name.to_string());
            matches = sub;
        }
    }
    names.join(" ")
}
