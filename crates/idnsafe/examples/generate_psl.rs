//! Writes `tables/psl/public_suffix_list.dat`, the compact Public Suffix
//! List that `idnsafe::psl` embeds, from the copy in the shared data
//! directory (`$IDNSAFE_SHARED_DATA/psl/public_suffix_list.dat`, default
//! `<repo>/../shared/data`). Run by hand when that copy is updated:
//!
//! ```text
//! cargo run -p idnsafe --example generate_psl
//! ```
//!
//! The output keeps the list's licence notice (MPL-2.0), its `VERSION` and
//! `COMMIT` lines and the section markers; it drops every other comment and
//! blank line and keeps each rule's first word only.

use std::fmt::Write as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let src = idnsafe_tests::data_file("psl/public_suffix_list.dat");
    let text = std::fs::read_to_string(&src)?;
    let mut licence = Vec::new();
    let mut meta = Vec::new();
    let mut body = String::new();
    let mut rules = 0usize;
    let mut in_sections = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(c) = line.strip_prefix("//") {
            let c = c.trim();
            if c.starts_with("===BEGIN ") || c.starts_with("===END ") {
                in_sections = true;
                writeln!(body, "// {c}")?;
            } else if c.starts_with("VERSION:") || c.starts_with("COMMIT:") {
                meta.push(format!("// {c}"));
            } else if !in_sections && meta.is_empty() && !c.is_empty() {
                // The licence notice heads the file, before VERSION.
                licence.push(format!("// {c}"));
            }
            continue;
        }
        if let Some(rule) = line.split_whitespace().next() {
            writeln!(body, "{rule}")?;
            rules += 1;
        }
    }
    if meta.is_empty() || rules == 0 {
        return Err(format!("{}: no VERSION line or no rules", src.display()).into());
    }
    let mut out = String::new();
    for l in &licence {
        writeln!(out, "{l}")?;
    }
    writeln!(out, "//")?;
    writeln!(
        out,
        "// The Public Suffix List, https://publicsuffix.org/list/public_suffix_list.dat,"
    )?;
    writeln!(
        out,
        "// rules only (comments other than this header and the section markers dropped)."
    )?;
    for m in &meta {
        writeln!(out, "{m}")?;
    }
    writeln!(out, "// Source: shared data psl/public_suffix_list.dat (PyPI publicsuffixlist).")?;
    writeln!(
        out,
        "// Written by `cargo run -p idnsafe --example generate_psl`; do not edit by hand."
    )?;
    out.push_str(&body);
    let dst = idnsafe_tests::repo_file("tables/psl/public_suffix_list.dat");
    if let Some(dir) = dst.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&dst, out)?;
    eprintln!("{rules} rules written to {}", dst.display());
    Ok(())
}
