//! `idnsafe confusable [--json] [--tier T] A B`: are two labels confusable,
//! at which tier, with what evidence, and of which UTS #39 class?

use super::CliError;

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

pub fn run(args: &ConfusableArgs) -> Result<(), CliError> {
    let (shown_level, tier) = super::level_and_tier(&args.tier, args.level.as_deref())?;
    let level = args.level.as_ref().map(|_| shown_level);
    let c = idnsafe::ops::compare(&args.a, &args.b, tier, level)
        .map_err(|e| CliError::usage(e.to_string()))?;
    if args.json {
        // Through a JSON value: object keys come out sorted, as they always have.
        let out = serde_json::to_value(&c).map_err(|e| CliError::usage(e.to_string()))?;
        println!("{out}");
    } else {
        println!("{}", c.describe(tier));
    }
    Ok(())
}
