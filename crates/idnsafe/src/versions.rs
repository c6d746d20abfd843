//! The versions of every data source behind a result. A key or index means
//! nothing without them; `idnsafe version` prints them.

/// One data source and the version of its data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DataVersion {
    /// What the data is used for.
    pub source: &'static str,
    /// Where it comes from (crate and version).
    pub provider: &'static str,
    /// The Unicode (or other) version of the data.
    pub version: String,
}

/// The crate version of idnsafe.
pub const IDNSAFE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Every data source compiled into this build.
pub fn data_versions() -> Vec<DataVersion> {
    vec![
        DataVersion {
            source: "IDNA2008 derived property (RFC 5892), contextual and Bidi rules",
            provider: "icu_properties / icu_normalizer / icu_casemap 2.4 (ICU4X)",
            version: idnsafe_idna::UNICODE_VERSION.to_owned(),
        },
        DataVersion {
            source: "UTS #46 mapping (lookup side)",
            provider: "idna 1.1 (ICU4X 2.4)",
            version: idnsafe_idna::UTS46_UNICODE_VERSION.to_owned(),
        },
        DataVersion {
            source: "Scripts, Script_Extensions, Identifier_Status/Type (UTS #39 restriction levels)",
            provider: "idnsafe-script tables generated from Unicode data files",
            version: {
                let (a, b, c) = idnsafe_script::UNICODE_VERSION;
                format!("{a}.{b}.{c}")
            },
        },
    ]
}
