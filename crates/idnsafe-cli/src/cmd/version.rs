//! `idnsafe version`: the crate version and the version of every data source.

use super::CliError;

pub fn run() -> Result<(), CliError> {
    println!("idnsafe {}", idnsafe::versions::IDNSAFE_VERSION);
    for d in idnsafe::versions::data_versions() {
        println!("  {}: {} [{}]", d.source, d.version, d.provider);
    }
    println!("  Character names in human output: 17.0.0 [unicode_names2 4]");
    println!("  LGRs: the version each LGR file declares; `idnsafe lgr stats FILE` prints it");
    Ok(())
}
