//! `idnsafe state import|export|rescreen`: the service's durable registry
//! state from the command line.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use super::CliError;

#[derive(clap::Args)]
pub struct StateArgs {
    #[command(subcommand)]
    command: StateCommand,
}

#[derive(clap::Subcommand)]
enum StateCommand {
    /// Seeds a state with existing registrations from a name list, a zone file or CSV
    /// `name,registrant` (with a header); the names are recorded, not screened.
    Import {
        /// The registry policy: a bundled name (`idnsafe policy list`) or a TOML file.
        #[arg(long, value_name = "FILE")]
        policy: PathBuf,
        /// The state: a directory or a postgres:// URL.
        #[arg(long, value_name = "DIR|URL")]
        state: String,
        /// The registrations.
        file: PathBuf,
    },
    /// Writes every registration as CSV `name,registrant` (with a header) to standard output.
    Export {
        /// The state: a directory or a postgres:// URL.
        #[arg(long, value_name = "DIR|URL")]
        state: String,
    },
    /// Screens every registration under a (new) policy against the others and prints those it
    /// would now reject or send to review, one JSON object a line; deletes nothing. With
    /// --accept, the state is then recorded as built under this policy, so `serve` starts.
    Rescreen {
        /// The registry policy: a bundled name (`idnsafe policy list`) or a TOML file.
        #[arg(long, value_name = "FILE")]
        policy: PathBuf,
        /// The state: a directory or a postgres:// URL.
        #[arg(long, value_name = "DIR|URL")]
        state: String,
        /// Record the policy as the state's afterwards.
        #[arg(long)]
        accept: bool,
    },
}

fn open(spec: &str) -> Result<Box<dyn idnsafe::store::Store>, CliError> {
    idnsafe::store::open(spec).map(|(w, _)| w).map_err(|e| CliError::usage(e.to_string()))
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub fn run(args: &StateArgs) -> Result<(), CliError> {
    match &args.command {
        StateCommand::Import { policy, state, file } => {
            let policy = super::load_policy(policy)?;
            let (names, errors) =
                idnsafe::ops::read_registered(file).map_err(|e| CliError::usage(e.to_string()))?;
            let mut store = open(state)?;
            let r = idnsafe::registry::import(&policy, store.as_mut(), &names, "cli")
                .map_err(|e| CliError::usage(e.to_string()))?;
            eprintln!(
                "idnsafe state import: {} registrations imported, {} duplicates and {} names outside the policy's zones skipped, {errors} unreadable lines",
                r.imported, r.duplicates, r.outside_zones
            );
            Ok(())
        }
        StateCommand::Export { state } => {
            let mut store = open(state)?;
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            writeln!(out, "name,registrant")?;
            let mut err = None;
            store
                .registrations(&mut |r| {
                    if err.is_none()
                        && let Err(e) = writeln!(
                            out,
                            "{},{}",
                            csv_field(&r.name),
                            csv_field(r.registrant.as_deref().unwrap_or(""))
                        )
                    {
                        err = Some(e);
                    }
                })
                .map_err(|e| CliError::usage(e.to_string()))?;
            if let Some(e) = err {
                return Err(e.into());
            }
            out.flush()?;
            Ok(())
        }
        StateCommand::Rescreen { policy, state, accept } => {
            let policy = super::load_policy(policy)?;
            let mut store = open(state)?;
            let found = idnsafe::registry::rescreen(&policy, store.as_mut(), *accept)
                .map_err(|e| CliError::usage(e.to_string()))?;
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            for f in &found {
                serde_json::to_writer(&mut out, f).map_err(|e| CliError::usage(e.to_string()))?;
                writeln!(out)?;
            }
            out.flush()?;
            eprintln!(
                "idnsafe state rescreen: {} registrations the policy {} would now reject or review{}",
                found.len(),
                policy.file().policy.name,
                if *accept { "; the state now records this policy" } else { "" }
            );
            Ok(())
        }
    }
}
