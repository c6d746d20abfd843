//! `idnsafe confusable [--json] [--level L] A B`: are two labels confusable,
//! and of which UTS #39 class?

use idnsafe_confusables::{Level, confusable_class, decode_label, key};

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
    /// How aggressively to match: uts39 (plain skeleton), domain (case-folded
    /// skeleton + supplementary homoglyphs) or loose (also diacritics, vv/w).
    #[arg(long, default_value = "domain")]
    pub level: String,
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
    let level: Level = args
        .level
        .parse()
        .map_err(|e: idnsafe_confusables::ConfusablesError| CliError::usage(e.message()))?;
    let a = label_arg(&args.a)?;
    let b = label_arg(&args.b)?;
    let class = confusable_class(&a, &b, level);
    if args.json {
        let out = serde_json::json!({
            "a": args.a,
            "b": args.b,
            "confusable": class.is_confusable(),
            "class": class.as_str(),
            "level": level.as_str(),
            "key_a": key(&a, level),
            "key_b": key(&b, level),
        });
        println!("{out}");
    } else if class.is_confusable() {
        println!("{} and {} are confusable ({}, level {level})", args.a, args.b, class.as_str());
    } else {
        println!("{} and {} are not confusable (level {level})", args.a, args.b);
    }
    Ok(())
}
