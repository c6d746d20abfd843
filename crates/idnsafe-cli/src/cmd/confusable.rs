//! `idnsafe confusable [--json] [--tier T] A B`: are two labels confusable,
//! at which tier, with what evidence, and of which UTS #39 class?

use idnsafe_confusables::{confusable_class, decode_label, explain, key};

use super::CliError;

/// Longest label text accepted on the command line (a name is at most 253
/// octets; the slack allows U-labels written with multi-byte characters).
const MAX_ARG_LEN: usize = 1024;

/// Compare two labels.
#[derive(clap::Args, Debug)]
pub struct ConfusableArgs {
    /// Print one JSON object instead of a sentence.
    #[arg(long)]
    pub json: bool,
    /// Weakest tier reported: identical (case-folded UTS #39 skeleton), lookalike (also
    /// diacritics, glyph-derived and curated homoglyphs; the default) or near (one edit more).
    #[arg(long, default_value = "lookalike")]
    pub tier: String,
    /// Older spelling, kept as an alias: uts39 or domain (= --tier identical) or loose
    /// (= --tier lookalike); the keys shown are at this level.
    #[arg(long)]
    pub level: Option<String>,
    /// The first label (U-label or A-label).
    pub a: String,
    /// The second label (U-label or A-label).
    pub b: String,
}

fn label_arg(s: &str) -> Result<String, CliError> {
    if s.len() > MAX_ARG_LEN {
        return Err(CliError::usage(format!(
            "a label argument is longer than {MAX_ARG_LEN} octets"
        )));
    }
    decode_label(s).map_err(|e| CliError::usage(e.message()))
}

pub fn run(args: &ConfusableArgs) -> Result<(), CliError> {
    let (shown_level, tier) = super::level_and_tier(&args.tier, args.level.as_deref())?;
    let a = label_arg(&args.a)?;
    let b = label_arg(&args.b)?;
    // `--level uts39` keeps its meaning: the plain, case-sensitive skeleton.
    let plain = shown_level == idnsafe_confusables::Level::Uts39;
    let evidence =
        explain(&a, &b, tier).filter(|_| !plain || key(&a, shown_level) == key(&b, shown_level));
    // Keys and class at the level of the match (or of the tier asked for);
    // `--level` picks the level of the keys shown.
    let level = match (&args.level, &evidence) {
        (Some(_), _) => shown_level,
        (None, Some(e)) => e.tier.level(),
        (None, None) => tier.level(),
    };
    let class = confusable_class(&a, &b, level);
    if args.json {
        let out = serde_json::json!({
            "a": args.a,
            "b": args.b,
            "confusable": evidence.is_some(),
            "tier": evidence.as_ref().map(|e| e.tier),
            "class": class.as_str(),
            "level": level.as_str(),
            "key_a": key(&a, level),
            "key_b": key(&b, level),
            "differences": evidence.as_ref().map(|e| &e.differences),
        });
        println!("{out}");
    } else if let Some(e) = &evidence {
        println!("{} and {} are confusable ({}, {})", args.a, args.b, class.as_str(), e.describe());
    } else {
        println!("{} and {} are not confusable (up to tier {tier})", args.a, args.b);
    }
    Ok(())
}
