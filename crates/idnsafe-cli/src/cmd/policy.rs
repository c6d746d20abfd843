//! `idnsafe policy list|show`: the registry policies compiled into the
//! binary (`tables/policies/`, with the LGRs of `tables/lgr/`).

use std::io::Write;

use idnsafe::policy::{Policy, bundle};

use super::CliError;

/// `idnsafe policy ...` subcommands.
#[derive(clap::Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(clap::Subcommand)]
enum PolicyCommand {
    /// The bundled policies: name, registry, zones, scripts, tables and their versions.
    List(ListArgs),
    /// A bundled policy's TOML and the sources it and its tables cite.
    Show(ShowArgs),
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// One JSON object per policy instead of the table.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// The sources as one JSON object (policy text, sources, tables) instead of the TOML.
    #[arg(long)]
    json: bool,
    /// The policy's name (`idnsafe policy list`).
    name: String,
}

/// Runs `idnsafe policy ...`.
pub fn run(args: &PolicyArgs) -> Result<(), CliError> {
    match &args.command {
        PolicyCommand::List(a) => run_list(a),
        PolicyCommand::Show(a) => run_show(a),
    }
}

fn load(name: &str) -> Result<Policy, CliError> {
    Policy::bundled(name).map_err(|e| CliError::usage(e.to_string()))
}

/// One table of a policy: id, file, LGR version, LGR date.
fn tables(p: &Policy) -> Vec<serde_json::Value> {
    p.tables()
        .map(|(id, file, lgr)| {
            serde_json::json!({
                "id": id,
                "file": file.display().to_string(),
                "version": lgr.metadata().version,
                "date": lgr.metadata().date,
                "unicode_version": lgr.metadata().unicode_version,
            })
        })
        .collect()
}

fn summary(name: &str, p: &Policy) -> serde_json::Value {
    let f = p.file();
    serde_json::json!({
        "name": name,
        "description": f.policy.description,
        "zones": f.policy.zones,
        "scripts": f.scripts.allowed,
        "tables": tables(p),
    })
}

pub fn run_list(args: &ListArgs) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    for name in bundle::policy_names() {
        let p = load(name)?;
        let s = summary(name, &p);
        if args.json {
            writeln!(out, "{s}")?;
            continue;
        }
        let f = p.file();
        let scripts = if f.scripts.allowed.is_empty() {
            "any".to_owned()
        } else {
            f.scripts.allowed.join(" ")
        };
        writeln!(out, "{name}: zones {}; scripts {scripts}", f.policy.zones.join(" "))?;
        writeln!(out, "  {}", f.policy.description)?;
        for (id, file, lgr) in p.tables() {
            let m = lgr.metadata();
            writeln!(
                out,
                "  table {id}: {} (version {}, {})",
                file.display(),
                m.version.as_deref().unwrap_or("-"),
                m.date.as_deref().unwrap_or("no date")
            )?;
        }
    }
    Ok(())
}

pub fn run_show(args: &ShowArgs) -> Result<(), CliError> {
    let p = load(&args.name)?;
    let text = bundle::policy_text(&args.name).unwrap_or_default();
    // The rows of tables/lgr/SOURCES.md for the tables this policy uses.
    let sources = bundle::lgr_sources().unwrap_or_default();
    let table_rows: Vec<String> = p
        .tables()
        .filter_map(|(_, file, _)| {
            let rel = file.display().to_string();
            let rel = rel.strip_prefix("(bundled)/lgr/")?.to_owned();
            sources.lines().find(|l| l.starts_with(&format!("| `{rel}` "))).map(str::to_owned)
        })
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut s = summary(&args.name, &p);
        s["sources"] = serde_json::json!(p.file().policy.sources);
        s["table_sources"] = serde_json::json!(table_rows);
        s["toml"] = serde_json::json!(text);
        writeln!(out, "{s}")?;
        return Ok(());
    }
    out.write_all(text.as_bytes())?;
    if !table_rows.is_empty() {
        writeln!(out, "\n# Tables shipped in tables/lgr/ (see tables/lgr/SOURCES.md):")?;
        writeln!(out, "# | file | source file | version | date | Unicode | source SHA-256 |")?;
        for r in table_rows {
            writeln!(out, "# {r}")?;
        }
    }
    Ok(())
}
