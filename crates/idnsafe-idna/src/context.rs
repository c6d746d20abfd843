//! The contextual rules of RFC 5892 Appendix A, for CONTEXTJ and CONTEXTO
//! code points.

use icu_properties::CodePointMapData;
use icu_properties::props::{CanonicalCombiningClass, JoiningType, Script};

/// Why a contextual rule failed, in words for the message.
pub(crate) struct RuleFailure {
    pub rule: &'static str,
    pub explanation: &'static str,
}

fn ccc(c: char) -> CanonicalCombiningClass {
    CodePointMapData::<CanonicalCombiningClass>::new().get(c)
}

fn joining_type(c: char) -> JoiningType {
    CodePointMapData::<JoiningType>::new().get(c)
}

fn script(c: char) -> Script {
    CodePointMapData::<Script>::new().get(c)
}

/// Checks the rule for the CONTEXTJ or CONTEXTO code point at `label[i]`.
/// `Ok(())` when its context is satisfied (or it has no rule because it is
/// not a contextual code point); `Err` names the rule that failed. A
/// contextual code point without a rule is never valid (RFC 5892 §2.9 note,
/// RFC 5891 §4.2.3.3).
pub(crate) fn check(label: &[char], i: usize) -> Result<(), RuleFailure> {
    let Some(&cp) = label.get(i) else { return Ok(()) };
    let before = i.checked_sub(1).and_then(|j| label.get(j)).copied();
    let after = label.get(i + 1).copied();
    match cp {
        // A.1 ZERO WIDTH NON-JOINER.
        '\u{200C}' => {
            if before.is_some_and(|b| ccc(b) == CanonicalCombiningClass::Virama) {
                return Ok(());
            }
            // (Joining_Type:{L,D})(Joining_Type:T)*\u200C(Joining_Type:T)*(Joining_Type:{R,D})
            let left_ok = label
                .get(..i)
                .unwrap_or(&[])
                .iter()
                .rev()
                .map(|&c| joining_type(c))
                .find(|&jt| jt != JoiningType::Transparent)
                .is_some_and(|jt| jt == JoiningType::LeftJoining || jt == JoiningType::DualJoining);
            let right_ok = label
                .get(i + 1..)
                .unwrap_or(&[])
                .iter()
                .map(|&c| joining_type(c))
                .find(|&jt| jt != JoiningType::Transparent)
                .is_some_and(|jt| {
                    jt == JoiningType::RightJoining || jt == JoiningType::DualJoining
                });
            if left_ok && right_ok {
                Ok(())
            } else {
                Err(RuleFailure {
                    rule: "RFC 5892 A.1",
                    explanation: "ZERO WIDTH NON-JOINER is allowed only after a virama, or between a \
                                  left- or dual-joining and a right- or dual-joining character",
                })
            }
        }
        // A.2 ZERO WIDTH JOINER.
        '\u{200D}' => {
            if before.is_some_and(|b| ccc(b) == CanonicalCombiningClass::Virama) {
                Ok(())
            } else {
                Err(RuleFailure {
                    rule: "RFC 5892 A.2",
                    explanation: "ZERO WIDTH JOINER is allowed only directly after a virama",
                })
            }
        }
        // A.3 MIDDLE DOT: between two 'l' (Catalan ela geminada).
        '\u{00B7}' => {
            if before == Some('l') && after == Some('l') {
                Ok(())
            } else {
                Err(RuleFailure {
                    rule: "RFC 5892 A.3",
                    explanation: "MIDDLE DOT is allowed only between two letters 'l' (as in Catalan 'l·l')",
                })
            }
        }
        // A.4 GREEK LOWER NUMERAL SIGN (KERAIA): followed by a Greek character.
        '\u{0375}' => {
            if after.is_some_and(|a| script(a) == Script::Greek) {
                Ok(())
            } else {
                Err(RuleFailure {
                    rule: "RFC 5892 A.4",
                    explanation: "GREEK LOWER NUMERAL SIGN (KERAIA) must be followed by a Greek character",
                })
            }
        }
        // A.5 HEBREW PUNCTUATION GERESH and A.6 GERSHAYIM: after a Hebrew character.
        '\u{05F3}' | '\u{05F4}' => {
            if before.is_some_and(|b| script(b) == Script::Hebrew) {
                Ok(())
            } else {
                Err(RuleFailure {
                    rule: if cp == '\u{05F3}' { "RFC 5892 A.5" } else { "RFC 5892 A.6" },
                    explanation: "Hebrew geresh and gershayim must follow a Hebrew character",
                })
            }
        }
        // A.7 KATAKANA MIDDLE DOT: the label holds Hiragana, Katakana or Han.
        '\u{30FB}' => {
            let ok = label.iter().any(|&c| {
                let s = script(c);
                s == Script::Hiragana || s == Script::Katakana || s == Script::Han
            });
            if ok {
                Ok(())
            } else {
                Err(RuleFailure {
                    rule: "RFC 5892 A.7",
                    explanation: "KATAKANA MIDDLE DOT is allowed only in a label that also has \
                                  Hiragana, Katakana or Han characters",
                })
            }
        }
        // A.8 ARABIC-INDIC DIGITS: no Extended Arabic-Indic digit in the label.
        '\u{0660}'..='\u{0669}' => {
            if label.iter().any(|c| ('\u{06F0}'..='\u{06F9}').contains(c)) {
                Err(RuleFailure {
                    rule: "RFC 5892 A.8",
                    explanation: "Arabic-Indic digits cannot be mixed with Extended Arabic-Indic digits \
                                  in one label",
                })
            } else {
                Ok(())
            }
        }
        // A.9 EXTENDED ARABIC-INDIC DIGITS: no Arabic-Indic digit in the label.
        '\u{06F0}'..='\u{06F9}' => {
            if label.iter().any(|c| ('\u{0660}'..='\u{0669}').contains(c)) {
                Err(RuleFailure {
                    rule: "RFC 5892 A.9",
                    explanation: "Extended Arabic-Indic digits cannot be mixed with Arabic-Indic digits \
                                  in one label",
                })
            } else {
                Ok(())
            }
        }
        _ => match crate::derived_property(cp) {
            crate::DerivedProperty::ContextJ | crate::DerivedProperty::ContextO => {
                Err(RuleFailure {
                    rule: "RFC 5892 Appendix A",
                    explanation: "this contextual character has no rule that allows it",
                })
            }
            _ => Ok(()),
        },
    }
}
