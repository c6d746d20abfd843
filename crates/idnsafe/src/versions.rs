//! The versions of every data source behind a result. A key or index means
//! nothing without them; `idnsafe version` prints them.

/// One data source and the version of its data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DataVersion {
    /// What the data is used for.
    pub source: String,
    /// Where it comes from (crate and version).
    pub provider: String,
    /// The Unicode (or other) version of the data.
    pub version: String,
}

/// The crate version of idnsafe.
pub const IDNSAFE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Every data source compiled into this build.
pub fn data_versions() -> Vec<DataVersion> {
    vec![
        DataVersion {
            source: "IDNA2008 derived property (RFC 5892), contextual and Bidi rules".to_owned(),
            provider: "icu_properties / icu_normalizer / icu_casemap 2.4 (ICU4X)".to_owned(),
            version: idnsafe_idna::UNICODE_VERSION.to_owned(),
        },
        DataVersion {
            source: "UTS #46 mapping (lookup side)".to_owned(),
            provider: "idna 1.1 (ICU4X 2.4)".to_owned(),
            version: idnsafe_idna::UTS46_UNICODE_VERSION.to_owned(),
        },
        DataVersion {
            source:
                "Scripts, Script_Extensions, Identifier_Status/Type (UTS #39 restriction levels)"
                    .to_owned(),
            provider: "idnsafe-script tables generated from Unicode data files".to_owned(),
            version: {
                let (a, b, c) = idnsafe_script::UNICODE_VERSION;
                format!("{a}.{b}.{c}")
            },
        },
        DataVersion {
            source: "Confusables (UTS #39 skeletons; protected-name index keys)".to_owned(),
            provider: "idnsafe-confusables tables generated from confusables.txt".to_owned(),
            version: dotted(idnsafe_confusables::index::CONFUSABLES_VERSION),
        },
        DataVersion {
            source: "Homoglyphs of the lookalike tier (curated and glyph-derived tables)"
                .to_owned(),
            provider: format!(
                "tables/homoglyphs/homoglyphs.tsv, tables/homoglyphs/glyphs.tsv ({})",
                idnsafe_confusables::GLYPH_FONT
            ),
            version: format!("fnv1a64:{:016x}", idnsafe_confusables::index::HOMOGLYPHS_ID),
        },
    ]
}

/// The data versions plus the IDN tables (LGRs) of a policy.
pub fn data_versions_with_policy(policy: Option<&idnsafe_policy::Policy>) -> Vec<DataVersion> {
    let mut v = data_versions();
    if let Some(p) = policy {
        for (id, file, version) in p.table_versions() {
            v.push(DataVersion {
                source: format!("IDN table {id} of policy {}", p.file().policy.name),
                provider: file,
                version: version.unwrap_or_else(|| "unversioned".to_owned()),
            });
        }
    }
    v
}

fn dotted(v: (u8, u8, u8)) -> String {
    format!("{}.{}.{}", v.0, v.1, v.2)
}
