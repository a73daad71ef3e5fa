//! `ecograph schema`.

use crate::common::{Exit, Fail, json_out, write_output};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    write_output(
        args.out.as_deref(),
        &json_out(&ecograph_core::json_schema()),
    )?;
    Ok(Exit::Ok)
}
