//! Detections beyond skeletons: the optional detections of UTS #39 §5.4
//! (marks that hide or duplicate themselves) and the browser-style rules for
//! characters whose shape imitates ASCII in the wrong company (digits and
//! digit-like letters, Japanese marks and kana that look like punctuation).
//!
//! ```
//! use idnsafe_script::detections;
//!
//! assert!(detections("ラーメン").is_empty());
//! assert_eq!(detections("ーabc")[0].code, "JAPANESE_MARK_CONTEXT");
//! assert_eq!(detections("g০০gle")[0].code, "DIGIT_LOOKALIKE");
//! assert_eq!(detections("i\u{307}nfo")[0].code, "MARK_ON_DOTTED");
//! ```
//!
//! Every rule works on one label, as checked by IDNA2008 (NFC, lower case),
//! but any `&str` gives a result: the label is read once, left to right,
//! with a window of one character on each side and a few flags, and each
//! code is reported at most once (at its first position), so the output is
//! bounded by the number of codes whatever the input.
//!
//! Invisible characters (Default_Ignorable_Code_Point, UTS #39 §5.4 first
//! bullet) are not repeated here: [`crate::analyze`] reports them as
//! `INVISIBLE_CHARACTER`.

use serde::Serialize;
use unicode_normalization::char::{canonical_combining_class, decompose_canonical};

use crate::tables::{BOPO, F_NONSPACING_MARK, HANI, HIRA, KANA, ZINH, ZYYY, class, scx_bits};
use crate::{MAX_NONSPACING_MARKS, ScriptSet};

/// One finding about a label. `code` is stable, `position` the 0-based code
/// point index where it starts, `message` for people (a registrar's support
/// desk pastes it to a customer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    /// Stable UPPER_SNAKE code, one of [`DETECTION_CODES`].
    pub code: &'static str,
    /// 0-based code point index in the label where the finding starts.
    pub position: usize,
    /// Plain-language explanation.
    pub message: String,
}

/// Every code [`detections`] can return, in a fixed order.
pub const DETECTION_CODES: [&str; 8] = [
    MARK_ON_DOTTED,
    MARK_ON_DOTLESS,
    REPEATED_MARK,
    TOO_MANY_MARKS,
    DIGIT_LOOKALIKE,
    JAPANESE_MARK_CONTEXT,
    KANA_LOOKALIKE,
    MARK_ON_FOREIGN_BASE,
];

const MARK_ON_DOTTED: &str = "MARK_ON_DOTTED";
const MARK_ON_FOREIGN_BASE: &str = "MARK_ON_FOREIGN_BASE";
const MARK_ON_DOTLESS: &str = "MARK_ON_DOTLESS";
const REPEATED_MARK: &str = "REPEATED_MARK";
const TOO_MANY_MARKS: &str = "TOO_MANY_MARKS";
const DIGIT_LOOKALIKE: &str = "DIGIT_LOOKALIKE";
const JAPANESE_MARK_CONTEXT: &str = "JAPANESE_MARK_CONTEXT";
const KANA_LOOKALIKE: &str = "KANA_LOOKALIKE";

/// Every detection for one U-label (NFC, lower case, as checked by
/// IDNA2008), ordered by position. Bounded work on any `&str`.
pub fn detections(label: &str) -> Vec<Detection> {
    let mut out = Vec::new();
    detections_into(label, &mut out);
    out
}

/// The same as [`detections`], appending to `out`: nothing is allocated when
/// nothing is found, and a pure-ASCII label returns after one byte scan.
pub fn detections_into(label: &str, out: &mut Vec<Detection>) {
    // No rule involves an ASCII-only label: every rule needs a mark, a
    // non-ASCII digit or letter, or a Japanese character.
    if label.is_ascii() {
        return;
    }
    let start = out.len();
    Detector { out, reported: 0 }.run(label);
    if let Some(new) = out.get_mut(start..)
        && new.len() > 1
    {
        new.sort_by_key(|d| d.position);
    }
}

// ---------------------------------------------------------------------------
// Character sets, each with the reason it exists
// ---------------------------------------------------------------------------

/// Soft_Dotted (PropList.txt, Unicode 18): letters whose dot disappears
/// under an accent above, so a COMBINING DOT ABOVE on them merges with the
/// dot they already have. Many are modifier, subscript or mathematical
/// letters that IDNA2008 disallows; they are kept so the rule means the
/// property on any input. A test compares this with ICU4X.
const SOFT_DOTTED: [(u32, u32); 30] = [
    (0x0069, 0x006A),
    (0x012F, 0x012F),
    (0x0249, 0x0249),
    (0x0268, 0x0268),
    (0x029D, 0x029D),
    (0x02B2, 0x02B2),
    (0x03F3, 0x03F3),
    (0x0456, 0x0456),
    (0x0458, 0x0458),
    (0x1D62, 0x1D62),
    (0x1D96, 0x1D96),
    (0x1DA4, 0x1DA4),
    (0x1DA8, 0x1DA8),
    (0x1E2D, 0x1E2D),
    (0x1ECB, 0x1ECB),
    (0x2071, 0x2071),
    (0x2148, 0x2149),
    (0x2C7C, 0x2C7C),
    (0x1D422, 0x1D423),
    (0x1D456, 0x1D457),
    (0x1D48A, 0x1D48B),
    (0x1D4BE, 0x1D4BF),
    (0x1D4F2, 0x1D4F3),
    (0x1D526, 0x1D527),
    // 1D55A..1D693: pairs every 0x34 code points, folded into one check.
    (0x1D55A, 0x1D693),
    (0x1DF1A, 0x1DF1A),
    (0x1DF6F, 0x1DF71),
    (0x1DFD9, 0x1DFD9),
    (0x1E04C, 0x1E04D),
    (0x1E068, 0x1E068),
];

fn is_soft_dotted(c: char) -> bool {
    let cp = c as u32;
    if (0x1D55A..=0x1D693).contains(&cp) {
        // Mathematical i and j of the remaining alphabets: 1D55A + 0x34 k (+1).
        return (cp - 0x1D55A) % 0x34 <= 1;
    }
    SOFT_DOTTED.iter().any(|&(lo, hi)| (lo..=hi).contains(&cp))
}

/// A base that hides a COMBINING DOT ABOVE: a soft-dotted letter, or `l`,
/// whose ascender meets a dot above in most fonts (Chromium blocks `l`
/// + U+0307 for the same reason).
fn hides_dot_above(c: char) -> bool {
    c == 'l' || is_soft_dotted(c)
}

const COMBINING_DOT_ABOVE: char = '\u{307}';

/// The block Combining Diacritical Marks (U+0300-U+036F): accents of the
/// Latin, Greek and Cyrillic alphabets (script Inherited). Other scripts
/// have marks of their own; one of these on a Han, kana, Hangul or other
/// base is decoration that can hide or imitate (as browsers judge it).
fn is_latin_diacritic(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c)
}

/// Dotless letters: any mark on them rebuilds the dotted letter or
/// something close (`ı` + U+0307 is `i`, `ı` + U+0301 is `í`).
fn is_dotless(c: char) -> bool {
    matches!(c, '\u{131}' | '\u{237}')
}

/// Non-ASCII decimal digits (gc=Nd) that look like an ASCII letter or digit,
/// or like the label separator `.`. The rule that picks them: UTS #39
/// confusables.txt maps the digit to a single ASCII letter, digit or `.`
/// (the test `lookalike_digits_cover_confusables` rebuilds that list from
/// the file and fails if one is missing here), plus the digits Chromium's
/// spoof checker adds to its skeletons for the same reason (marked "C").
/// Sorted.
const LOOKALIKE_DIGITS: [u32; 58] = [
    0x0660,  // ٠ → .
    0x0661,  // ١ → l
    0x0665,  // ٥ → o
    0x0667,  // ٧ → V
    0x06F0,  // ۰ → .
    0x06F1,  // ۱ → l
    0x06F5,  // ۵ → o
    0x06F7,  // ۷ → V
    0x07C0,  // ߀ → O
    0x0966,  // ० → o
    0x0968,  // २ → 2 (C)
    0x0969,  // ३ → 3
    0x09E6,  // ০ → o
    0x09E8,  // ২ → 2 (C)
    0x09EA,  // ৪ → 8
    0x09ED,  // ৭ → 9
    0x0A66,  // ੦ → o
    0x0A67,  // ੧ → 9
    0x0A68,  // ੨ → 2 (C)
    0x0A69,  // ੩ → 3 (C)
    0x0A6A,  // ੪ → 8
    0x0A6B,  // ੫ → 4 (C)
    0x0AE6,  // ૦ → o
    0x0AE7,  // ૧ → q (C)
    0x0AE8,  // ૨ → 2 (C)
    0x0AE9,  // ૩ → 3
    0x0AED,  // ૭ → 9 (C)
    0x0B66,  // ୦ → o
    0x0B68,  // ୨ → 9
    0x0B6B,  // ୫ → 8 (C)
    0x0BE6,  // ௦ → o
    0x0C66,  // ౦ → o
    0x0C68,  // ౨ → 9 (C)
    0x0C69,  // ౩ → 3 (C)
    0x0CE6,  // ೦ → O
    0x0CE9,  // ೩ → 2 (C)
    0x0CED,  // ೭ → 2 (C)
    0x0D66,  // ൦ → o
    0x0D6D,  // ൭ → 9
    0x0E50,  // ๐ → o
    0x0ED0,  // ໐ → o
    0x1040,  // ၀ → o
    0x1042,  // ၂ → j (C)
    0x17E0,  // ០ → o
    0x1A80,  // ᪀ → o
    0x1A90,  // ᪐ → o
    0x114D0, // 𑓐 → o
    0x118E0, // 𑣠 → O
    0x118E5, // 𑣥 → Z
    0x118E6, // 𑣦 → W
    0x118E9, // 𑣩 → C
    0x11DE0, // → O
    0x11DE1, // → l
    0x1E140, // 𞅀 → O
    0x1E141, // 𞅁 → l
    0x1E145, // 𞅅 → V
    0x1E2F0, // 𞋰 → O
    0x1E2F2, // 𞋲 → 9
];

/// Letters (not digits) that look like an ASCII digit 2-9 or 0. The rule:
/// confusables.txt maps the lower-case, IDNA2008-valid letter to a single
/// ASCII digit from 2 to 9 (0 and 1 share their prototypes with `O` and
/// `l`, so letters that look like them are letter lookalikes, which the
/// skeleton check covers); the test `digit_like_letters_cover_confusables`
/// rebuilds that list. Added (marked "C"): the lower-case forms that
/// Chromium maps to digits and that confusables.txt lists only in upper
/// case or not at all, and Cyrillic `ч` (4) and `ҷ` (4). Sorted.
const DIGIT_LIKE_LETTERS: [u32; 42] = [
    0x0223,  // ȣ → 8
    0x03B8,  // θ → 0 (C)
    0x0431,  // б → 6
    0x0437,  // з → 3 (C)
    0x0447,  // ч → 4 (C)
    0x0499,  // ҙ → 3 (C)
    0x04B7,  // ҷ → 4 (C)
    0x04E1,  // ӡ → 3 (C)
    0x0573,  // ճ → 6 (C)
    0x0577,  // շ → 2 (C)
    0x0909,  // उ → 3 (C)
    0x0993,  // ও → 3 (C)
    0x0A24,  // ਤ → 3 (C)
    0x0A5C,  // ੜ → 3 (C)
    0x0B03,  // ଃ → 8
    0x1012,  // ဒ → 3 (C)
    0x10D5,  // ვ → 3 (C)
    0x10D9,  // კ → 3 (C)
    0x10DE,  // პ → 3 (C)
    0x13CE,  // Ꮞ → 4
    0x13EE,  // Ꮾ → 6
    0x14BF,  // ᒿ → 2
    0x1616,  // ᘖ → 2
    0x1702,  // ᜂ → 3
    0x172A,  // ᜪ → 7
    0x2CCB,  // ⳋ → 9
    0x2CD3,  // ⳓ → 6
    0x3110,  // ㄐ → 4 (C)
    0x4E29,  // 丩 → 4 (C)
    0xA543,  // ꕃ → 6
    0xA589,  // ꖉ → 8
    0xA76F,  // ꝯ → 9
    0x1031A, // 𐌚 → 8
    0x11445, // 𑑅 → 8
    0x118C6, // 𑣆 → 7
    0x118CA, // 𑣊 → 3
    0x118CC, // 𑣌 → 9
    0x118D5, // 𑣕 → 6
    0x118D6, // 𑣖 → 9
    0x169C1, // 𖧁 → 9
    0x169FE, // 𖧾 → 8
    0x16F3B, // 𖼻 → 3
];

fn in_sorted(table: &[u32], c: char) -> bool {
    table.binary_search(&(c as u32)).is_ok()
}

fn is_lookalike_digit(c: char) -> bool {
    !c.is_ascii() && in_sorted(&LOOKALIKE_DIGITS, c)
}

fn is_digit_like_letter(c: char) -> bool {
    !c.is_ascii() && in_sorted(&DIGIT_LIKE_LETTERS, c)
}

/// Katakana and Han that are drawn as one slanted stroke or two: `ノ`, `ソ`,
/// `ゾ`, `ン`, `丶`, `丿`, `乀`, `乁` read as `/`, `\`, `'` or `"` between
/// Latin letters. Fire only with non-CJK on both sides, as in Chromium:
/// next to one Latin letter they are ordinary (a katakana word followed by
/// a model number).
fn is_slash_like(c: char) -> bool {
    matches!(
        c,
        '\u{30CE}'
            | '\u{30BD}'
            | '\u{30BE}'
            | '\u{30F3}'
            | '\u{4E36}'
            | '\u{4E3F}'
            | '\u{4E40}'
            | '\u{4E41}'
    )
}

/// Han and Bopomofo made of straight strokes that pass for ASCII: `一` and
/// `ㄧ` (`-`), `丨` (`l`), `〇` (`o`), `十` (`t`, `+`), `七` (`t`), `丁` and
/// `丅` (`T`), `工` (`I`), `ㄒ` (`T`), `ㄚ` (`Y`), `ㄨ` (`X`), `ㄩ` (`u`),
/// `ㄈ` (`c`), `ㄟ` (`\`), `乛` (`-`). Fire when a neighbour on either side
/// is not CJK (Chromium's rule); inside Chinese or Japanese text they are
/// ordinary characters.
fn is_stroke_like(c: char) -> bool {
    matches!(
        c,
        '\u{4E00}'
            | '\u{3127}'
            | '\u{4E28}'
            | '\u{3007}'
            | '\u{5341}'
            | '\u{4E03}'
            | '\u{4E01}'
            | '\u{4E05}'
            | '\u{5DE5}'
            | '\u{3112}'
            | '\u{311A}'
            | '\u{3128}'
            | '\u{3129}'
            | '\u{3108}'
            | '\u{311F}'
            | '\u{4E5B}'
    )
}

/// Hiragana へ べ ぺ, drawn exactly like katakana ヘ ベ ペ.
fn is_hiragana_he(c: char) -> bool {
    matches!(c, '\u{3078}'..='\u{307A}')
}

/// Katakana ヘ ベ ペ, drawn exactly like hiragana へ べ ぺ.
fn is_katakana_he(c: char) -> bool {
    matches!(c, '\u{30D8}'..='\u{30DA}')
}

// ---------------------------------------------------------------------------
// Script_Extensions tests for neighbours
// ---------------------------------------------------------------------------

/// Which of Hiragana, Katakana, Han and Bopomofo `c` is used with (its
/// Script_Extensions; Common characters without explicit extensions, such
/// as digits and `-`, belong to none).
#[derive(Clone, Copy, Default)]
struct Cjk {
    hira: bool,
    kana: bool,
    hani: bool,
    bopo: bool,
}

impl Cjk {
    fn of(c: char) -> Cjk {
        if c.is_ascii() {
            return Cjk::default();
        }
        let set = ScriptSet::from_bits(scx_bits(class(c)));
        if set.is_all() {
            return Cjk::default();
        }
        Cjk { hira: set.has(HIRA), kana: set.has(KANA), hani: set.has(HANI), bopo: set.has(BOPO) }
    }

    fn japanese(self) -> bool {
        self.hira || self.kana || self.hani
    }

    fn any(self) -> bool {
        self.japanese() || self.bopo
    }
}

/// A letter of a script other than Han, Hiragana, Katakana and Bopomofo
/// (Latin, Cyrillic, ...). Digits, `-` and other Common characters are not:
/// `一123` is an ordinary Chinese label, and a browser leaves it alone.
fn foreign_letter(c: Option<char>) -> bool {
    c.is_some_and(|c| {
        let script = class(c).script;
        script != ZYYY && script != ZINH && !Cjk::of(c).any()
    })
}

// ---------------------------------------------------------------------------
// The pass
// ---------------------------------------------------------------------------

struct Detector<'a> {
    out: &'a mut Vec<Detection>,
    /// Bit i set once code i of `DETECTION_CODES` was reported.
    reported: u8,
}

/// The marks on the current base character, in NFD (UTS #39 §5.4 works on
/// NFD, so `é` + U+0301 repeats a mark).
struct MarkRun {
    /// Code point index of the character that started the run (its base).
    base_pos: usize,
    base: Option<char>,
    marks: [char; MAX_NONSPACING_MARKS + 1],
    len: usize,
    /// A mark of combining class 230 (above) came before any U+0307.
    above_seen: bool,
}

/// Whole-label facts gathered during the pass, judged at its end.
#[derive(Default)]
struct Whole {
    ascii_alnum: bool,
    first_lookalike_digit: Option<(usize, char)>,
    /// Every character so far is an ASCII digit, `-`, a lookalike digit or
    /// a digit-like letter.
    numeric_like: bool,
    first_non_ascii_numeric: Option<(usize, char)>,
    ascii_digit: bool,
    digit_like_letter: bool,
    /// Lookalike digits from two numbering systems.
    two_systems: bool,
    /// Every character is Katakana (scx) or hiragana へ/べ/ぺ.
    katakana_with_he: bool,
    hiragana_with_he: bool,
    /// A katakana (resp. hiragana) letter other than the he.
    true_katakana: bool,
    true_hiragana: bool,
    /// First and last positions of a hiragana へ (resp. katakana ヘ).
    hira_he: Option<(usize, usize, char)>,
    kata_he: Option<(usize, usize, char)>,
    len: usize,
}

impl Detector<'_> {
    fn report(&mut self, code: &'static str, position: usize, message: String) {
        let bit = DETECTION_CODES.iter().position(|&c| c == code).unwrap_or(0);
        if self.reported & (1 << bit) != 0 {
            return;
        }
        self.reported |= 1 << bit;
        self.out.push(Detection { code, position, message });
    }

    fn run(&mut self, label: &str) {
        let mut run = MarkRun {
            base_pos: 0,
            base: None,
            marks: ['\0'; MAX_NONSPACING_MARKS + 1],
            len: 0,
            above_seen: false,
        };
        let mut whole = Whole {
            numeric_like: true,
            katakana_with_he: true,
            hiragana_with_he: true,
            ..Whole::default()
        };
        let mut prev: Option<char> = None;
        let mut chars = label.chars().peekable();
        let mut pos = 0usize;
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            if c.is_ascii() {
                // No ASCII character is a mark, a Japanese mark or a
                // lookalike; it only ends a mark run and feeds the
                // whole-label flags.
                run.base = Some(c);
                run.base_pos = pos;
                run.len = 0;
                run.above_seen = false;
                whole.ascii_alnum |= c.is_ascii_alphanumeric();
                whole.ascii_digit |= c.is_ascii_digit();
                whole.numeric_like &= c.is_ascii_digit() || c == '-';
                whole.katakana_with_he = false;
                whole.hiragana_with_he = false;
            } else {
                decompose_canonical(c, |d| self.mark_step(&mut run, pos, d));
                self.digits(&mut whole, prev, c, next, pos);
                self.japanese(&mut whole, prev, c, next, pos);
            }
            prev = Some(c);
            pos += 1;
        }
        whole.len = pos;
        self.finish(&whole);
    }

    /// One character of the NFD stream: the four mark rules.
    fn mark_step(&mut self, run: &mut MarkRun, pos: usize, d: char) {
        if class(d).flags & F_NONSPACING_MARK == 0 {
            *run = MarkRun {
                base_pos: pos,
                base: Some(d),
                marks: run.marks,
                len: 0,
                above_seen: false,
            };
            return;
        }
        if run.len == 0 {
            // A mark with no base (label start) still starts a run here.
            if run.base.is_none() {
                run.base_pos = pos;
            }
        }
        let at = run.base_pos;
        if let Some(b) = run.base
            && is_latin_diacritic(d)
            && !matches!(crate::script(b), "Latn" | "Grek" | "Cyrl")
        {
            self.report(
                MARK_ON_FOREIGN_BASE,
                at,
                format!(
                    "The name puts a Latin-style accent (U+{:04X}) on U+{:04X}, a character of a \
                     script that does not use it; such marks can hide or imitate other \
                     characters.",
                    d as u32, b as u32
                ),
            );
        }
        if let Some(b) = run.base {
            if is_dotless(b) {
                self.report(
                    MARK_ON_DOTLESS,
                    at,
                    format!(
                        "The name puts an accent (U+{:04X}) on the dotless letter U+{:04X}, which \
                         then looks like an ordinary \"i\" or \"j\" or an accented one.",
                        d as u32, b as u32
                    ),
                );
            } else if hides_dot_above(b) && !run.above_seen {
                if d == COMBINING_DOT_ABOVE {
                    self.report(
                        MARK_ON_DOTTED,
                        at,
                        format!(
                            "The name puts a dot above (U+0307) on the letter U+{:04X} ({}), \
                             where it cannot be seen: the name looks like one without it.",
                            b as u32, b
                        ),
                    );
                } else if canonical_combining_class(d) == 230 {
                    run.above_seen = true;
                }
            }
        }
        if run.marks.iter().take(run.len).any(|&m| m == d) {
            self.report(
                REPEATED_MARK,
                at,
                format!(
                    "The name puts the same accent mark (U+{:04X}) twice on one letter; the \
                     second one cannot be seen.",
                    d as u32
                ),
            );
        }
        if let Some(slot) = run.marks.get_mut(run.len) {
            *slot = d;
        }
        run.len = run.len.saturating_add(1);
        if run.len > MAX_NONSPACING_MARKS {
            self.report(
                TOO_MANY_MARKS,
                at,
                format!(
                    "The name stacks more than {MAX_NONSPACING_MARKS} accent marks on one \
                     letter, which cannot be displayed legibly."
                ),
            );
        }
    }

    /// A non-ASCII character: DIGIT_LOOKALIKE flags and the "between two
    /// ASCII digits" case.
    fn digits(
        &mut self,
        whole: &mut Whole,
        prev: Option<char>,
        c: char,
        next: Option<char>,
        pos: usize,
    ) {
        let digit = is_lookalike_digit(c);
        let letter = !digit && is_digit_like_letter(c);
        if digit {
            let zero = class(c).zero;
            match whole.first_lookalike_digit {
                None => whole.first_lookalike_digit = Some((pos, c)),
                Some((_, first)) if class(first).zero != zero => whole.two_systems = true,
                Some(_) => {}
            }
        }
        whole.digit_like_letter |= letter;
        if digit || letter {
            if whole.first_non_ascii_numeric.is_none() {
                whole.first_non_ascii_numeric = Some((pos, c));
            }
        } else {
            whole.numeric_like = false;
        }
        // A digit-like letter touching an ASCII digit with nothing but ASCII
        // (or the label's edge) around it reads as part of the number:
        // `1ᒿ345`, `office\u{10D9}65`; `газ24` keeps its Cyrillic context.
        let ascii_digit = |x: Option<char>| x.is_some_and(|x| x.is_ascii_digit());
        let ascii_or_edge = |x: Option<char>| x.is_none_or(|x| x.is_ascii());
        if letter
            && (ascii_digit(prev) || ascii_digit(next))
            && ascii_or_edge(prev)
            && ascii_or_edge(next)
        {
            self.report(DIGIT_LOOKALIKE, pos, digit_message(c));
        }
    }

    /// A non-ASCII character: the Japanese context rules and the kana
    /// lookalikes.
    fn japanese(
        &mut self,
        whole: &mut Whole,
        prev: Option<char>,
        c: char,
        next: Option<char>,
        pos: usize,
    ) {
        let me = Cjk::of(c);
        let p = prev.map(Cjk::of);
        // Whole-label kana facts.
        if is_hiragana_he(c) {
            whole.hira_he = Some(whole.hira_he.map_or((pos, pos, c), |(f, _, ch)| (f, pos, ch)));
        } else if !me.kana {
            whole.katakana_with_he = false;
        }
        if is_katakana_he(c) {
            whole.kata_he = Some(whole.kata_he.map_or((pos, pos, c), |(f, _, ch)| (f, pos, ch)));
        } else if !me.hira {
            whole.hiragana_with_he = false;
        }
        // Marks shared by both kana (ー) say nothing about which one a word is in.
        whole.true_katakana |= me.kana && !me.hira && !is_katakana_he(c);
        whole.true_hiragana |= me.hira && !me.kana && !is_hiragana_he(c);

        let context = |what: &str, needs: &str| {
            format!(
                "The name has {what} (U+{:04X}) {needs}; out of place it can pass for a \
                 punctuation mark or a Latin letter.",
                c as u32
            )
        };
        match c {
            '\u{30FC}' if !p.is_some_and(|p| p.hira || p.kana) => self.report(
                JAPANESE_MARK_CONTEXT,
                pos,
                context("the Japanese long-vowel mark", "without a kana letter before it"),
            ),
            '\u{30FD}' | '\u{30FE}' if !p.is_some_and(|p| p.kana) => self.report(
                JAPANESE_MARK_CONTEXT,
                pos,
                context("a katakana repeat mark", "without a katakana letter before it"),
            ),
            '\u{309D}' | '\u{309E}' if !p.is_some_and(|p| p.hira) => self.report(
                JAPANESE_MARK_CONTEXT,
                pos,
                context("a hiragana repeat mark", "without a hiragana letter before it"),
            ),
            '\u{3005}' | '\u{303B}' if !p.is_some_and(|p| p.hani) => self.report(
                JAPANESE_MARK_CONTEXT,
                pos,
                context("the ideograph repeat mark", "without an ideograph before it"),
            ),
            '\u{3099}' | '\u{309A}' if !p.is_some_and(|p| p.hira || p.kana) => self.report(
                JAPANESE_MARK_CONTEXT,
                pos,
                context("a Japanese voicing mark", "that is not on a kana letter"),
            ),
            '\u{30FB}'
                if prev.is_some_and(|x| !Cjk::of(x).japanese())
                    || next.is_some_and(|x| !Cjk::of(x).japanese()) =>
            {
                self.report(
                    JAPANESE_MARK_CONTEXT,
                    pos,
                    context("the katakana middle dot", "next to a non-Japanese character"),
                )
            }
            _ => {}
        }
        if is_slash_like(c) && foreign_letter(prev) && foreign_letter(next) {
            self.report(
                KANA_LOOKALIKE,
                pos,
                format!(
                    "The name has the Japanese or Chinese character {c} (U+{:04X}) between \
                     letters of another script, where it looks like a slash or an apostrophe.",
                    c as u32
                ),
            );
        }
        if is_stroke_like(c) && (foreign_letter(prev) || foreign_letter(next)) {
            self.report(
                KANA_LOOKALIKE,
                pos,
                format!(
                    "The name has the Chinese character {c} (U+{:04X}) next to letters of \
                     another script, where it looks like a hyphen or a Latin letter.",
                    c as u32
                ),
            );
        }
    }

    fn finish(&mut self, w: &Whole) {
        if w.ascii_alnum
            && let Some((pos, c)) = w.first_lookalike_digit
        {
            self.report(DIGIT_LOOKALIKE, pos, digit_message(c));
        }
        // A label that is all digits and lookalikes, where the lookalikes
        // meet ASCII digits, digit-like letters or another numbering system.
        // One numbering system alone (`২০২৪`, `۰`) is a number written in
        // its own script.
        if w.numeric_like
            && (w.ascii_digit || w.digit_like_letter || w.two_systems)
            && let Some((pos, c)) = w.first_non_ascii_numeric
        {
            self.report(DIGIT_LOOKALIKE, pos, digit_message(c));
        }
        // へ inside an all-katakana word (or ヘ inside all-hiragana): one
        // looks exactly like the other, so the mixed word imitates the pure
        // one. At an edge it is ordinary Japanese (テレビへ, "to the TV").
        let last = w.len.saturating_sub(1);
        let interior = |(first, lastpos, _): (usize, usize, char)| first > 0 && lastpos < last;
        if w.katakana_with_he
            && w.true_katakana
            && let Some(he) = w.hira_he.filter(|&h| interior(h))
        {
            self.report(KANA_LOOKALIKE, he.0, he_message(he.2, "katakana"));
        }
        if w.hiragana_with_he
            && w.true_hiragana
            && let Some(he) = w.kata_he.filter(|&h| interior(h))
        {
            self.report(KANA_LOOKALIKE, he.0, he_message(he.2, "hiragana"));
        }
    }
}

fn digit_message(c: char) -> String {
    format!(
        "The name has the character {c} (U+{:04X}), which looks like an ASCII digit or letter, \
         among ASCII digits or letters; the name can pass for a different one.",
        c as u32
    )
}

fn he_message(c: char, word: &str) -> String {
    format!(
        "The name has {c} (U+{:04X}) inside a {word} word; it looks exactly like its \
         counterpart in the other kana, so the name can pass for a different one.",
        c as u32
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::BTreeMap;

    #[test]
    fn tables_are_sorted_and_of_the_right_kind() {
        assert!(LOOKALIKE_DIGITS.windows(2).all(|w| w[0] < w[1]));
        assert!(DIGIT_LIKE_LETTERS.windows(2).all(|w| w[0] < w[1]));
        for cp in LOOKALIKE_DIGITS {
            let c = char::from_u32(cp).unwrap();
            assert!(class(c).zero != 0 && !c.is_ascii(), "U+{cp:04X} is not a non-ASCII digit");
        }
        for cp in DIGIT_LIKE_LETTERS {
            let c = char::from_u32(cp).unwrap();
            assert!(class(c).zero == 0, "U+{cp:04X} is a digit");
        }
    }

    #[test]
    fn soft_dotted_matches_icu4x() {
        let sd = icu_properties::CodePointSetData::new::<icu_properties::props::SoftDotted>();
        let mut n = 0;
        let mut differ = Vec::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if is_soft_dotted(c) != sd.contains(c) {
                differ.push(format!("U+{:04X}", c as u32));
            }
            n += usize::from(sd.contains(c));
        }
        assert!(n > 40, "{n}");
        assert!(differ.is_empty(), "SOFT_DOTTED differs from ICU4X at {differ:?}");
    }

    /// RFC 5892 derived property of every listed code point.
    fn idna2008() -> BTreeMap<u32, String> {
        let text = idnsafe_tests::read_text("unicode/18.0.0/Idna2008.txt");
        let mut m = BTreeMap::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap().trim();
            let mut f = line.split(';').map(str::trim);
            let (Some(range), Some(prop)) = (f.next(), f.next()) else { continue };
            let (lo, hi) = range.split_once("..").unwrap_or((range, range));
            let (lo, hi) =
                (u32::from_str_radix(lo, 16).unwrap(), u32::from_str_radix(hi, 16).unwrap());
            for cp in lo..=hi {
                m.insert(cp, prop.to_owned());
            }
        }
        assert!(m.len() > 100_000);
        m
    }

    /// confusables.txt: source code point → prototype, for single-code-point prototypes.
    fn single_prototypes() -> Vec<(char, char)> {
        let text = idnsafe_tests::read_text("unicode/18.0.0/confusables.txt");
        let mut v = Vec::new();
        for line in text.lines() {
            let line = line.trim_start_matches('\u{FEFF}').split('#').next().unwrap().trim();
            let f: Vec<&str> = line.split(';').map(str::trim).collect();
            if f.len() < 2 || f[1].contains(' ') {
                continue;
            }
            let parse = |h: &str| char::from_u32(u32::from_str_radix(h, 16).unwrap()).unwrap();
            v.push((parse(f[0]), parse(f[1])));
        }
        assert!(v.len() > 4_000, "{}", v.len());
        v
    }

    fn registrable(props: &BTreeMap<u32, String>, c: char) -> bool {
        matches!(props.get(&(c as u32)).map(String::as_str), Some("PVALID" | "CONTEXTO"))
    }

    #[test]
    fn lookalike_digits_cover_confusables() {
        let props = idna2008();
        let mut missing = Vec::new();
        let mut found = 0;
        for (c, proto) in single_prototypes() {
            let digit = !c.is_ascii() && class(c).zero != 0;
            let asciiish = proto.is_ascii_alphanumeric() || proto == '.';
            if digit && asciiish && registrable(&props, c) {
                found += 1;
                if !is_lookalike_digit(c) {
                    missing.push(format!("U+{:04X} → {proto}", c as u32));
                }
            }
        }
        assert!(found > 30, "{found}");
        assert!(missing.is_empty(), "add to LOOKALIKE_DIGITS: {missing:?}");
    }

    #[test]
    fn digit_like_letters_cover_confusables() {
        let props = idna2008();
        let mut missing = Vec::new();
        let mut found = 0;
        for (c, proto) in single_prototypes() {
            let letter = !c.is_ascii() && class(c).zero == 0;
            if letter && ('2'..='9').contains(&proto) && registrable(&props, c) {
                found += 1;
                if !is_digit_like_letter(c) {
                    missing.push(format!("U+{:04X} → {proto}", c as u32));
                }
            }
        }
        assert!(found > 15, "{found}");
        assert!(missing.is_empty(), "add to DIGIT_LIKE_LETTERS: {missing:?}");
    }
}
