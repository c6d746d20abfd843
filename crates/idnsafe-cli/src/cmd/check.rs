//! `idnsafe check [--json] NAME...`: IDNA2008 registration validity, per
//! label, with every violation.

use std::ffi::OsString;
use std::io::{BufWriter, Write};
use std::os::unix::ffi::OsStrExt;

use idnsafe::idna::{LabelReport, MAX_INPUT_BYTES, Violation, u_plus};
use idnsafe::{Checker, LabelCheck, NameCheck};

use super::CliError;
use crate::io::BoundedLines;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Print one JSON object per input line instead of the human report.
    #[arg(long)]
    json: bool,
    /// Protected names (a list, one per line with # comments, or an index from `idnsafe index build`):
    /// labels that look like one are reported (`confusable_with`, warning CONFUSABLE_PROTECTED).
    #[arg(long, value_name = "FILE")]
    protect: Option<std::path::PathBuf>,
    /// Weakest tier at which protected names are reported: identical (the case-folded UTS #39
    /// skeleton), lookalike (plus diacritics, glyph-derived and curated homoglyphs) or near
    /// (one edit more, labels of 6+ characters).
    #[arg(long, default_value = "lookalike")]
    tier: String,
    /// Older spelling, kept as an alias: uts39 or domain (= --tier identical, skeletons at that
    /// level) or loose (= --tier lookalike, skeletons at lookalike).
    #[arg(long)]
    level: Option<String>,
    /// Names to check; read from standard input, one per line, when none are given.
    names: Vec<OsString>,
}

pub fn run(args: &CheckArgs) -> Result<(), CliError> {
    let (level, tier) = super::level_and_tier(&args.tier, args.level.as_deref())?;
    let mut checker = Checker::new().with_level(level).with_tier(tier);
    if let Some(p) = &args.protect {
        checker = checker.with_protected(super::index::load_protected_list_at(p, tier.level())?);
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut emit = |r: NameCheck| -> Result<(), CliError> {
        if args.json {
            serde_json::to_writer(&mut out, &r).map_err(|e| CliError::usage(e.to_string()))?;
            writeln!(out)?;
        } else {
            write_human(&mut out, &r)?;
        }
        Ok(())
    };
    if args.names.is_empty() {
        // Lines are checked in parallel batches; output keeps input order.
        use rayon::prelude::*;
        const BATCH: usize = 4096;
        let stdin = std::io::stdin();
        for batch in crate::io::batches(BoundedLines::new(stdin.lock(), MAX_INPUT_BYTES), BATCH) {
            let batch =
                batch.map_err(|e| CliError::usage(format!("cannot read standard input: {e}")))?;
            let results: Vec<NameCheck> = batch
                .par_iter()
                .map(|line| {
                    if line.total_len > MAX_INPUT_BYTES {
                        checker.line_too_long(&line.bytes, line.total_len)
                    } else {
                        checker.check_line(&line.bytes)
                    }
                })
                .collect();
            for r in results {
                emit(r)?;
            }
        }
    } else {
        for name in &args.names {
            emit(checker.check_line(name.as_bytes()))?;
        }
    }
    out.flush()?;
    Ok(())
}

fn char_name(c: char) -> String {
    match unicode_names2::name(c) {
        Some(n) => n.to_string(),
        None => match c as u32 {
            0..=0x1F | 0x7F..=0x9F => "<control>".to_owned(),
            _ => "<unnamed>".to_owned(),
        },
    }
}

fn script_name(c: char) -> &'static str {
    use icu_properties::props::Script;
    use icu_properties::{CodePointMapData, PropertyNamesShort};
    let s = CodePointMapData::<Script>::new().get(c);
    PropertyNamesShort::<Script>::new().get(s).unwrap_or("Zzzz")
}

fn write_violation(out: &mut impl Write, v: &Violation, indent: &str) -> std::io::Result<()> {
    let place = match (v.position(), v.codepoint()) {
        (Some(p), Some(c)) => format!(" (position {p}, {})", u_plus(c)),
        _ => String::new(),
    };
    writeln!(out, "{indent}error {}{place}: {}", v.code(), v.message())
}

fn write_label(
    out: &mut impl Write,
    i: usize,
    l: &LabelReport,
    extra: Option<&LabelCheck>,
) -> std::io::Result<()> {
    let status = if l.is_ok() { "ok" } else { "REJECTED" };
    writeln!(
        out,
        "  label {}: U-label {}  A-label {}  [{status}]",
        i + 1,
        l.ulabel().unwrap_or("(undecodable)"),
        l.alabel().unwrap_or("(unencodable)")
    )?;
    if let Some(u) = l.ulabel() {
        for c in u.chars() {
            let shown = if c.is_control() { ' ' } else { c };
            writeln!(out, "    {:<8} {shown}  {}  [{}]", u_plus(c), char_name(c), script_name(c))?;
        }
    }
    for v in l.errors() {
        write_violation(out, v, "    ")?;
    }
    if let Some(a) = extra.and_then(LabelCheck::script) {
        let scripts = if a.scripts.is_empty() { "(mixed)".to_owned() } else { a.scripts.join(" ") };
        writeln!(
            out,
            "    scripts: {scripts}; label script: {}; restriction level: {}",
            a.label_script, a.restriction_level
        )?;
    }
    if let Some(k) = extra.and_then(LabelCheck::skeleton) {
        writeln!(out, "    skeleton: {k}")?;
    }
    for w in extra.map(LabelCheck::warnings).unwrap_or(&[]) {
        writeln!(out, "    warning {}: {}", w.code, w.message)?;
    }
    Ok(())
}

fn write_human(out: &mut impl Write, r: &NameCheck) -> std::io::Result<()> {
    let idna = r.idna();
    let verdict =
        if r.is_ok() { "valid for registration (IDNA2008)" } else { "NOT valid for registration" };
    writeln!(out, "{}: {verdict}", idna.input())?;
    for v in idna.errors() {
        write_violation(out, v, "  ")?;
    }
    for (i, l) in idna.labels().iter().enumerate() {
        write_label(out, i, l, r.labels().get(i))?;
    }
    writeln!(out)
}
