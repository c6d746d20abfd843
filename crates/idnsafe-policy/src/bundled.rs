//! The policies and LGRs compiled into the crate (see `build.rs`): the
//! files of `tables/policies/` under the key `policies/<path>` and those of
//! `tables/lgr/` under `lgr/<path>`, gzip-compressed.

use std::io::Read;

include!(concat!(env!("OUT_DIR"), "/bundled_files.rs"));

/// The bundled file `key` (the list is sorted by key).
fn entry(key: &str) -> Option<&'static (&'static str, &'static [u8])> {
    FILES.get(FILES.binary_search_by(|(k, _)| (*k).cmp(key)).ok()?)
}

/// The bundled key equal to `key`, as a `'static` string.
pub(crate) fn key(key: &str) -> Option<&'static str> {
    entry(key).map(|(k, _)| *k)
}

/// Largest bundled file accepted when decompressing (our own data; a bound
/// all the same).
const MAX_BUNDLED_BYTES: u64 = 64 << 20;

/// The decompressed text of bundled file `key` (`policies/<path>` or
/// `lgr/<path>`), if there is one.
pub fn read(key: &str) -> Option<String> {
    let (_, gz) = entry(key)?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(*gz).take(MAX_BUNDLED_BYTES).read_to_string(&mut text).ok()?;
    Some(text)
}

/// The names of the bundled policies (`policies/<name>.toml`), sorted.
pub fn policy_names() -> Vec<&'static str> {
    FILES
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("policies/")?.strip_suffix(".toml"))
        .filter(|n| !n.contains('/'))
        .collect()
}

/// Every bundled file's key with its compressed size in bytes.
pub fn files() -> impl Iterator<Item = (&'static str, usize)> {
    FILES.iter().map(|(k, v)| (*k, v.len()))
}

/// The TOML text of bundled policy `name`.
pub fn policy_text(name: &str) -> Option<String> {
    read(&format!("policies/{name}.toml"))
}

/// The text of `tables/lgr/SOURCES.md` as bundled (where each shipped LGR
/// comes from).
pub fn lgr_sources() -> Option<String> {
    read("lgr/SOURCES.md")
}
