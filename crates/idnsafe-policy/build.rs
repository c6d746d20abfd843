//! Embeds the bundled policies (`tables/policies/`) and the LGRs they use
//! (`tables/lgr/`, written by `scripts/bundle-lgrs.sh`) into the crate,
//! each gzip-compressed, so an installed `idnsafe` runs `--policy cn`
//! without the repository. Generates `$OUT_DIR/bundled_files.rs`: a sorted
//! list of (key, compressed bytes), keys `policies/<path>` and `lgr/<path>`.

use std::io::Write;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "toml" || e == "txt" || e == "xml" || e == "md")
        {
            out.push(p);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let tables = manifest.join("../../tables");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let gz_dir = out_dir.join("bundled");
    std::fs::create_dir_all(&gz_dir).expect("create OUT_DIR/bundled");
    let mut list = String::from(
        "/// (key, gzip bytes), sorted by key.\npub(crate) static FILES: &[(&str, &[u8])] = &[\n",
    );
    let mut entries = Vec::new();
    for (prefix, sub) in [("policies", "policies"), ("lgr", "lgr")] {
        let root = tables.join(sub);
        println!("cargo:rerun-if-changed={}", root.display());
        let mut files = Vec::new();
        walk(&root, &mut files);
        for f in files {
            let rel =
                f.strip_prefix(&root).expect("under root").to_string_lossy().replace('\\', "/");
            entries.push((format!("{prefix}/{rel}"), f));
        }
    }
    entries.sort();
    for (i, (key, f)) in entries.iter().enumerate() {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let gz = gz_dir.join(format!("{i}.gz"));
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&data).expect("compress");
        std::fs::write(&gz, enc.finish().expect("compress")).expect("write OUT_DIR/bundled");
        list.push_str(&format!("    ({key:?}, include_bytes!({:?})),\n", gz.display().to_string()));
    }
    list.push_str("];\n");
    std::fs::write(out_dir.join("bundled_files.rs"), list).expect("write bundled_files.rs");
}
