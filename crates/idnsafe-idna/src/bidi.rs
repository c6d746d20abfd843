//! The Bidi rule of RFC 5893 §2.

use icu_properties::CodePointMapData;
use icu_properties::props::BidiClass;

fn bc(c: char) -> BidiClass {
    CodePointMapData::<BidiClass>::new().get(c)
}

/// True when the label has a character of Bidi_Class R, AL or AN: such a
/// label is an "RTL label" and makes its name a "Bidi domain name"
/// (RFC 5893 §1.4).
pub fn is_rtl_label(label: &[char]) -> bool {
    label.iter().any(|&c| {
        let b = bc(c);
        b == BidiClass::RightToLeft || b == BidiClass::ArabicLetter || b == BidiClass::ArabicNumber
    })
}

/// One failed condition of the Bidi rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidiFailure {
    /// The condition number, 1 to 6.
    pub condition: u8,
    /// Where the offending character is (0-based code point index), if one is.
    pub position: Option<usize>,
    /// The text of the condition, for messages.
    pub explanation: &'static str,
}

/// Checks the six conditions of RFC 5893 §2 on one label of a Bidi domain
/// name and returns every condition that fails (each once, with the first
/// offending position).
pub fn check_label(label: &[char]) -> Vec<BidiFailure> {
    use BidiClass as B;
    let mut out = Vec::new();
    let Some(&first) = label.first() else { return out };
    let classes: Vec<BidiClass> = label.iter().map(|&c| bc(c)).collect();
    let first_bc = bc(first);
    // Condition 1: the first character has Bidi property L, R or AL.
    let rtl = match first_bc {
        B::LeftToRight => false,
        B::RightToLeft | B::ArabicLetter => true,
        _ => {
            out.push(BidiFailure {
                condition: 1,
                position: Some(0),
                explanation: "the first character must be a left-to-right or right-to-left letter \
                              (Bidi class L, R or AL)",
            });
            // RFC 5893 does not say which of conditions 2-6 apply to such a
            // label; judge it as an RTL label when it holds RTL characters.
            is_rtl_label(label)
        }
    };
    // The last character that is not a nonspacing mark.
    let last_non_nsm = classes.iter().rposition(|&b| b != B::NonspacingMark);
    if rtl {
        // Condition 2: only R, AL, AN, EN, ES, CS, ET, ON, BN, NSM.
        if let Some(p) = classes.iter().position(|&b| {
            !matches!(
                b,
                B::RightToLeft
                    | B::ArabicLetter
                    | B::ArabicNumber
                    | B::EuropeanNumber
                    | B::EuropeanSeparator
                    | B::CommonSeparator
                    | B::EuropeanTerminator
                    | B::OtherNeutral
                    | B::BoundaryNeutral
                    | B::NonspacingMark
            )
        }) {
            out.push(BidiFailure {
                condition: 2,
                position: Some(p),
                explanation: "a right-to-left label cannot contain left-to-right characters",
            });
        }
        // Condition 3: ends with R, AL, EN or AN, then zero or more NSM.
        let end_ok = last_non_nsm.and_then(|p| classes.get(p)).is_some_and(|&b| {
            matches!(b, B::RightToLeft | B::ArabicLetter | B::EuropeanNumber | B::ArabicNumber)
        });
        if !end_ok {
            out.push(BidiFailure {
                condition: 3,
                position: last_non_nsm,
                explanation: "a right-to-left label must end with a right-to-left letter or a digit",
            });
        }
        // Condition 4: not both EN and AN.
        let en = classes.iter().position(|&b| b == B::EuropeanNumber);
        let an = classes.iter().position(|&b| b == B::ArabicNumber);
        if let (Some(e), Some(a)) = (en, an) {
            out.push(BidiFailure {
                condition: 4,
                position: Some(e.max(a)),
                explanation: "a right-to-left label cannot mix European digits with Arabic-Indic digits",
            });
        }
    } else {
        // Condition 5: only L, EN, ES, CS, ET, ON, BN, NSM.
        if let Some(p) = classes.iter().position(|&b| {
            !matches!(
                b,
                B::LeftToRight
                    | B::EuropeanNumber
                    | B::EuropeanSeparator
                    | B::CommonSeparator
                    | B::EuropeanTerminator
                    | B::OtherNeutral
                    | B::BoundaryNeutral
                    | B::NonspacingMark
            )
        }) {
            out.push(BidiFailure {
                condition: 5,
                position: Some(p),
                explanation: "a left-to-right label in a name with right-to-left labels cannot contain \
                              right-to-left characters",
            });
        }
        // Condition 6: ends with L or EN, then zero or more NSM.
        let end_ok = last_non_nsm
            .and_then(|p| classes.get(p))
            .is_some_and(|&b| matches!(b, B::LeftToRight | B::EuropeanNumber));
        if !end_ok {
            out.push(BidiFailure {
                condition: 6,
                position: last_non_nsm,
                explanation: "a left-to-right label in a name with right-to-left labels must end with a \
                              letter or a digit",
            });
        }
    }
    out
}
