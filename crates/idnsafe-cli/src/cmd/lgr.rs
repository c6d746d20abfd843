//! `idnsafe lgr validate|check|stats` and `idnsafe variants`: RFC 7940 LGRs.
//!
//! Wiring (for main.rs / Cargo.toml): needs `idnsafe-lgr.workspace = true`
//! and `idna.workspace = true` (A-label conversion; to be swapped for
//! `idnsafe_idna`).

use std::io::{BufRead, BufWriter, Read, Write};
use std::path::PathBuf;

use idnsafe::lgr::{Lgr, Severity, VariantOptions};

use super::CliError;

/// `idnsafe lgr ...` subcommands.
#[derive(clap::Args)]
pub struct LgrArgs {
    #[command(subcommand)]
    command: LgrCommand,
}

#[derive(clap::Subcommand)]
enum LgrCommand {
    /// Check an LGR file like ICANN's tool: references, symmetry, transitivity, repertoire validity.
    Validate(ValidateArgs),
    /// Disposition and variant index key of labels under an LGR.
    Check(CheckArgs),
    /// Size and shape of an LGR.
    Stats(StatsArgs),
    /// Write an LGR (RFC 7940 XML or a legacy table) as RFC 7940 XML on standard output.
    Write(WriteArgs),
    /// The names of a file that are variants of each other under an LGR, grouped by index label.
    Collisions(CollisionsArgs),
    /// Repertoire elements that are not PVALID under IDNA2008 (or CONTEXTJ/O without a rule).
    IdnaCompliance(IdnaComplianceArgs),
    /// Two LGRs compared: their difference (metadata, repertoire, variants, types, rules,
    /// actions), or their union or intersection written as an LGR.
    Compare(CompareArgs),
    /// Merge script LGRs into one set LGR (as the Root Zone's common LGR is made).
    MergeSet(MergeSetArgs),
    /// IDN table review: a table against a reference LGR, with a verdict (JSON or HTML too).
    Review(ReviewArgs),
    /// Make the variant sets of two LGRs that share code points consistent; writes both.
    Harmonize(HarmonizeArgs),
}

/// Runs `idnsafe lgr ...`.
pub fn run(args: &LgrArgs) -> Result<(), CliError> {
    match &args.command {
        LgrCommand::Validate(a) => run_validate(a),
        LgrCommand::Check(a) => run_check(a),
        LgrCommand::Stats(a) => run_stats(a),
        LgrCommand::Write(a) => run_write(a),
        LgrCommand::Collisions(a) => run_collisions(a),
        LgrCommand::IdnaCompliance(a) => run_idna_compliance(a),
        LgrCommand::Compare(a) => run_compare(a),
        LgrCommand::MergeSet(a) => run_merge_set(a),
        LgrCommand::Review(a) => run_review(a),
        LgrCommand::Harmonize(a) => run_harmonize(a),
    }
}

/// Longest accepted input line (a label is at most 63 octets as an A-label;
/// a U-label in UTF-8 is at most 4 bytes per code point).
const MAX_LINE: usize = 1024;

#[derive(clap::Args)]
pub struct ValidateArgs {
    /// Print the diagnostics as one JSON object.
    #[arg(long)]
    json: bool,
    /// The LGR (RFC 7940 XML).
    file: PathBuf,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The LGR file (RFC 7940 XML, or a legacy table).
    #[arg(long)]
    lgr: PathBuf,
    /// One JSON object per label instead of the human report.
    #[arg(long)]
    json: bool,
    /// Labels (U-label or A-label); read from standard input when none are given.
    labels: Vec<String>,
}

#[derive(clap::Args)]
pub struct VariantsArgs {
    /// The LGR file (RFC 7940 XML, or a legacy table).
    #[arg(long)]
    lgr: PathBuf,
    /// One JSON object per label instead of the human report.
    #[arg(long)]
    json: bool,
    /// Most variant labels listed per label.
    #[arg(long, default_value_t = 1000)]
    limit: u64,
    /// List only allocatable (or activated) variant labels.
    #[arg(long)]
    allocatable_only: bool,
    /// Also list variant labels whose disposition is `invalid` (left out by
    /// default, as ICANN's reference engine does; `invalid_omitted` counts them).
    #[arg(long)]
    include_invalid: bool,
    /// Labels (U-label or A-label); read from standard input when none are given.
    labels: Vec<String>,
}

#[derive(clap::Args)]
pub struct StatsArgs {
    /// Print as JSON.
    #[arg(long)]
    json: bool,
    /// The LGR file.
    file: PathBuf,
}

#[derive(clap::Args)]
pub struct WriteArgs {
    /// Leave out the description and every comment: keep the repertoire,
    /// variants, classes, rules, actions and identifying metadata.
    #[arg(long)]
    facts_only: bool,
    /// Print one JSON object (source, sizes and the XML) instead of the XML.
    #[arg(long)]
    json: bool,
    /// The LGR file (RFC 7940 XML, or a legacy table).
    file: PathBuf,
}

#[derive(clap::Args)]
pub struct CollisionsArgs {
    /// The LGR file (RFC 7940 XML, or a legacy table).
    #[arg(long)]
    lgr: PathBuf,
    /// One JSON object per line (each group, each label outside the LGR, each error) instead of
    /// the human report.
    #[arg(long)]
    json: bool,
    /// Registered names: a name list, CSV or zone file, gzip or not (each name's first label).
    file: PathBuf,
}

#[derive(clap::Args)]
pub struct IdnaComplianceArgs {
    /// The Unicode version of the IDNA2008 derived property (RFC 5892). Only the version
    /// idnsafe's tables are built from is available.
    #[arg(long, default_value = idnsafe::idna::UNICODE_VERSION)]
    unicode: String,
    /// One JSON object instead of the human report.
    #[arg(long)]
    json: bool,
    /// The LGR file (RFC 7940 XML, or a legacy table).
    file: PathBuf,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("mode").args(["diff", "union", "intersect"])))]
pub struct CompareArgs {
    /// A structured difference (the default).
    #[arg(long)]
    diff: bool,
    /// The union of the two, as an LGR (RFC 7940 XML on standard output, or --out).
    #[arg(long)]
    union: bool,
    /// The intersection of the two, as an LGR.
    #[arg(long)]
    intersect: bool,
    /// With --union or --intersect: write the LGR to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// With --union or --intersect: leave out the description and every comment.
    #[arg(long)]
    facts_only: bool,
    /// One JSON object instead of the human report (with --union or --intersect, the
    /// report of what was made; then --out is required).
    #[arg(long)]
    json: bool,
    /// The first LGR.
    first: PathBuf,
    /// The second LGR.
    second: PathBuf,
}

#[derive(clap::Args)]
pub struct MergeSetArgs {
    /// Write the merged LGR to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Leave out the description and every comment.
    #[arg(long)]
    facts_only: bool,
    /// The report of what was made as one JSON object (--out is required).
    #[arg(long)]
    json: bool,
    /// The script LGRs (each with its language tag in its metadata).
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

#[derive(clap::Args)]
pub struct ReviewArgs {
    /// The reference LGR (e.g. ICANN's Second-Level Reference LGR for the table's language).
    #[arg(long)]
    reference: PathBuf,
    /// One JSON object instead of the human report.
    #[arg(long, conflicts_with = "html")]
    json: bool,
    /// A self-contained HTML page instead of the human report.
    #[arg(long)]
    html: bool,
    /// The table under review.
    table: PathBuf,
}

#[derive(clap::Args)]
pub struct HarmonizeArgs {
    /// Directory for the two harmonised LGRs (`<name>.harmonized.xml`); created if missing.
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// Leave out the description and every comment in the written LGRs.
    #[arg(long)]
    facts_only: bool,
    /// The report as one JSON object (without the XML) instead of text.
    #[arg(long)]
    json: bool,
    /// The first LGR.
    first: PathBuf,
    /// The second LGR.
    second: PathBuf,
}

fn load(path: &PathBuf) -> Result<Lgr, CliError> {
    Lgr::from_path(path).map_err(|e| CliError::usage(format!("{}: {e}", path.display())))
}

fn inputs(
    labels: &[String],
    mut f: impl FnMut(&str) -> Result<(), CliError>,
) -> Result<(), CliError> {
    if !labels.is_empty() {
        for l in labels {
            f(l)?;
        }
        return Ok(());
    }
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = Read::by_ref(&mut lock).take(MAX_LINE as u64 + 1).read_until(b'\n', &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        if buf.len() > MAX_LINE && buf.last() != Some(&b'\n') {
            // Skip the rest of an over-long line, then report it.
            let mut sink = Vec::new();
            lock.read_until(b'\n', &mut sink)?;
            f("\u{FFFD}(line too long)")?;
            continue;
        }
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\n', '\r']);
        if !line.trim().is_empty() {
            f(line)?;
        }
    }
}

pub fn run_validate(args: &ValidateArgs) -> Result<(), CliError> {
    let xml = std::fs::read_to_string(&args.file)
        .map_err(|e| CliError::usage(format!("{}: {e}", args.file.display())))?;
    let file = args.file.display().to_string();
    let v = idnsafe::ops::lgr_validate(&file, &xml);
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &v).map_err(|e| CliError::usage(e.to_string()))?;
        writeln!(out)?;
    } else {
        if let Some(r) = v.variant_relation {
            let yes = |b: bool| if b { "yes" } else { "NO" };
            writeln!(
                out,
                "{file}: variant relation: symmetric {}, transitive {}, contextual {}, sequences {}; index keys exact: {}",
                yes(r.symmetric),
                yes(r.transitive),
                yes(r.contextual),
                yes(r.has_sequences),
                yes(r.is_equivalence())
            )?;
        }
        for d in &v.diagnostics {
            let sev = if d.severity == Severity::Error { "error" } else { "warning" };
            writeln!(out, "{file}:{}:{}: {sev} {}: {}", d.line, d.column, d.code, d.message)?;
        }
        let errors = v.errors();
        writeln!(out, "{file}: {errors} errors, {} warnings", v.diagnostics.len() - errors)?;
    }
    out.flush()?;
    if v.usable {
        Ok(())
    } else {
        Err(CliError::usage(format!("{file}: the LGR has errors and cannot be used")))
    }
}

pub fn run_check(args: &CheckArgs) -> Result<(), CliError> {
    let lgr = load(&args.lgr)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    inputs(&args.labels, |input| {
        let rec = idnsafe::ops::lgr_check(&lgr, input);
        if args.json {
            writeln!(out, "{rec}")?;
        } else {
            let reasons: Vec<String> = rec["reasons"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|r| {
                            format!(
                                "{}: {}",
                                r["code"].as_str().unwrap_or(""),
                                r["message"].as_str().unwrap_or("")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            writeln!(
                out,
                "{}\t{}\t{}",
                input,
                rec["disposition"].as_str().unwrap_or(""),
                reasons.join("; ")
            )?;
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(())
}

pub fn run_variants(args: &VariantsArgs) -> Result<(), CliError> {
    let lgr = load(&args.lgr)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    let opts = VariantOptions { limit: args.limit, allocatable_only: args.allocatable_only };
    inputs(&args.labels, |input| {
        let rec = idnsafe::ops::lgr_variants(&lgr, input, opts.clone(), args.include_invalid);
        if args.json {
            writeln!(out, "{rec}")?;
        } else {
            writeln!(
                out,
                "{}\t{}\t{} variants (count {}{}{})",
                input,
                rec["disposition"].as_str().unwrap_or(""),
                rec["total"],
                rec["count"].as_str().unwrap_or("-"),
                match rec["invalid_omitted"].as_u64() {
                    Some(n) if n > 0 => format!(", {n} invalid not listed"),
                    _ => String::new(),
                },
                if rec["truncated"].as_bool() == Some(true) { ", truncated" } else { "" }
            )?;
            for v in rec["variants"].as_array().into_iter().flatten() {
                writeln!(
                    out,
                    "  {}\t{}\t{}",
                    v["ulabel"].as_str().unwrap_or(""),
                    v["alabel"].as_str().unwrap_or(""),
                    v["disposition"].as_str().unwrap_or("")
                )?;
            }
            if let Some(e) = rec.get("error") {
                writeln!(
                    out,
                    "  error {}: {}",
                    e["code"].as_str().unwrap_or(""),
                    e["message"].as_str().unwrap_or("")
                )?;
            }
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(())
}

pub fn run_stats(args: &StatsArgs) -> Result<(), CliError> {
    let lgr = load(&args.file)?;
    let s = lgr.stats();
    let m = lgr.metadata();
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        writeln!(out, "{}", idnsafe::ops::lgr_stats(&args.file.display().to_string(), &lgr))?;
    } else {
        writeln!(out, "file:              {}", args.file.display())?;
        writeln!(out, "version:           {}", m.version.as_deref().unwrap_or("-"))?;
        writeln!(out, "date:              {}", m.date.as_deref().unwrap_or("-"))?;
        writeln!(out, "languages:         {}", m.languages.join(" "))?;
        writeln!(out, "unicode-version:   {}", m.unicode_version.as_deref().unwrap_or("-"))?;
        writeln!(out, "code points:       {}", s.code_points)?;
        writeln!(out, "sequences:         {}", s.sequences)?;
        writeln!(out, "variant mappings:  {}", s.variant_mappings)?;
        writeln!(out, "variant types:     {}", s.variant_types.join(" "))?;
        writeln!(out, "rules:             {}", s.rules)?;
        writeln!(out, "classes:           {}", s.classes)?;
        writeln!(out, "actions:           {}", s.actions)?;
        writeln!(
            out,
            "variant relation:  symmetric={} transitive={} contextual={} equivalence={}",
            s.relation.symmetric,
            s.relation.transitive,
            s.relation.contextual,
            s.relation.is_equivalence()
        )?;
        writeln!(out, "warnings:          {}", lgr.diagnostics().len())?;
    }
    out.flush()?;
    Ok(())
}

pub fn run_write(args: &WriteArgs) -> Result<(), CliError> {
    let lgr = load(&args.file)?;
    let name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let opts = idnsafe::lgr::WriteOptions {
        facts_only: args.facts_only,
        source_note: Some(format!("Written by idnsafe lgr write from {name}")),
    };
    let xml = lgr.to_xml(&opts);
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        let v = serde_json::json!({
            "source": args.file.display().to_string(),
            "facts_only": args.facts_only,
            "version": lgr.metadata().version,
            "bytes": xml.len(),
            "repertoire": lgr.repertoire().len(),
            "sequences": lgr.sequences().count(),
            "xml": xml,
        });
        writeln!(out, "{v}")?;
    } else {
        out.write_all(xml.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

pub fn run_collisions(args: &CollisionsArgs) -> Result<(), CliError> {
    let lgr = load(&args.lgr)?;
    let r = idnsafe::ops::lgr_collisions(&lgr, &args.file)
        .map_err(|e| CliError::usage(e.to_string()))?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    let c = &r.collisions;
    for g in &c.groups {
        if args.json {
            let v = serde_json::json!({"kind": "collision", "index": g.index, "labels": g.labels});
            writeln!(out, "{v}")?;
        } else {
            writeln!(out, "collision {} (index {})", g.labels.join(" "), g.index)?;
        }
    }
    for (kind, list) in [("not_in_lgr", &c.not_in_lgr), ("error", &r.errors)] {
        for n in list {
            if args.json {
                let v = serde_json::json!({"kind": kind, "label": n.label, "code": n.code, "message": n.message});
                writeln!(out, "{v}")?;
            } else {
                writeln!(out, "{kind} {} | {}: {}", n.label, n.code, n.message)?;
            }
        }
    }
    out.flush()?;
    let in_groups: usize = c.groups.iter().map(|g| g.labels.len()).sum();
    eprintln!(
        "idnsafe lgr collisions: {} distinct labels, {} collision groups ({} labels), {} not in the LGR, {} errors",
        c.labels,
        c.groups.len(),
        in_groups,
        c.not_in_lgr.len(),
        r.errors.len()
    );
    Ok(())
}

pub fn run_idna_compliance(args: &IdnaComplianceArgs) -> Result<(), CliError> {
    let ours = idnsafe::idna::UNICODE_VERSION;
    let asked = args.unicode.trim_end_matches(".0");
    if asked != ours.trim_end_matches(".0") {
        return Err(CliError::usage(format!(
            "UNICODE_VERSION_UNSUPPORTED: the IDNA2008 derived property is available for Unicode {ours} only (idnsafe derives it from that version's data), not {}",
            args.unicode
        )));
    }
    let lgr = load(&args.file)?;
    let c = lgr.idna_compliance();
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        let v = serde_json::to_value(&c).map_err(|e| CliError::usage(e.to_string()))?;
        writeln!(out, "{v}")?;
    } else {
        for n in &c.non_compliant {
            writeln!(out, "{} {} | {}: {}", n.cp, n.idna_property, n.code, n.message)?;
        }
        writeln!(
            out,
            "{}: {} of {} repertoire elements not compliant with IDNA2008 (Unicode {})",
            args.file.display(),
            c.non_compliant.len(),
            c.checked,
            c.unicode_version
        )?;
    }
    out.flush()?;
    Ok(())
}

/// Writes a composed LGR (to `out` or standard output) and its report (JSON
/// on standard output, or text on standard error).
fn emit_composed(
    what: &str,
    made: Result<idnsafe::lgr::Composed, idnsafe::lgr::ComposeError>,
    out_path: Option<&PathBuf>,
    json: bool,
) -> Result<(), CliError> {
    let c = made.map_err(|e| CliError::usage(e.to_string()))?;
    match out_path {
        Some(p) => std::fs::write(p, &c.xml)
            .map_err(|e| CliError::usage(format!("cannot write {}: {e}", p.display())))?,
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            out.write_all(c.xml.as_bytes())?;
            out.flush()?;
        }
    }
    if json {
        let v = serde_json::json!({
            "lgr": out_path.map(|p| p.display().to_string()),
            "summary": c.summary,
            "conflicts": c.conflicts,
        });
        let mut out = BufWriter::new(std::io::stdout().lock());
        writeln!(out, "{v}")?;
        out.flush()?;
        return Ok(());
    }
    let mut err = std::io::stderr().lock();
    let s = &c.summary;
    writeln!(
        err,
        "{what}: {} elements, {} mappings ({} added for transitivity), {} rules ({} renamed), {} actions; {} conflicts",
        s.elements,
        s.mappings,
        s.mappings_added,
        s.rules,
        s.rules_renamed.len(),
        s.actions,
        c.conflicts.len()
    )?;
    for k in &c.conflicts {
        let target = if k.target.is_empty() { String::new() } else { format!(" -> {}", k.target) };
        writeln!(
            err,
            "  {} {}{target}: kept '{}', left out '{}'",
            k.code, k.element, k.kept, k.dropped
        )?;
    }
    Ok(())
}

pub fn run_merge_set(args: &MergeSetArgs) -> Result<(), CliError> {
    if args.json && args.out.is_none() {
        return Err(CliError::usage("--json needs --out for the merged LGR".to_owned()));
    }
    let lgrs = args.files.iter().map(load).collect::<Result<Vec<_>, _>>()?;
    let refs: Vec<&Lgr> = lgrs.iter().collect();
    let opts = idnsafe::lgr::ComposeOptions { facts_only: args.facts_only };
    emit_composed("merged set", idnsafe::lgr::merge_set(&refs, opts), args.out.as_ref(), args.json)
}

pub fn run_compare(args: &CompareArgs) -> Result<(), CliError> {
    let (a, b) = (load(&args.first)?, load(&args.second)?);
    if args.union || args.intersect {
        if args.json && args.out.is_none() {
            return Err(CliError::usage("--json needs --out for the LGR".to_owned()));
        }
        let opts = idnsafe::lgr::ComposeOptions { facts_only: args.facts_only };
        let (what, made) = if args.union {
            ("union", a.union(&b, opts))
        } else {
            ("intersection", a.intersect(&b, opts))
        };
        return emit_composed(what, made, args.out.as_ref(), args.json);
    }
    let d = a.diff(&b);
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        let v = serde_json::to_value(&d).map_err(|e| CliError::usage(e.to_string()))?;
        writeln!(out, "{v}")?;
        out.flush()?;
        return Ok(());
    }
    let (na, nb) = (args.first.display().to_string(), args.second.display().to_string());
    writeln!(out, "first: {na}\nsecond: {nb}")?;
    if d.identical {
        writeln!(out, "identical")?;
        out.flush()?;
        return Ok(());
    }
    for f in &d.metadata {
        if f.field == "references" {
            let n = |s: &str| if s.is_empty() { 0 } else { s.split(" | ").count() };
            writeln!(
                out,
                "metadata references differ ({} / {}; --json lists them)",
                n(&f.first),
                n(&f.second)
            )?;
        } else {
            writeln!(out, "metadata {}: {:?} / {:?}", f.field, f.first, f.second)?;
        }
    }
    let lists: [(&str, &Vec<String>); 8] = [
        ("code points only in the first", &d.repertoire_only_first),
        ("code points only in the second", &d.repertoire_only_second),
        ("sequences only in the first", &d.sequences_only_first),
        ("sequences only in the second", &d.sequences_only_second),
        ("tags differ", &d.tags_differ),
        ("contexts differ", &d.contexts_differ),
        ("variant types only in the first", &d.variant_types_only_first),
        ("variant types only in the second", &d.variant_types_only_second),
    ];
    for (what, v) in lists {
        if !v.is_empty() {
            writeln!(out, "{what} ({}): {}", v.len(), v.join(", "))?;
        }
    }
    for (what, v) in [
        ("variant mappings only in the first", &d.variants_only_first),
        ("variant mappings only in the second", &d.variants_only_second),
    ] {
        if !v.is_empty() {
            writeln!(out, "{what} ({}):", v.len())?;
            for m in v {
                let ctx =
                    if m.context.is_empty() { String::new() } else { format!(" {}", m.context) };
                writeln!(out, "  {} -> {} [{}]{ctx}", m.source, m.target, m.types)?;
            }
        }
    }
    for (what, v) in [
        ("rules only in the first", &d.rules_only_first),
        ("rules only in the second", &d.rules_only_second),
    ] {
        if !v.is_empty() {
            writeln!(out, "{what}: {}", v.join(", "))?;
        }
    }
    for r in &d.rules_differ {
        writeln!(
            out,
            "rule {} differs:\n  first:  {}\n  second: {}",
            r.name,
            r.first.trim().replace('\n', " "),
            r.second.trim().replace('\n', " ")
        )?;
    }
    if !d.actions_first.is_empty() || !d.actions_second.is_empty() {
        writeln!(
            out,
            "actions differ:\n  first:  {}\n  second: {}",
            d.actions_first.join(" "),
            d.actions_second.join(" ")
        )?;
    }
    out.flush()?;
    Ok(())
}

pub fn run_review(args: &ReviewArgs) -> Result<(), CliError> {
    let (t, r) = (load(&args.table)?, load(&args.reference)?);
    let rev = t.review(&r);
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        let v = serde_json::to_value(&rev).map_err(|e| CliError::usage(e.to_string()))?;
        writeln!(out, "{v}")?;
    } else if args.html {
        let page =
            rev.to_html(&args.table.display().to_string(), &args.reference.display().to_string());
        out.write_all(page.as_bytes())?;
    } else {
        writeln!(out, "{}", rev.summary)?;
        for (what, v) in [
            ("added", &rev.repertoire_added),
            ("missing", &rev.repertoire_missing),
            ("sequences added", &rev.sequences_added),
            ("sequences missing", &rev.sequences_missing),
        ] {
            if !v.is_empty() {
                writeln!(out, "  {what}: {}", v.join(", "))?;
            }
        }
        for v in &rev.variant_sets_differ {
            writeln!(
                out,
                "  variant set of {}: table {{{}}}, reference {{{}}}",
                v.element,
                v.table.join(", "),
                v.reference.join(", ")
            )?;
        }
        for m in &rev.missing_symmetric {
            writeln!(out, "  no symmetric mapping for {} -> {} [{}]", m.source, m.target, m.types)?;
        }
        for m in &rev.missing_reflexive {
            writeln!(out, "  reflexive mapping missing: {} [{}]", m.source, m.types)?;
        }
    }
    out.flush()?;
    Ok(())
}

pub fn run_harmonize(args: &HarmonizeArgs) -> Result<(), CliError> {
    let (a, b) = (load(&args.first)?, load(&args.second)?);
    let opts = idnsafe::lgr::WriteOptions { facts_only: args.facts_only, source_note: None };
    let h = idnsafe::lgr::harmonize(&a, &b, &opts);
    std::fs::create_dir_all(&args.out_dir)
        .map_err(|e| CliError::usage(format!("cannot create {}: {e}", args.out_dir.display())))?;
    let target = |p: &PathBuf| {
        let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        args.out_dir.join(format!("{stem}.harmonized.xml"))
    };
    let (ta, tb) = (target(&args.first), target(&args.second));
    if ta == tb {
        return Err(CliError::usage("the two LGRs have the same file name; rename one".to_owned()));
    }
    for (path, xml) in [(&ta, &h.first_xml), (&tb, &h.second_xml)] {
        std::fs::write(path, xml)
            .map_err(|e| CliError::usage(format!("cannot write {}: {e}", path.display())))?;
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        let v = serde_json::json!({
            "first": ta.display().to_string(),
            "second": tb.display().to_string(),
            "elements_added_first": h.elements_added_first,
            "elements_added_second": h.elements_added_second,
            "added_first": h.added_first,
            "added_second": h.added_second,
            "review_first": h.review_first,
            "review_second": h.review_second,
        });
        writeln!(out, "{v}")?;
    } else {
        for (path, elems, added, review) in [
            (&ta, &h.elements_added_first, &h.added_first, &h.review_first),
            (&tb, &h.elements_added_second, &h.added_second, &h.review_second),
        ] {
            writeln!(
                out,
                "{}: {} elements and {} mappings added; {} code points only in this LGR, for manual review",
                path.display(),
                elems.len(),
                added.len(),
                review.len()
            )?;
            for m in added {
                writeln!(out, "  added {} -> {} [{}]", m.source, m.target, m.types)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
