//! `ecograph`: check, query, draw and analyse ecosystem models.

mod cmd;
mod common;

use clap::{CommandFactory, Parser, Subcommand};
use common::{Exit, Fail};
use std::process::ExitCode;

/// The command line: subcommands and their arguments.
#[derive(Debug, Parser)]
#[command(
    name = "ecograph",
    version,
    about = "Model an ecosystem as a typed graph: check it, query it, draw it, and ask what a change affects",
    after_help = "Exit codes: 0 success, 1 invalid model, 2 usage or I/O error, 3 a --fail-on / --fail-on-breach / fmt --check gate fired.\nModel format: docs/format.md. Every file written is written atomically.",
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate models and report every problem (exit 1 when a model is invalid).
    Check(cmd::check::Args),
    /// Show one element with its relations.
    Show(cmd::show::Args),
    /// List elements, filtered by kind, tag or status.
    List(cmd::list::Args),
    /// The shortest chain of relations between two elements.
    Path(cmd::path::Args),
    /// Print a model as canonical JSON, or rewrite the file in place with --write.
    Fmt(cmd::fmt::Args),
    /// Print the JSON Schema of the model format.
    Schema(cmd::schema::Args),
    /// Draw views as SVG, Graphviz DOT or Mermaid.
    Render(cmd::render::Args),
    /// What a change affects: elements, confidence, witness paths and owners
    /// (exit 3 when --fail-on fires).
    Impact(cmd::impact::Args),
    /// Why a change to one element affects another, or why it does not.
    Why(cmd::why::Args),
    /// What changed between two versions of a model.
    Diff(cmd::diff::Args),
    /// Dates, conflicts, critical path and slack of the work plan; delays, late tasks
    /// and a Gantt chart (exit 3 when --fail-on-breach fires).
    Schedule(cmd::schedule::Args),
    /// Write a model as an ArchiMate exchange file (for Archi), Archi's CSV or GraphML.
    Export(cmd::export::Args),
    /// Read an ArchiMate exchange file or Archi's CSV into a model file.
    Import(cmd::import::Args),
    /// Write one self-contained, interactive HTML report of a model.
    Report(cmd::report::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(cmd::completions::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { Exit::Usage as u8 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Check(a) => cmd::check::run(a),
        Command::Show(a) => cmd::show::run(a),
        Command::List(a) => cmd::list::run(a),
        Command::Path(a) => cmd::path::run(a),
        Command::Fmt(a) => cmd::fmt::run(a),
        Command::Schema(a) => cmd::schema::run(a),
        Command::Render(a) => cmd::render::run(a),
        Command::Impact(a) => cmd::impact::run(a),
        Command::Why(a) => cmd::why::run(a),
        Command::Diff(a) => cmd::diff::run(a),
        Command::Schedule(a) => cmd::schedule::run(a),
        Command::Export(a) => cmd::export::run(a),
        Command::Import(a) => cmd::import::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Completions(a) => cmd::completions::run(a, Cli::command()),
    };
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(Fail { exit, message }) => {
            if !message.is_empty() {
                common::eprint_line(&format!("error: {message}"));
            }
            ExitCode::from(exit as u8)
        }
    }
}
