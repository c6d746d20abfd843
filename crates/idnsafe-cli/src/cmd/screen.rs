//! `idnsafe screen --policy FILE [--registered FILE] [--protect FILE]
//! [--registrant ID] [--language TAG] [--json] CANDIDATE...`:
//! pre-registration screening under a registry policy.

use std::ffi::OsString;
use std::io::{BufWriter, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use idnsafe::policy::{Decision, RegistryState, Request, Verdict};

use super::CliError;
use crate::io::BoundedLines;

#[derive(clap::Args)]
pub struct ScreenArgs {
    /// The registry policy: a bundled policy by name (`idnsafe policy list`) or a TOML file (see tables/policies/README.md).
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// Names already registered: a name list, a zone file, or CSV `name,registrant` with a header.
    #[arg(long, value_name = "FILE")]
    registered: Option<PathBuf>,
    /// Protected names (list or index), in addition to the policy's own.
    #[arg(long, value_name = "FILE")]
    protect: Option<PathBuf>,
    /// The registrant asking (variants and equivalents of its own names are allowed to it).
    #[arg(long, value_name = "ID")]
    registrant: Option<String>,
    /// The EPP `idn` language tag sent by the registrar (selects the IDN table).
    #[arg(long, value_name = "TAG")]
    language: Option<String>,
    /// Print one JSON object per candidate.
    #[arg(long)]
    json: bool,
    /// Decide without listing each candidate's bundle (faster for bulk checks).
    #[arg(long)]
    no_bundle: bool,
    /// Candidate names; read from standard input, one per line, when none are given.
    candidates: Vec<OsString>,
}

pub fn run(args: &ScreenArgs) -> Result<(), CliError> {
    let mut policy = super::load_policy(&args.policy)?;
    if let Some(p) = &args.protect {
        let level = policy.protected_tier().level();
        policy.set_protected(super::index::load_protected_at(p, Some(level))?);
    }
    let registered = match &args.registered {
        Some(p) => {
            let (names, errors) =
                idnsafe::ops::read_registered(p).map_err(|e| CliError::usage(e.to_string()))?;
            if errors > 0 {
                eprintln!("idnsafe screen: {}: {errors} unreadable lines skipped", p.display());
            }
            names
        }
        None => Vec::new(),
    };
    let state =
        RegistryState::build(&policy, registered.iter().map(|(n, r)| (n.as_str(), r.as_deref())));
    if !state.skipped().is_empty() {
        eprintln!(
            "idnsafe screen: {} registered names are not under this policy's zones and were skipped",
            state.skipped().len()
        );
    }
    let req = Request {
        registrant: args.registrant.as_deref(),
        language: args.language.as_deref(),
        without_bundle: args.no_bundle,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut counts = [0u64; 3];
    let mut emit = |d: Decision| -> Result<(), CliError> {
        counts[match d.decision {
            Verdict::Accept => 0,
            Verdict::Reject => 1,
            Verdict::Review => 2,
        }] += 1;
        if args.json {
            serde_json::to_writer(&mut out, &d).map_err(|e| CliError::usage(e.to_string()))?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}: {}", d.input, d.decision.as_str())?;
            for r in &d.reasons {
                writeln!(out, "  {} {}", r.code, r.message)?;
            }
            for b in &d.bundle {
                writeln!(out, "  bundle: {} ({})", b.label, b.status.as_str())?;
            }
            if d.bundle_truncated {
                writeln!(
                    out,
                    "  bundle: ... (more variant labels than the policy's bundle_limit)"
                )?;
            }
        }
        Ok(())
    };
    if args.candidates.is_empty() {
        // Bulk lists: batches screened in parallel, decisions in input order.
        // A reader keeps at most MAX_INPUT_BYTES + 1 bytes of a line, so an
        // over-long line is still refused as LINE_TOO_LONG.
        use rayon::prelude::*;
        const BATCH: usize = 4096;
        let stdin = std::io::stdin();
        for batch in crate::io::batches(
            BoundedLines::new(stdin.lock(), idnsafe::idna::MAX_INPUT_BYTES),
            BATCH,
        ) {
            let batch =
                batch.map_err(|e| CliError::usage(format!("cannot read standard input: {e}")))?;
            let decisions: Vec<Decision> = batch
                .par_iter()
                .map(|line| policy.screen(&state, &String::from_utf8_lossy(&line.bytes), req))
                .collect();
            for d in decisions {
                emit(d)?;
            }
        }
    } else {
        for c in &args.candidates {
            emit(policy.screen(&state, &String::from_utf8_lossy(c.as_bytes()), req))?;
        }
    }
    out.flush()?;
    eprintln!(
        "idnsafe screen: {} accepted, {} rejected, {} for review ({} registered names indexed, policy {})",
        counts[0],
        counts[1],
        counts[2],
        state.len(),
        policy.file().policy.name
    );
    Ok(())
}
