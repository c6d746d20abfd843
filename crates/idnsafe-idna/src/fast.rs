//! An allocation-free answer to "may this label be registered?", for hot
//! paths (zone audits, bulk screening). It must agree exactly with
//! [`crate::check_label`]`(label).is_ok()`; a property test and a test over
//! the real name lists hold it to that. Rare cases (A-labels, contextual
//! code points, over-long input) are handed to the full check.

use icu_normalizer::ComposingNormalizerBorrowed;

use crate::{DerivedProperty, MAX_LABEL_OCTETS, check_label, derived_property};

/// Most characters a U-label can have: its A-label holds `xn--`, at least
/// one octet per character and a delimiter or more.
const MAX_ULABEL_CHARS: usize = MAX_LABEL_OCTETS - 4;

/// True when `label` may be registered under IDNA2008 on its own (every
/// check of [`crate::check_label`]; the Bidi rule, which depends on the
/// whole name, is not part of it). Same answer as
/// `check_label(label).is_ok()`, without allocating in the common cases.
pub fn is_valid_label(label: &str) -> bool {
    let b = label.as_bytes();
    if b.is_empty() {
        return false;
    }
    if label.is_ascii() {
        if crate::has_ace_prefix(label) {
            return is_valid_alabel(label);
        }
        return b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-') && ldh_shape_ok(b);
    }
    let mut chars = ['\0'; MAX_ULABEL_CHARS];
    let mut n = 0usize;
    for c in label.chars() {
        let Some(slot) = chars.get_mut(n) else { return false };
        *slot = c;
        n += 1;
        match derived_property(c) {
            DerivedProperty::Pvalid => {}
            DerivedProperty::ContextJ | DerivedProperty::ContextO => {
                return check_label(label).is_ok();
            }
            DerivedProperty::Disallowed | DerivedProperty::Unassigned => return false,
        }
    }
    let chars = chars.get(..n).unwrap_or(&[]);
    let Some(&first) = chars.first() else { return false };
    if crate::label::is_combining_mark(first) {
        return false;
    }
    let ascii = |c: Option<&char>| c.and_then(|&c| u8::try_from(c).ok());
    if !hyphens_ok(
        ascii(chars.first()),
        ascii(chars.last()),
        ascii(chars.get(2)),
        ascii(chars.get(3)),
    ) {
        return false;
    }
    if !ComposingNormalizerBorrowed::new_nfc().is_normalized(label) {
        return false;
    }
    if alabel_len_upper_bound(chars) <= MAX_LABEL_OCTETS {
        return true;
    }
    punycode_len(chars).is_some_and(|len| 4 + len <= MAX_LABEL_OCTETS)
}

/// A cheap upper bound on the A-label length, so most labels skip the
/// exact (quadratic) Punycode length. Following RFC 3492 §6.3 with the
/// distinct non-basic code points m1 < m2 < ... of the label (n code points
/// in all): the first emission of m_j carries a delta of at most
/// `(m_j - m_{j-1}) * (n + 1) + n` (m_0 = 127), and each further occurrence
/// of m_j at most `n`. A delta `q` takes at most `floor(log10 q) + 2`
/// digits, since each non-final digit divides it by at least 10
/// (`base - t_max`).
fn alabel_len_upper_bound(chars: &[char]) -> usize {
    let mut cps = [0u32; MAX_ULABEL_CHARS];
    let mut k = 0usize;
    for &c in chars {
        if !c.is_ascii()
            && let Some(slot) = cps.get_mut(k)
        {
            *slot = c as u32;
            k += 1;
        }
    }
    let cps = cps.get_mut(..k).unwrap_or(&mut []);
    cps.sort_unstable();
    let n = chars.len() as u64;
    let digits = |mut q: u64| {
        let mut d = 2;
        while q >= 10 {
            q /= 10;
            d += 1;
        }
        d
    };
    let basic = chars.len() - k;
    let mut total = 4 + basic + usize::from(basic > 0);
    let mut prev = 127u64;
    for (i, &c) in cps.iter().enumerate() {
        let c = u64::from(c);
        let first = i == 0 || cps.get(i - 1).is_none_or(|&p| u64::from(p) != c);
        total += if first { digits((c - prev) * (n + 1) + n) } else { digits(n) };
        prev = c;
    }
    total
}

/// The Unicode form of a label, cheaply: A-labels decoded (case-insensitive
/// prefix; `None` when the Punycode is invalid or too long), other ASCII
/// labels lower-cased, U-labels as they are. No validity check: pair it with
/// [`is_valid_label`].
pub fn to_ulabel(label: &str) -> Option<String> {
    if !label.is_ascii() {
        return Some(label.to_owned());
    }
    if crate::has_ace_prefix(label) {
        let puny =
            label.get(4..).filter(|p| !p.is_empty() && p.len() <= crate::MAX_PUNYCODE_INPUT)?;
        return idna::punycode::decode_to_string(&puny.to_ascii_lowercase());
    }
    Some(label.to_ascii_lowercase())
}

/// The A-label path of [`is_valid_label`]: the checks of `check_alabel`
/// (length, Punycode, round trip) with the U-label checked by the fast path.
fn is_valid_alabel(label: &str) -> bool {
    if label.len() > MAX_LABEL_OCTETS {
        return false;
    }
    let lower = label.to_ascii_lowercase();
    let Some(puny) = lower.get(4..).filter(|p| !p.is_empty()) else { return false };
    let Some(u) = idna::punycode::decode_to_string(puny) else { return false };
    if u.is_ascii() {
        return false;
    }
    match crate::encode_alabel(&u) {
        Some(re) if re == lower => is_valid_label(&u),
        _ => false,
    }
}

/// The length and hyphen rules of an LDH label that is not an A-label
/// (RFC 5891 §4.2.3.1): 1 to 63 octets, no hyphen first or last, none in
/// both the third and fourth positions. With an all-LDH `b`, exactly
/// [`is_valid_label`]'s verdict.
pub fn ldh_shape_ok(b: &[u8]) -> bool {
    !b.is_empty()
        && b.len() <= MAX_LABEL_OCTETS
        && hyphens_ok(b.first().copied(), b.last().copied(), b.get(2).copied(), b.get(3).copied())
}

fn hyphens_ok(first: Option<u8>, last: Option<u8>, third: Option<u8>, fourth: Option<u8>) -> bool {
    first != Some(b'-') && last != Some(b'-') && !(third == Some(b'-') && fourth == Some(b'-'))
}

// RFC 3492 §5 parameters.
const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

/// `q / (BASE - t)` for the thresholds `t` of RFC 3492 (1..=26): a
/// division by a constant in each arm, which the compiler turns into a
/// multiplication; a division by a variable costs ~25 cycles and this is
/// the inner loop of the Punycode length.
#[inline]
fn div_base_minus(q: u32, t: u32) -> u32 {
    match t {
        1 => q / 35,
        2 => q / 34,
        3 => q / 33,
        4 => q / 32,
        5 => q / 31,
        6 => q / 30,
        7 => q / 29,
        8 => q / 28,
        9 => q / 27,
        10 => q / 26,
        11 => q / 25,
        12 => q / 24,
        13 => q / 23,
        14 => q / 22,
        15 => q / 21,
        16 => q / 20,
        17 => q / 19,
        18 => q / 18,
        19 => q / 17,
        20 => q / 16,
        21 => q / 15,
        22 => q / 14,
        23 => q / 13,
        24 => q / 12,
        25 => q / 11,
        26 => q / 10,
        _ => q / (BASE - t).max(1),
    }
}

fn adapt(mut delta: u32, num_points: u32, first: bool) -> u32 {
    delta /= if first { DAMP } else { 2 };
    delta += delta / num_points.max(1);
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

/// The length of the Punycode encoding of `input` (RFC 3492 §6.3), computed
/// without producing it; `None` on overflow or for input longer than a
/// U-label can be. The distinct non-basic code points are sorted once
/// instead of searching for the next smallest on every round.
pub(crate) fn punycode_len(input: &[char]) -> Option<usize> {
    let mut distinct = [0u32; MAX_ULABEL_CHARS];
    let mut d = 0usize;
    for &c in input {
        let c = c as u32;
        if c >= INITIAL_N && !distinct.get(..d)?.contains(&c) {
            *distinct.get_mut(d)? = c;
            d += 1;
        }
    }
    let distinct = distinct.get_mut(..d)?;
    distinct.sort_unstable();
    let basic = input.len() - input.iter().filter(|&&c| c as u32 >= INITIAL_N).count();
    let mut out = basic + usize::from(basic > 0);
    let mut n = INITIAL_N;
    let mut delta: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut h = u32::try_from(basic).ok()?;
    let b = h;
    for &m in distinct.iter() {
        delta = delta.checked_add((m - n).checked_mul(h + 1)?)?;
        n = m;
        for &c in input {
            let c = c as u32;
            if c < n {
                delta += 1;
            } else if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out += 1;
                    q = div_base_minus(q - t, t);
                    k += BASE;
                }
                out += 1;
                bias = adapt(delta, h + 1, h == b);
                delta = 0;
                h += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punycode_len_matches_the_encoder() {
        for s in [
            "bücher",
            "münchen",
            "пример",
            "例え",
            "ليهمابتكلموشعربي؟",
            "a-b-ü",
            "ü",
            "中国中国中国",
        ] {
            let chars: Vec<char> = s.chars().collect();
            assert_eq!(punycode_len(&chars), idna::punycode::encode_str(s).map(|p| p.len()), "{s}");
        }
    }

    #[test]
    fn upper_bound_is_an_upper_bound() {
        for s in [
            "bücher",
            "пример",
            "例え",
            "中国中国中国中国中国中国",
            "𠀀𠀁𠀂𠀃𠀄𠀅𠀆",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaü",
            "ü𐀀ü𐀀ü𐀀ü𐀀ü𐀀",
        ] {
            let chars: Vec<char> = s.chars().collect();
            let exact = 4 + punycode_len(&chars).unwrap();
            assert!(alabel_len_upper_bound(&chars) >= exact, "{s}: bound below {exact}");
        }
    }

    #[test]
    fn agrees_with_check_label() {
        for l in [
            "abc",
            "ABC",
            "-a",
            "a-",
            "ab--c",
            "xn--bcher-kva",
            "xn--abc-",
            "bücher",
            "Bücher",
            "a·b",
            "l·l",
            "☃",
            "\u{301}a",
            "e\u{301}",
            "",
        ] {
            assert_eq!(is_valid_label(l), check_label(l).is_ok(), "{l:?}");
        }
    }
}
