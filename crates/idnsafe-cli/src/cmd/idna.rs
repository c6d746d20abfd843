//! `idnsafe idna derive`: the RFC 5892 derived property of every code point,
//! in the line format of Unicode's `Idna2008.txt`.

use std::io::{BufWriter, Write};

use super::CliError;

#[derive(clap::Args)]
pub struct IdnaArgs {
    #[command(subcommand)]
    command: IdnaCommand,
}

#[derive(clap::Subcommand)]
enum IdnaCommand {
    /// Print the derived property of every code point (`0000..002C ; DISALLOWED`, ranges merged).
    Derive,
}

pub fn run(args: &IdnaArgs) -> Result<(), CliError> {
    match args.command {
        IdnaCommand::Derive => derive(),
    }
}

fn derive() -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    writeln!(
        out,
        "# IDNA2008 derived property (RFC 5892 §3), computed by idnsafe {} from Unicode {} properties",
        env!("CARGO_PKG_VERSION"),
        idnsafe::idna::UNICODE_VERSION
    )?;
    for (lo, hi, p) in idnsafe::idna::derived_ranges() {
        let range = if lo == hi { format!("{lo:04X}") } else { format!("{lo:04X}..{hi:04X}") };
        writeln!(out, "{range:<12}; {}", p.as_str())?;
    }
    out.flush()?;
    Ok(())
}
