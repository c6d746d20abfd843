//! `idnsafe generate [--json] [--policy FILE] [--registrable-only] [--max N]
//! [--level L] TARGET`: lookalikes of a label or of a name, most plausible
//! first. For a name (`paypal.com`, `www.bbc.co.uk`) only the label left of
//! the public suffix varies; `ulabel`/`alabel` are the whole name and
//! `label` the varied label.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use idnsafe::generate::{GenerateOptions, Lookalike, generate};

use super::CliError;

#[derive(clap::Args)]
pub struct GenerateArgs {
    /// Print one JSON object per lookalike.
    #[arg(long)]
    json: bool,
    /// A registry policy (a bundled name or a TOML file): `registrable` follows its rules, `flagged` its screen.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Only lookalikes the policy (or IDNA2008, without one) would accept.
    #[arg(long)]
    registrable_only: bool,
    /// Most lookalikes produced.
    #[arg(long, default_value_t = 100)]
    max: usize,
    /// Tier at which a candidate counts as `flagged` without a policy: identical or lookalike
    /// (the default, as for protected names).
    #[arg(long, default_value = "lookalike")]
    tier: String,
    /// Older spelling, kept as an alias: uts39, domain (= identical) or loose (= lookalike).
    #[arg(long)]
    level: Option<String>,
    /// The label or name to imitate (U-labels or A-labels): `paypal`,
    /// `paypal.com`, `www.bbc.co.uk` (only `bbc` varies).
    target: String,
}

pub fn run(args: &GenerateArgs) -> Result<(), CliError> {
    let (shown, tier) = super::level_and_tier(&args.tier, args.level.as_deref())?;
    let level = if args.level.is_some() { shown } else { tier.level() };
    let policy = match &args.policy {
        Some(p) => Some(super::load_policy(p)?),
        None => None,
    };
    if idnsafe::generate::target_parts(&args.target).is_none() {
        return Err(CliError::usage(format!(
            "GENERATE_TARGET_INVALID: {:?} has no label to vary: it is empty, too long, has an \
             empty or invalid label, or is itself a public suffix (such as co.uk).",
            args.target
        )));
    }
    let opts = GenerateOptions {
        level,
        max: args.max,
        policy: policy.as_ref(),
        registrable_only: args.registrable_only,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut err: Option<std::io::Error> = None;
    let mut holes = 0usize;
    let n = generate(&args.target, &opts, |l: &Lookalike| {
        if l.registrable && !l.flagged {
            holes += 1;
        }
        if err.is_some() {
            return;
        }
        let r = if args.json {
            serde_json::to_writer(&mut out, l)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(out))
        } else {
            let subs: Vec<String> = l
                .substitutions
                .iter()
                .map(|s| {
                    format!("{} -> {}", idnsafe::idna::u_plus(s.from), idnsafe::idna::u_plus(s.to))
                })
                .collect();
            writeln!(
                out,
                "{}\t{}\t{}\tscore={} registrable={} flagged={}",
                l.ulabel,
                l.alabel,
                subs.join(", "),
                l.score,
                l.registrable,
                l.flagged
            )
        };
        if let Err(e) = r {
            err = Some(e);
        }
    });
    if let Some(e) = err {
        return Err(e.into());
    }
    out.flush()?;
    eprintln!(
        "idnsafe generate: {n} lookalikes of {}; {holes} registrable and not flagged",
        args.target
    );
    Ok(())
}
