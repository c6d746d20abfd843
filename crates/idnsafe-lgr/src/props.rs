//! Unicode property classes (RFC 7940 §6.2.4: `property="sc:Deva"`).
//!
//! Supported: `sc` (Script), `scx` (Script_Extensions), `gc`
//! (General_Category, single values and groups such as `L`), `jt`
//! (Joining_Type). Values use the short or long UCD aliases. The data is
//! ICU4X's compiled Unicode data (see the workspace for its version).

use crate::cpset::CpSet;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup, JoiningType, Script};
use icu_properties::script::ScriptWithExtensions;
use icu_properties::{CodePointMapData, PropertyParser};

pub(crate) fn property_set(spec: &str) -> Option<CpSet> {
    let (prop, value) = spec.split_once(':')?;
    let ranges: Vec<(u32, u32)> = match prop {
        "sc" | "Script" => {
            let v = PropertyParser::<Script>::new().get_loose(value)?;
            CodePointMapData::<Script>::new()
                .iter_ranges_for_value(v)
                .map(|r| (*r.start(), *r.end()))
                .collect()
        }
        "scx" | "Script_Extensions" => {
            let v = PropertyParser::<Script>::new().get_loose(value)?;
            ScriptWithExtensions::new()
                .get_script_extensions_ranges(v)
                .map(|r| (*r.start(), *r.end()))
                .collect()
        }
        "gc" | "General_Category" => {
            let group = PropertyParser::<GeneralCategoryGroup>::new().get_loose(value)?;
            CodePointMapData::<GeneralCategory>::new()
                .iter_ranges_for_group(group)
                .map(|r| (*r.start(), *r.end()))
                .collect()
        }
        "jt" | "Joining_Type" => {
            let v = PropertyParser::<JoiningType>::new().get_loose(value)?;
            CodePointMapData::<JoiningType>::new()
                .iter_ranges_for_value(v)
                .map(|r| (*r.start(), *r.end()))
                .collect()
        }
        _ => return None,
    };
    Some(CpSet::from_ranges(ranges))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties() {
        let mn = property_set("gc:Mn").unwrap();
        assert!(mn.contains(0x0301) && !mn.contains(0x61));
        let m = property_set("gc:M").unwrap();
        assert!(m.contains(0x0903) && m.contains(0x0301));
        let deva = property_set("sc:Deva").unwrap();
        assert!(deva.contains(0x0915) && !deva.contains(0x0964)); // danda is Common
        let deva_x = property_set("scx:Deva").unwrap();
        assert!(deva_x.contains(0x0964));
        let r = property_set("jt:R").unwrap();
        assert!(r.contains(0x0627) && !r.contains(0x0628));
        assert!(property_set("zz:Q").is_none());
        assert!(property_set("sc:Nope").is_none());
    }
}
