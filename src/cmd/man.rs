//! `factline man [COMMAND…]`: the man page of factline, or of one of its
//! commands (`factline man event add` is factline-event-add(1)), made by
//! clap_mangen from the same definitions as `--help`.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{Error, Result};

pub fn run(path: &[String]) -> Result<()> {
    // Built as clap_mangen builds the pages it names: each subcommand's
    // page is titled by its display name (factline-timeline), and `help`
    // is no command with a page.
    let mut top = Cli::command().disable_help_subcommand(true);
    top.build();
    let mut page = &top;
    for name in path {
        let name = crate::model::trimmed(name);
        page = match page
            .get_subcommands()
            .find(|sub| sub.get_name() == name && !sub.is_hide_set())
        {
            Some(sub) => sub,
            None => return Err(no_page(page, name)),
        };
    }
    // A command's page is from the same factline as the top page (which
    // clap_mangen would give as "timeline ", the subcommand's own name
    // and no version).
    let source = format!("factline {}", top.get_version().unwrap_or_default());
    let mut roff = Vec::new();
    clap_mangen::Man::new(page.clone())
        .source(source)
        .render(&mut roff)?;
    crate::output::stdout().write_all(&roff)?;
    Ok(())
}

/// The error of `factline man … NAME` where the command has no subcommand
/// NAME: which ones it has.
fn no_page(command: &clap::Command, name: &str) -> Error {
    let of = command.get_bin_name().unwrap_or(command.get_name());
    let subcommands: Vec<&str> = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .map(|sub| sub.get_name())
        .collect();
    if subcommands.is_empty() {
        return Error::bad_input(format!(
            "no man page for {name:?}: '{of}' has no subcommands; its page is 'factline man {}'",
            of.trim_start_matches("factline").trim()
        ));
    }
    Error::bad_input(format!(
        "no man page for {name:?}: '{of}' has no such command; its commands are {}",
        subcommands.join(", ")
    ))
}
