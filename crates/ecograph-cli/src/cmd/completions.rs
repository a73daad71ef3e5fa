//! `ecograph completions`.

use crate::common::{Exit, Fail, write_output_with};
use clap_complete::Shell;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: Shell,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// Writes the completion script of `command` (the whole command line, from
/// `main`) for the chosen shell: subcommands, flags and their documented
/// values, so the script is always the command line of this build.
pub fn run(args: Args, mut command: clap::Command) -> Result<Exit, Fail> {
    let name = command.get_name().to_owned();
    write_output_with(args.out.as_deref(), |w| {
        clap_complete::generate(args.shell, &mut command, name, w);
        Ok(())
    })?;
    Ok(Exit::Ok)
}
