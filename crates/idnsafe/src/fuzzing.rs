//! The invariants the fuzz targets in `fuzz/` check, as plain functions, so
//! that `cargo test` replays every input kept under `fuzz/regressions/`
//! through exactly the code the fuzzer ran. Each returns `Err` with a
//! description when an invariant breaks (the caller panics; this library
//! does not), and must never panic itself on any input.

use std::sync::OnceLock;

use idnsafe_lgr::{Lgr, VariantOptions};

/// The fuzz targets, by name (the directories of `fuzz/regressions/`).
pub const TARGETS: &[&str] = &[
    "idna_roundtrip",
    "idna_validate",
    "skeleton_differential",
    "lgr_parse",
    "lgr_write",
    "lgr_labels",
    "zone_reader",
    "policy_screen",
    "confusable_tiers",
    "registry_state",
];

/// Runs the invariants of target `name` on `data`.
pub fn check(name: &str, data: &[u8]) -> Result<(), String> {
    match name {
        "idna_roundtrip" => idna_roundtrip(data),
        "idna_validate" => idna_validate(data),
        "skeleton_differential" => skeleton_differential(data),
        "lgr_parse" => lgr_parse(data),
        "lgr_write" => lgr_write(data),
        "lgr_labels" => lgr_labels(data),
        "zone_reader" => zone_reader(data),
        "policy_screen" => policy_screen(data),
        "confusable_tiers" => confusable_tiers(data),
        "registry_state" => registry_state(data),
        _ => Err(format!("unknown fuzz target {name}")),
    }
}

/// A valid label's A-label decodes back to the same U-label, and both
/// forms are valid.
pub fn idna_roundtrip(data: &[u8]) -> Result<(), String> {
    let Ok(s) = std::str::from_utf8(data) else { return Ok(()) };
    let r = idnsafe_idna::check_label(s);
    if !r.is_ok() {
        return Ok(());
    }
    let (Some(u), Some(a)) = (r.ulabel(), r.alabel()) else {
        return Err(format!("valid label {s:?} without both forms"));
    };
    let back = idnsafe_idna::check_label(a);
    if !back.is_ok() || back.ulabel() != Some(u) {
        return Err(format!("{s:?}: A-label {a} does not round-trip to {u:?}"));
    }
    let again = idnsafe_idna::check_label(u);
    if !again.is_ok() || again.alabel() != Some(a) {
        return Err(format!("{s:?}: U-label {u:?} does not re-validate to {a}"));
    }
    Ok(())
}

/// Checking any bytes gives one report; the fast path agrees with it.
pub fn idna_validate(data: &[u8]) -> Result<(), String> {
    let r = idnsafe_idna::check_line(data);
    if r.is_ok() && r.labels().is_empty() {
        return Err("an accepted name with no labels".to_owned());
    }
    if let Ok(s) = std::str::from_utf8(data)
        && !s.contains('.')
        && s.len() <= idnsafe_idna::MAX_INPUT_BYTES
        && idnsafe_idna::is_valid_label(s) != idnsafe_idna::check_label(s).is_ok()
    {
        return Err(format!("is_valid_label disagrees with check_label on {s:?}"));
    }
    // The batch row (with its fast path for LDH names) says what the full
    // check says, with and without protected names.
    for checker in row_checkers() {
        let mut row = crate::CheckRow::default();
        checker.check_row(data, &mut row);
        let mut full = crate::CheckRow::default();
        full.fill(&checker.check_line(data));
        if row != full {
            return Err(format!("check_row {row:?} differs from the full check {full:?}"));
        }
    }
    // The labels the per-name fast path writes from say what the report says.
    if let Some(c) = row_checkers().first()
        && let Some(labels) = c.ldh_labels(data)
    {
        let r = c.check_line(data);
        let same = r.is_ok()
            && r.idna().errors().is_empty()
            && labels.len() == r.labels().len()
            && labels.iter().zip(r.labels().iter().zip(r.idna().labels())).all(
                |((label, analysis, key), (l, i))| {
                    i.ulabel() == Some(*label)
                        && i.alabel() == Some(*label)
                        && i.errors().is_empty()
                        && l.warnings().is_empty()
                        && l.script() == Some(*analysis)
                        && l.skeleton() == Some(key.as_str())
                },
            );
        if !same {
            return Err(format!("ldh_labels {labels:?} differ from the report of {data:?}"));
        }
    }
    Ok(())
}

fn row_checkers() -> &'static [crate::Checker] {
    static C: OnceLock<Vec<crate::Checker>> = OnceLock::new();
    C.get_or_init(|| {
        let protected = idnsafe_confusables::ProtectedIndex::from_list(
            "paypal.com\ngoogle.com\nrn.com\n0-0.kz\nxn--80ak6aa92e.com\n",
            idnsafe_confusables::Level::Lookalike,
        );
        let mut v = vec![crate::Checker::new()];
        if let Ok(p) = protected {
            v.push(crate::Checker::new().with_protected(p.clone()));
            v.push(
                crate::Checker::new().with_tier(idnsafe_confusables::Tier::Near).with_protected(p),
            );
        }
        v
    })
}

/// Our skeleton equals `unicode_security::skeleton`.
pub fn skeleton_differential(data: &[u8]) -> Result<(), String> {
    let Ok(s) = std::str::from_utf8(data) else { return Ok(()) };
    if s.chars().count() > 256 {
        return Ok(());
    }
    let ours = idnsafe_confusables::skeleton(s);
    let theirs: String = unicode_security::skeleton(s).collect();
    if ours != theirs {
        return Err(format!("skeleton({s:?}): ours {ours:?}, unicode-security {theirs:?}"));
    }
    Ok(())
}

/// Arbitrary bytes as an LGR: loads or fails with an error, never panics;
/// a loaded LGR answers label questions.
pub fn lgr_parse(data: &[u8]) -> Result<(), String> {
    let Ok(s) = std::str::from_utf8(data) else { return Ok(()) };
    let _ = idnsafe_lgr::validate_xml(s);
    if let Ok(lgr) = Lgr::from_xml(s) {
        let _ = lgr.disposition("abc");
        let _ = lgr.index_key("abc");
        let _ = lgr.variant_count("abc");
    }
    let _ = idnsafe_lgr::legacy::from_text(s);
    Ok(())
}

/// Arbitrary bytes as an LGR (XML or a legacy table): when it loads, the
/// XML `Lgr::to_xml` writes (with and without prose) loads too, decides
/// labels made of its repertoire as the original does, and writes to the
/// same text again. Its union and intersection with itself load, with the
/// same repertoire and the same dispositions, and a set of it alone
/// merges (the only error allowed: too many code points to compose;
/// checked for repertoires up to 20,000 code points).
pub fn lgr_write(data: &[u8]) -> Result<(), String> {
    let Ok(s) = std::str::from_utf8(data) else { return Ok(()) };
    let loaded = if s.trim_start().starts_with('<') {
        Lgr::from_xml(s)
    } else {
        idnsafe_lgr::legacy::from_text(s)
    };
    let Ok(lgr) = loaded else { return Ok(()) };
    // Probe labels: the first code points of the repertoire and its sequences.
    let mut cps: Vec<u32> =
        lgr.repertoire().ranges().iter().flat_map(|&(a, b)| (a..=b).take(3)).take(6).collect();
    cps.extend(lgr.sequences().take(2).flatten());
    let probe: String = cps.iter().filter_map(|&c| char::from_u32(c)).collect();
    let mut labels = vec![probe.clone(), "abc".to_owned()];
    labels.extend(probe.chars().take(4).map(String::from));
    labels.extend(probe.chars().rev().take(3).map(|c| format!("{c}{c}")));
    for facts_only in [false, true] {
        let opts = idnsafe_lgr::WriteOptions { facts_only, source_note: Some("fuzz --".into()) };
        let w1 = lgr.to_xml(&opts);
        let back =
            Lgr::from_xml(&w1).map_err(|e| format!("the written XML does not load: {e}\n{w1}"))?;
        let w2 = back.to_xml(&opts);
        if w1 != w2 {
            return Err(format!("writing the written LGR changes it:\n{w1}\n---\n{w2}"));
        }
        if lgr.repertoire() != back.repertoire() {
            return Err("the written LGR has another repertoire".to_owned());
        }
        for l in &labels {
            let (a, b) = (lgr.disposition(l), back.disposition(l));
            if a.disposition != b.disposition {
                return Err(format!(
                    "{l:?}: {} in the original, {} written",
                    a.disposition, b.disposition
                ));
            }
            let vopts = || VariantOptions { limit: 64, allocatable_only: false };
            let va: Option<Vec<_>> = lgr
                .variants(l, vopts())
                .ok()
                .map(|v| v.map(|x| (x.label, x.disposition)).collect());
            let vb: Option<Vec<_>> = back
                .variants(l, vopts())
                .ok()
                .map(|v| v.map(|x| (x.label, x.disposition)).collect());
            if va != vb {
                return Err(format!("{l:?}: variants {va:?} in the original, {vb:?} written"));
            }
        }
    }
    // Composing expands ranges to code points (bounded by MAX_ELEMENTS, at
    // about a second for all of Unicode): kept to repertoires of a size
    // the fuzzer can run many of.
    if lgr.repertoire().len() > 20_000 {
        return Ok(());
    }
    let copts = idnsafe_lgr::ComposeOptions::default();
    let limit = |e: &idnsafe_lgr::ComposeError| e.code == "LGR_COMPOSE_LIMIT";
    for (what, made) in
        [("union", lgr.union(&lgr, copts)), ("intersection", lgr.intersect(&lgr, copts))]
    {
        let c = match made {
            Ok(c) => c,
            Err(e) if limit(&e) => continue,
            Err(e) => return Err(format!("{what} with itself: {e}")),
        };
        if c.lgr.repertoire() != lgr.repertoire() || !c.conflicts.is_empty() {
            return Err(format!("{what} with itself differs: {:?}\n{}", c.conflicts, c.xml));
        }
        for l in &labels {
            let (a, b) = (lgr.disposition(l), c.lgr.disposition(l));
            if a.disposition != b.disposition {
                return Err(format!(
                    "{l:?}: {} in the original, {} in its {what} with itself\n{}",
                    a.disposition, b.disposition, c.xml
                ));
            }
        }
    }
    match idnsafe_lgr::merge_set(&[&lgr], copts) {
        Err(e) if !limit(&e) => Err(format!("a set of one: {e}")),
        _ => Ok(()),
    }
}

fn root_lgr() -> Option<&'static Lgr> {
    static LGR: OnceLock<Option<Lgr>> = OnceLock::new();
    LGR.get_or_init(|| {
        let dir =
            std::env::var_os("IDNSAFE_SHARED_DATA").map(std::path::PathBuf::from).unwrap_or_else(
                || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
            );
        Lgr::from_path(dir.join("lgr/root-zone/lgr-5/lgr-5-cyrillic-script-26may22-en.xml")).ok()
    })
    .as_ref()
}

/// Under a fixed root-zone LGR (Cyrillic: symmetric, transitive, with
/// sequences): every variant of a label has it among its own variants
/// (symmetry) and `are_variants` agrees.
pub fn lgr_labels(data: &[u8]) -> Result<(), String> {
    let Ok(label) = std::str::from_utf8(data) else { return Ok(()) };
    let Some(lgr) = root_lgr() else {
        return Err("the root-zone LGR could not be loaded".to_owned());
    };
    let _ = lgr.disposition(label);
    // The reference's index label: computed or refused, never a panic; a
    // label that has one is made of repertoire elements, so it has a key.
    if lgr.index_label(label).is_ok() && lgr.index_key(label).is_err() {
        return Err(format!("{label:?}: an index label but no index key"));
    }
    // lgr-core's estimate counts the label itself: never below one.
    if lgr.variant_estimate(label).is_ok_and(|n| n == 0) {
        return Err(format!("{label:?}: a variant estimate of 0"));
    }
    let Ok(vs) = lgr.variants(label, VariantOptions { limit: 32, allocatable_only: false }) else {
        return Ok(());
    };
    for v in vs {
        if !lgr.are_variants(label, &v.label).unwrap_or(false) {
            return Err(format!(
                "{:?} is generated as a variant of {label:?} but are_variants says no",
                v.label
            ));
        }
        if lgr.variant_relation().symmetric && !lgr.are_variants(&v.label, label).unwrap_or(false) {
            return Err(format!("{label:?} -> {:?} but not back", v.label));
        }
    }
    Ok(())
}

/// Any bytes as a zone file, name list or CSV: every line accounted for.
pub fn zone_reader(data: &[u8]) -> Result<(), String> {
    let mut r = idnsafe_zone::ReaderOptions::new()
        .include_policy(idnsafe_zone::IncludePolicy::Deny)
        .from_read(std::io::Cursor::new(data.to_vec()), Some("fuzz"));
    let mut items = 0u64;
    // The records as an audit takes them: every record accounted for.
    let mut collector = idnsafe_zone::RegisteredCollector::new(None);
    while let Some(item) = r.next_item() {
        items += 1;
        if let idnsafe_zone::ItemRef::Record(rec) = item {
            collector.push(&rec);
        }
    }
    let (names, a) = collector.finish_with_account();
    if a.records != a.apex + a.delegations + a.hosts + a.below + a.outside + a.unclassified {
        return Err(format!("zone account does not add up: {a:?}"));
    }
    if let Ok(n) = &names
        && n.len() as u64 > a.delegations
    {
        return Err(format!("{} names from {} delegation records", n.len(), a.delegations));
    }
    let s = r.stats();
    if s.lines != s.records + s.errors + s.skipped {
        return Err(format!(
            "lines {} != records {} + errors {} + skipped {}",
            s.lines, s.records, s.errors, s.skipped
        ));
    }
    if items < s.records {
        return Err(format!("{items} items for {} records", s.records));
    }
    name_list_entries(data)
}

/// The same bytes as lines of a name list, audited one at a time as the
/// Spark job does: a result reused from line to line says what a fresh
/// one says, and a line's IDN fingerprint is that of its key exactly when
/// its first label is an IDN.
fn name_list_entries(data: &[u8]) -> Result<(), String> {
    static AUDITOR: OnceLock<crate::audit::NameAuditor> = OnceLock::new();
    let auditor = AUDITOR.get_or_init(|| {
        let protect = idnsafe_confusables::ProtectedIndex::from_list(
            "paypal.com
google.com
",
            idnsafe_confusables::Level::Lookalike,
        )
        .ok();
        crate::audit::NameAuditor::new(crate::audit::AuditOptions {
            protect,
            ..crate::audit::AuditOptions::default()
        })
    });
    let mut reused = crate::audit::NameAudit::default();
    for line in data.split(|&b| b == b'\n').take(64) {
        auditor.entry_into(line, &mut reused);
        let fresh = auditor.entry(line);
        if reused != fresh {
            return Err(format!("reused audit {reused:?} differs from a fresh one {fresh:?}"));
        }
        let want = (fresh.idn && fresh.name.is_some())
            .then(|| crate::audit::cluster_fingerprint(&fresh.zone, &fresh.key));
        if auditor.idn_fingerprint(line) != want {
            return Err(format!("idn_fingerprint of {line:?} is not {want:?}"));
        }
    }
    Ok(())
}

fn policy() -> Option<&'static (idnsafe_policy::Policy, idnsafe_policy::RegistryState)> {
    static P: OnceLock<Option<(idnsafe_policy::Policy, idnsafe_policy::RegistryState)>> =
        OnceLock::new();
    P.get_or_init(|| {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let p = idnsafe_policy::Policy::load(&here.join("../../tables/policies/br.toml")).ok()?;
        let state = idnsafe_policy::RegistryState::build(
            &p,
            [("paoemaca.com.br", Some("a")), ("exemplo.com.br", Some("b"))],
        );
        Some((p, state))
    })
    .as_ref()
}

/// Any candidate gets a decision; a rejection carries a reason.
pub fn policy_screen(data: &[u8]) -> Result<(), String> {
    let Some((p, state)) = policy() else {
        return Err("the br policy could not be loaded".to_owned());
    };
    let s = String::from_utf8_lossy(data);
    let d = p.screen(
        state,
        &s,
        idnsafe_policy::Request { registrant: Some("c"), ..idnsafe_policy::Request::default() },
    );
    if d.decision != idnsafe_policy::Verdict::Accept && d.reasons.is_empty() {
        return Err(format!("{s:?}: {} without a reason", d.decision.as_str()));
    }
    Ok(())
}

/// Most operations the registry-state target runs on one input.
const STATE_MAX_OPS: usize = 16;
/// An input's last names decided for a holder too (every name is decided
/// for an unknown registrant).
const STATE_MAX_PROBES: usize = 4;

/// A registry state kept current one registration and release at a time
/// (lines of `data`: `+NAME` registers NAME under the br policy to the
/// holder named by its first byte, `-K` releases the K-th name held,
/// anything else is a probe) holds exactly the names a model holds, finds
/// each, and decides every probe (and every name registered or released)
/// as a state built afresh from the model.
pub fn registry_state(data: &[u8]) -> Result<(), String> {
    let Some((p, _)) = policy() else {
        return Err("the br policy could not be loaded".to_owned());
    };
    let text = String::from_utf8_lossy(data);
    let mut state = idnsafe_policy::RegistryState::build(p, std::iter::empty());
    let mut model: Vec<(String, String, u32)> = Vec::new();
    let mut probes = Vec::new();
    for line in text.split('\n').take(STATE_MAX_OPS) {
        let mut chars = line.chars();
        match chars.next() {
            Some('+') => {
                let rest: String = chars.take(64).collect();
                let holder = rest.chars().next().map_or_else(String::new, |c| c.to_string());
                let name = format!("{rest}.com.br");
                let Some(label) = p.registered_label(&name) else { continue };
                if state.find(&label).is_some() {
                    continue;
                }
                let Some(slot) = state.insert(p, &name, Some(&holder)) else {
                    return Err(format!("{name:?}: under the zone yet not inserted"));
                };
                model.push((label, holder, slot));
                probes.push(name);
            }
            Some('-') => {
                let k: usize = chars.as_str().parse().unwrap_or(0);
                if model.is_empty() {
                    continue;
                }
                let (label, _, slot) = model.swap_remove(k % model.len());
                if !state.remove(slot) {
                    return Err(format!("release of {label:?} (slot {slot}) failed"));
                }
                probes.push(format!("{label}.com.br"));
            }
            _ => probes.push(line.chars().take(64).collect()),
        }
    }
    if state.len() != model.len() {
        return Err(format!("{} names in the state, {} in the model", state.len(), model.len()));
    }
    for (label, holder, slot) in &model {
        if state.find(label) != Some(*slot) || state.registrant(*slot) != Some(holder.as_str()) {
            return Err(format!("{label:?} not found in slot {slot} for {holder:?}"));
        }
    }
    let rebuilt = idnsafe_policy::RegistryState::build(
        p,
        model.iter().map(|(l, h, _)| (l.as_str(), Some(h.as_str()))),
    );
    // The screens are most of the cost: each distinct probe is decided for
    // an unknown registrant, the last few also for a holder.
    let mut seen = std::collections::HashSet::new();
    probes.retain(|p| seen.insert(p.clone()));
    let holder = model.first().map(|m| m.1.as_str());
    let last = probes.len().saturating_sub(STATE_MAX_PROBES);
    for (i, name) in probes.iter().enumerate() {
        let asking: &[Option<&str>] = if i >= last { &[None, holder] } else { &[None] };
        for &who in asking {
            let req = idnsafe_policy::Request { registrant: who, ..Default::default() };
            let (a, b) = (p.screen(&state, name, req), p.screen(&rebuilt, name, req));
            if a != b {
                return Err(format!("{name:?} for {who:?}: {a:?} kept current, {b:?} rebuilt"));
            }
        }
    }
    Ok(())
}

/// Longest label (in characters) the tier target compares: a DNS label holds
/// at most 63 octets, so this bounds the work without hiding cases.
const TIER_MAX_CHARS: usize = 64;

/// Two labels (split at the first NUL or tab; without one, the label and
/// its own lookalike key, which always match): the tiers are symmetric, and
/// every match's evidence reproduces it (each difference sits at its
/// position, its two sides have equal keys at the tier's level or are the
/// one edit of a `near` match, and replacing them spells the other label),
/// and both labels' keys at every level equal the keys computed by rounds
/// alone ([`idnsafe_confusables::key_by_rounds`]).
pub fn confusable_tiers(data: &[u8]) -> Result<(), String> {
    use idnsafe_confusables::{Level, Tier, explain, key, tier_of};
    let Ok(s) = std::str::from_utf8(data) else { return Ok(()) };
    let (a, b) = match s.find(['\0', '\t']) {
        Some(i) => (s.get(..i).unwrap_or(""), s.get(i + 1..).unwrap_or("").to_owned()),
        None => (s, key(s, Level::Lookalike)),
    };
    if a.chars().count() > TIER_MAX_CHARS || b.chars().count() > TIER_MAX_CHARS {
        return Ok(());
    }
    // The per-byte and per-character shortcuts give the keys of the rounds.
    for s in [a, b.as_str()] {
        for level in Level::ALL {
            let (fast, slow) = (key(s, level), idnsafe_confusables::key_by_rounds(s, level));
            if fast != slow {
                return Err(format!("key({s:?}, {level}) = {fast:?} but the rounds give {slow:?}"));
            }
        }
    }
    // Tiers at each weakest tier asked for: symmetric, never weaker than asked.
    let mut strongest = None;
    for weakest in Tier::ALL {
        let (ab, ba) = (tier_of(a, &b, weakest), tier_of(&b, a, weakest));
        if ab != ba {
            return Err(format!("tier_of({a:?}, {b:?}) = {ab:?} but the other way {ba:?}"));
        }
        if ab.is_some_and(|t| t > weakest) {
            return Err(format!("{a:?} / {b:?}: tier {ab:?} weaker than asked ({weakest})"));
        }
        strongest = strongest.or(ab);
    }
    // The evidence, both ways, at the strongest tier found.
    for (x, y) in [(a, b.as_str()), (b.as_str(), a)] {
        match (explain(x, y, Tier::Near), strongest) {
            (Some(e), Some(t)) if e.tier == t => {
                if !e.reproduces(x, y) {
                    return Err(format!("evidence {e:?} does not reproduce {x:?} ~ {y:?}"));
                }
            }
            (None, None) => {}
            (e, t) => return Err(format!("{x:?} / {y:?}: evidence {e:?} but tier {t:?}")),
        }
    }
    Ok(())
}
