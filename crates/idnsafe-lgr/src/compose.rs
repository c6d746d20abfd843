//! LGRs made from other LGRs: the union and the intersection of two
//! (`idnsafe lgr compare --union|--intersect`, after lgr-core's
//! `union_lgrs` and `intersect_lgrs`), and a set of script LGRs merged into
//! one (`idnsafe lgr merge-set`, after lgr-core's `merge_lgr_set`, as the
//! Root Zone's common LGR is made from its script LGRs).
//!
//! All three work on the compiled models, with ranges expanded to single
//! code points, and write RFC 7940 XML, which is loaded again so that what
//! is returned is known to load. Runs of plain code points (no variants,
//! same tags and contexts) are written back as ranges.
//!
//! - **Rules** keep their structure; classes are written as the code points
//!   they stand for (as `lgr write` does). A rule both LGRs of a union or
//!   intersection define with the same body (compared as written, facts
//!   only) is kept once; with different bodies both are kept, renamed
//!   `NAME_1` and `NAME_2`, and every reference (other rules, contexts,
//!   actions) follows the rename. In a merged set every rule is prefixed
//!   with its LGR's language tag (`und-Arab-no-mix-kaf-keheh`), except the
//!   MSR rule `leading-combining-mark`, which becomes the one
//!   `Common-leading-combining-mark`.
//! - **Where the two disagree** on something one element can hold only
//!   once (its `when`/`not-when` context, a mapping's type), the first LGR's
//!   value is kept and the disagreement is listed in
//!   [`Composed::conflicts`] for a person to settle. A context only one of
//!   them gives a shared element is kept (the element stays restricted).
//!   lgr-core instead drops
//!   the contexts of shared elements (union and intersection) or stops
//!   (merge-set).
//! - **Actions**: a union keeps the first LGR's actions, then the second's
//!   not already there; an intersection keeps the actions both have; a set
//!   keeps every LGR's own actions in turn (renamed), leaving out copies of
//!   the RFC 7940 §7.6 defaults, which are implied after all of them (a
//!   copy in one script LGR would otherwise come before the next one's).
//! - **Metadata**: versions joined with `|` when they differ, languages and
//!   scopes united (intersected for an intersection), the later
//!   validity start, the earlier validity end, the higher Unicode version,
//!   references united by text. No `<date>` is written: the output is the
//!   same on every run.
//!
//! Deliberate differences from lgr-core (listed in `CONFORMANCE.md`): a
//! union keeps the mappings of elements only the first LGR has (lgr-core
//! drops them) and the contexts of shared elements; a set merges LGRs that
//! share code points with different mappings (Chinese, Japanese and Korean
//! Han), where lgr-core stops with `VariantAlreadyExists`.

use crate::error::hex_cps as hex;
use crate::model::{Lgr, Metadata, Reference, Trigger, VariantTypes};
use crate::rules::Node;
use crate::write::{esc, line, write_meta};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

/// Most single code points a composed LGR may hold (every code point).
const MAX_ELEMENTS: usize = 0x11_0000;
/// The MSR rule shared by every Root Zone script LGR.
const MSR_RULES: &[&str] = &["leading-combining-mark"];

/// An LGR made by [`Lgr::union`], [`Lgr::intersect`] or [`merge_set`].
#[derive(Debug)]
pub struct Composed {
    /// The LGR as RFC 7940 XML.
    pub xml: String,
    /// The same, loaded.
    pub lgr: Lgr,
    /// What was made: counts of the parts.
    pub summary: ComposeSummary,
    /// Values the inputs disagree on, where the first was kept.
    pub conflicts: Vec<Conflict>,
}

/// Counts of what a composed LGR holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ComposeSummary {
    /// Repertoire elements (code points and sequences).
    pub elements: usize,
    /// Variant mappings.
    pub mappings: usize,
    /// Mappings added to keep a merged set's variant sets transitive.
    pub mappings_added: usize,
    /// Rules.
    pub rules: usize,
    /// Rules renamed because the inputs define the name differently.
    pub rules_renamed: Vec<String>,
    /// Actions (the implied defaults not counted).
    pub actions: usize,
}

/// One value two inputs disagree on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// `CONTEXT_CONFLICT`, `TYPE_CONFLICT` or `MAPPING_SOURCE_MISSING`.
    pub code: &'static str,
    /// The element (hex code points).
    pub element: String,
    /// The variant, for a mapping's type (empty otherwise).
    pub target: String,
    /// The value kept.
    pub kept: String,
    /// The value left out.
    pub dropped: String,
}

/// Why LGRs could not be composed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComposeError {
    /// `LGR_COMPOSE_LIMIT`, `LGR_SET_EMPTY`, `LGR_SET_SAME_LANGUAGE` or
    /// `LGR_COMPOSE_RESULT` (the result does not load: a bug).
    pub code: &'static str,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for ComposeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ComposeError {}

fn err(code: &'static str, message: impl Into<String>) -> ComposeError {
    ComposeError { code, message: message.into() }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Mapping {
    target: Vec<u32>,
    types: Vec<String>,
    when: Option<String>,
    not_when: Option<String>,
    comment: Option<String>,
}

impl Mapping {
    fn same_place(&self, o: &Mapping) -> bool {
        self.target == o.target && self.when == o.when && self.not_when == o.not_when
    }
}

#[derive(Debug, Clone)]
struct Element {
    cps: Vec<u32>,
    tags: Vec<String>,
    when: Option<String>,
    not_when: Option<String>,
    vars: Vec<Mapping>,
}

impl Element {
    fn context(&self) -> String {
        let mut s = String::new();
        if let Some(w) = &self.when {
            let _ = write!(s, "when={w}");
        }
        if let Some(w) = &self.not_when {
            if !s.is_empty() {
                s.push(' ');
            }
            let _ = write!(s, "not-when={w}");
        }
        s
    }
}

/// One input LGR with the names its rules get in the output.
struct Source<'a> {
    lgr: &'a Lgr,
    names: Vec<String>,
}

impl<'a> Source<'a> {
    fn new(lgr: &'a Lgr) -> Self {
        Source { lgr, names: lgr.rules.iter().map(|r| r.name.clone()).collect() }
    }

    fn name(&self, id: Option<u32>) -> Option<String> {
        self.names.get(id? as usize).cloned()
    }

    /// The rule bodies, as written with the output's names.
    fn rule_body(&self, i: usize) -> String {
        self.lgr.rule_text_named(i, Some(&self.names)).unwrap_or_default()
    }

    /// The LGR's own actions as written, each with the rule it triggers
    /// on; without copies of the RFC 7940 §7.6 defaults when `strip` (a
    /// merged set, where they would come before later LGRs' actions).
    fn actions(&self, strip: bool) -> Vec<(String, Option<u32>)> {
        let defaults = if strip { self.lgr.default_action_texts() } else { Vec::new() };
        let texts = self.lgr.action_texts_named(Some(&self.names));
        let own = self.lgr.actions.iter().filter(|a| !a.default);
        texts
            .into_iter()
            .zip(own)
            .filter(|(t, _)| !defaults.contains(t))
            .map(|(t, a)| match a.trigger {
                Trigger::Match(r) | Trigger::NotMatch(r) => (t, Some(r)),
                Trigger::Always => (t, None),
            })
            .collect()
    }

    /// Every element, ranges expanded, with rule names of the output.
    fn elements(&self, count: &mut usize) -> Result<Vec<Element>, ComposeError> {
        let lgr = self.lgr;
        let mut out = Vec::new();
        let mut bump = |n: usize| {
            *count += n;
            if *count > MAX_ELEMENTS {
                Err(err(
                    "LGR_COMPOSE_LIMIT",
                    format!("more than {MAX_ELEMENTS} repertoire elements to compose"),
                ))
            } else {
                Ok(())
            }
        };
        for e in &lgr.elems {
            bump(1)?;
            let vars = e
                .vars
                .iter()
                .map(|v| Mapping {
                    target: v.cps.to_vec(),
                    types: lgr
                        .type_names(VariantTypes(v.types))
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                    when: self.name(v.when),
                    not_when: self.name(v.not_when),
                    comment: v.comment.clone(),
                })
                .collect();
            out.push(Element {
                cps: e.cps.to_vec(),
                tags: e.tags.clone(),
                when: self.name(e.when),
                not_when: self.name(e.not_when),
                vars,
            });
        }
        for (i, r) in lgr.ranges.iter().enumerate() {
            bump((r.last - r.first) as usize + 1)?;
            let tags = lgr.range_tags.get(i).cloned().unwrap_or_default();
            for c in r.first..=r.last {
                out.push(Element {
                    cps: vec![c],
                    tags: tags.clone(),
                    when: self.name(r.when),
                    not_when: self.name(r.not_when),
                    vars: Vec::new(),
                });
            }
        }
        Ok(out)
    }

    /// Rule ids `ids` refer to, directly or through other rules, with them.
    fn closure(&self, ids: &mut BTreeSet<u32>) {
        let mut todo: Vec<u32> = ids.iter().copied().collect();
        while let Some(i) = todo.pop() {
            let mut refs = Vec::new();
            if let Some(r) = self.lgr.rules.get(i as usize) {
                node_refs(&r.node, &mut refs);
            }
            for r in refs {
                if ids.insert(r) {
                    todo.push(r);
                }
            }
        }
    }

    fn rule_id(&self, name: &str) -> Option<u32> {
        self.names.iter().position(|n| n == name).and_then(|i| u32::try_from(i).ok())
    }
}

fn node_refs(n: &Node, out: &mut Vec<u32>) {
    match n {
        Node::Ref(id) => out.push(*id),
        Node::Cat(ns) | Node::Alt(ns) => ns.iter().for_each(|k| node_refs(k, out)),
        Node::Rep(k, _, _) | Node::Behind(k, _, _) | Node::Ahead(k) => node_refs(k, out),
        _ => {}
    }
}

/// The LGR being written: elements in order, rules, actions, metadata.
#[derive(Default)]
struct Doc {
    meta: Metadata,
    elems: Vec<Element>,
    at: HashMap<Vec<u32>, usize>,
    rules: Vec<(String, String)>,
    actions: Vec<String>,
    conflicts: Vec<Conflict>,
    summary: ComposeSummary,
}

impl Doc {
    fn get_mut(&mut self, cps: &[u32]) -> Option<&mut Element> {
        let i = *self.at.get(cps)?;
        self.elems.get_mut(i)
    }

    fn push(&mut self, e: Element) {
        self.at.insert(e.cps.clone(), self.elems.len());
        self.elems.push(e);
    }

    /// Adds `e`, or, when the document already has its element, what `e`
    /// gives it: the tags it lacks, the context ([`Doc::merge_context`])
    /// and the mappings ([`Doc::add_mapping`]).
    fn join(&mut self, e: Element) {
        let Some(mine) = self.get_mut(&e.cps) else {
            self.push(e);
            return;
        };
        for t in &e.tags {
            if !mine.tags.contains(t) {
                mine.tags.push(t.clone());
            }
        }
        let Element { cps, when, not_when, vars, .. } = e;
        self.merge_context(&cps, when, not_when);
        for m in vars {
            self.add_mapping(&cps, m);
        }
    }

    fn add_rule(&mut self, name: &str, body: String) {
        if !self.rules.iter().any(|(n, _)| n == name) {
            self.rules.push((name.to_owned(), body));
        }
    }

    fn add_action(&mut self, a: String) {
        if !self.actions.contains(&a) {
            self.actions.push(a);
        }
    }

    fn conflict(
        &mut self,
        code: &'static str,
        e: &[u32],
        t: &[u32],
        kept: String,
        dropped: String,
    ) {
        self.conflicts.push(Conflict {
            code,
            element: hex(e),
            target: if t.is_empty() { String::new() } else { hex(t) },
            kept,
            dropped,
        });
    }

    /// `other`'s context onto `into` (kept when `into` has none; a
    /// different one is a conflict).
    fn merge_context(&mut self, cps: &[u32], when: Option<String>, not_when: Option<String>) {
        let Some(e) = self.get_mut(cps) else { return };
        let theirs =
            Element { cps: Vec::new(), tags: Vec::new(), when, not_when, vars: Vec::new() };
        if theirs.when.is_none() && theirs.not_when.is_none() {
            return;
        }
        if e.when.is_none() && e.not_when.is_none() {
            e.when = theirs.when;
            e.not_when = theirs.not_when;
            return;
        }
        if e.when != theirs.when || e.not_when != theirs.not_when {
            let kept = e.context();
            self.conflict("CONTEXT_CONFLICT", cps, &[], kept, theirs.context());
        }
    }

    /// Adds mapping `m` to element `cps` unless one to the same target in
    /// the same context is there; a different type is a conflict.
    fn add_mapping(&mut self, cps: &[u32], m: Mapping) -> bool {
        let Some(e) = self.get_mut(cps) else { return false };
        match e.vars.iter().find(|v| v.same_place(&m)) {
            None => {
                e.vars.push(m);
                true
            }
            Some(v) if v.types == m.types => false,
            Some(v) => {
                let kept = v.types.join(" ");
                self.conflict("TYPE_CONFLICT", cps, &m.target, kept, m.types.join(" "));
                false
            }
        }
    }

    fn finish(mut self, facts_only: bool) -> Result<Composed, ComposeError> {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        out.push_str("<lgr xmlns=\"urn:ietf:params:xml:ns:lgr-1.0\">\n");
        write_meta(&mut out, &self.meta, facts_only);
        line(&mut out, 1, "<data>");
        let mut i = 0;
        while let Some(e) = self.elems.get(i) {
            let mut attrs = String::new();
            if !e.tags.is_empty() {
                let _ = write!(attrs, " tag=\"{}\"", esc(&e.tags.join(" ")));
            }
            attrs.push_str(&context_attrs(&e.when, &e.not_when));
            // A run of plain single code points in a row is one range.
            let plain = |x: &Element| x.cps.len() == 1 && x.vars.is_empty();
            let mut j = i + 1;
            if plain(e) {
                while let Some(n) = self.elems.get(j) {
                    let next = n.cps.first().copied();
                    let last = self.elems.get(j - 1).and_then(|p| p.cps.first().copied());
                    if !plain(n)
                        || next != last.map(|c| c + 1)
                        || n.tags != e.tags
                        || n.when != e.when
                        || n.not_when != e.not_when
                    {
                        break;
                    }
                    j += 1;
                }
            }
            if j > i + 1 {
                let first = e.cps.first().copied().unwrap_or(0);
                let last = first + (j - i - 1) as u32;
                line(
                    &mut out,
                    2,
                    &format!("<range first-cp=\"{first:04X}\" last-cp=\"{last:04X}\"{attrs}/>"),
                );
                i = j;
                continue;
            }
            let head = format!("<char cp=\"{}\"{attrs}", hex(&e.cps));
            if e.vars.is_empty() {
                line(&mut out, 2, &format!("{head}/>"));
            } else {
                line(&mut out, 2, &format!("{head}>"));
                for v in &e.vars {
                    let mut s = format!("<var cp=\"{}\"", hex(&v.target));
                    if !v.types.is_empty() {
                        let _ = write!(s, " type=\"{}\"", esc(&v.types.join(" ")));
                    }
                    s.push_str(&context_attrs(&v.when, &v.not_when));
                    if let (Some(c), false) = (&v.comment, facts_only) {
                        let _ = write!(s, " comment=\"{}\"", esc(c));
                    }
                    s.push_str("/>");
                    line(&mut out, 3, &s);
                }
                line(&mut out, 2, "</char>");
            }
            i += 1;
        }
        line(&mut out, 1, "</data>");
        if !self.rules.is_empty() || !self.actions.is_empty() {
            line(&mut out, 1, "<rules>");
            for (name, body) in &self.rules {
                line(&mut out, 2, &format!("<rule name=\"{}\">", esc(name)));
                for l in body.lines() {
                    line(&mut out, 3, l);
                }
                line(&mut out, 2, "</rule>");
            }
            for a in &self.actions {
                line(&mut out, 2, a);
            }
            line(&mut out, 1, "</rules>");
        }
        out.push_str("</lgr>\n");
        let lgr = Lgr::from_xml(&out).map_err(|e| {
            err("LGR_COMPOSE_RESULT", format!("the composed LGR does not load: {e}"))
        })?;
        self.summary.elements = self.elems.len();
        self.summary.mappings = self.elems.iter().map(|e| e.vars.len()).sum();
        self.summary.rules = self.rules.len();
        self.summary.actions = self.actions.len();
        Ok(Composed { xml: out, lgr, summary: self.summary, conflicts: self.conflicts })
    }
}

/// ` when=".." not-when=".."` for the contexts present.
fn context_attrs(when: &Option<String>, not_when: &Option<String>) -> String {
    let mut s = String::new();
    if let Some(w) = when {
        let _ = write!(s, " when=\"{}\"", esc(w));
    }
    if let Some(w) = not_when {
        let _ = write!(s, " not-when=\"{}\"", esc(w));
    }
    s
}

/// Dotted version numbers compared by their numbers (`15.1.0` > `6.3.0`).
fn version_key(v: &str) -> Vec<u64> {
    v.split('.').map(|p| p.trim().parse().unwrap_or(0)).collect()
}

fn pick<T: Clone>(a: &Option<T>, b: &Option<T>, f: impl Fn(&T, &T) -> T) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(f(x, y)),
        (x, None) => x.clone(),
        (None, y) => y.clone(),
    }
}

fn joined(a: &Option<String>, b: &Option<String>) -> Option<String> {
    pick(a, b, |x, y| if x == y { x.clone() } else { format!("{x}|{y}") })
}

/// Metadata of the union (`unite`) or intersection of `a` and `b`.
fn meta_of(a: &Metadata, b: &Metadata, unite: bool) -> Metadata {
    let both = |x: &Vec<String>, y: &Vec<String>| -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for s in x.iter().chain(y) {
            let keep = unite || (x.contains(s) && y.contains(s));
            if keep && !v.contains(s) {
                v.push(s.clone());
            }
        }
        v
    };
    let mut scopes = Vec::new();
    for s in a.scopes.iter().chain(&b.scopes) {
        let keep = unite || (a.scopes.contains(s) && b.scopes.contains(s));
        if keep && !scopes.contains(s) {
            scopes.push(s.clone());
        }
    }
    let mut refs: Vec<&Reference> = Vec::new();
    for r in a.references.iter().chain(&b.references) {
        let keep = unite
            || (a.references.iter().any(|x| x.text == r.text)
                && b.references.iter().any(|x| x.text == r.text));
        if keep && !refs.iter().any(|x| x.text == r.text) {
            refs.push(r);
        }
    }
    let description = match (&a.description, &b.description) {
        (Some(x), Some(y)) if x != y => Some(format!("{x}\n----\n{y}")),
        (x, y) => x.clone().or_else(|| y.clone()),
    };
    let description_type = match (&a.description_type, &b.description_type) {
        (Some(x), Some(y)) if x == y => Some(x.clone()),
        (Some(_), Some(_)) => None,
        (x, y) => x.clone().or_else(|| y.clone()),
    };
    Metadata {
        version: joined(&a.version, &b.version),
        version_comment: joined(&a.version_comment, &b.version_comment),
        date: None,
        languages: both(&a.languages, &b.languages),
        scopes,
        unicode_version: pick(&a.unicode_version, &b.unicode_version, |x, y| {
            if version_key(y) > version_key(x) { y.clone() } else { x.clone() }
        }),
        validity_start: pick(&a.validity_start, &b.validity_start, |x, y| x.max(y).clone()),
        validity_end: pick(&a.validity_end, &b.validity_end, |x, y| x.min(y).clone()),
        description,
        description_type,
        references: renumber(refs),
    }
}

/// References with fresh ids `0`, `1`, ... (ids of different inputs clash).
fn renumber(refs: Vec<&Reference>) -> Vec<Reference> {
    refs.into_iter()
        .enumerate()
        .map(|(i, r)| Reference {
            id: i.to_string(),
            text: r.text.clone(),
            comment: r.comment.clone(),
        })
        .collect()
}

/// Renames the rules both define with different bodies (`NAME_1`,
/// `NAME_2`, a further `_1`/`_2` while a name is taken). Returns the rules
/// renamed (by their original name).
fn rename_clashes(a: &mut Source<'_>, b: &mut Source<'_>) -> Vec<String> {
    let mut renamed = Vec::new();
    let taken: BTreeSet<String> = a.names.iter().chain(&b.names).cloned().collect();
    let mut taken = taken;
    for i in 0..a.names.len() {
        let Some(name) = a.names.get(i).cloned() else { continue };
        let Some(j) = b.rule_id(&name) else { continue };
        // Bodies compared with the original names of what they refer to.
        let (ba, bb) = (a.lgr.rule_text(i), b.lgr.rule_text(j as usize));
        if ba == bb {
            continue;
        }
        let fresh = |base: String, taken: &mut BTreeSet<String>| {
            let mut n = base;
            while taken.contains(&n) {
                n.push_str("_1");
            }
            taken.insert(n.clone());
            n
        };
        let n1 = fresh(format!("{name}_1"), &mut taken);
        let n2 = fresh(format!("{name}_2"), &mut taken);
        if let Some(x) = a.names.get_mut(i) {
            *x = n1;
        }
        if let Some(x) = b.names.get_mut(j as usize) {
            *x = n2;
        }
        renamed.push(name);
    }
    renamed
}

/// How [`Lgr::union`], [`Lgr::intersect`] and [`merge_set`] write.
#[derive(Debug, Clone, Copy, Default)]
pub struct ComposeOptions {
    /// Leave out the description and every comment.
    pub facts_only: bool,
}

impl Lgr {
    /// The union of this LGR and `other` (see the `compose` module
    /// documentation): every element of either, the mappings of both.
    pub fn union(&self, other: &Lgr, opts: ComposeOptions) -> Result<Composed, ComposeError> {
        let (mut a, mut b) = (Source::new(self), Source::new(other));
        let renamed = rename_clashes(&mut a, &mut b);
        let mut doc = Doc { meta: meta_of(&self.meta, &other.meta, true), ..Doc::default() };
        doc.summary.rules_renamed = renamed;
        let mut count = 0;
        for e in a.elements(&mut count)? {
            doc.push(e);
        }
        for e in b.elements(&mut count)? {
            doc.join(e);
        }
        for s in [&a, &b] {
            for i in 0..s.lgr.rules.len() {
                if let Some(n) = s.names.get(i) {
                    doc.add_rule(n, s.rule_body(i));
                }
            }
        }
        for s in [&a, &b] {
            for (t, _) in s.actions(false) {
                doc.add_action(t);
            }
        }
        doc.finish(opts.facts_only)
    }

    /// The intersection of this LGR and `other`: the elements both have
    /// (with the tags both give them), the mappings both have (same target
    /// and context), the actions both have, and the rules these use.
    pub fn intersect(&self, other: &Lgr, opts: ComposeOptions) -> Result<Composed, ComposeError> {
        let (mut a, mut b) = (Source::new(self), Source::new(other));
        let renamed = rename_clashes(&mut a, &mut b);
        let mut doc = Doc { meta: meta_of(&self.meta, &other.meta, false), ..Doc::default() };
        doc.summary.rules_renamed = renamed;
        let mut count = 0;
        let theirs: HashMap<Vec<u32>, Element> =
            b.elements(&mut count)?.into_iter().map(|e| (e.cps.clone(), e)).collect();
        for mut e in a.elements(&mut count)? {
            let Some(t) = theirs.get(&e.cps) else { continue };
            e.tags.retain(|x| t.tags.contains(x));
            let vars = std::mem::take(&mut e.vars);
            let (when, not_when) = (t.when.clone(), t.not_when.clone());
            let cps = e.cps.clone();
            doc.push(e);
            doc.merge_context(&cps, when, not_when);
            for m in vars {
                let Some(o) = t.vars.iter().find(|o| o.same_place(&m)) else { continue };
                let common: Vec<String> =
                    m.types.iter().filter(|x| o.types.contains(x)).cloned().collect();
                if common.is_empty() && !(m.types.is_empty() && o.types.is_empty()) {
                    doc.conflict(
                        "TYPE_CONFLICT",
                        &cps,
                        &m.target,
                        m.types.join(" "),
                        o.types.join(" "),
                    );
                    doc.add_mapping(&cps, m);
                } else {
                    doc.add_mapping(&cps, Mapping { types: common, ..m });
                }
            }
        }
        let (ta, tb) = (a.actions(false), b.actions(false));
        // The rules the kept contexts and actions name, and what they use.
        let mut used: BTreeSet<String> = BTreeSet::new();
        for (t, rule) in ta.iter().filter(|(t, _)| tb.iter().any(|(u, _)| u == t)) {
            doc.add_action(t.clone());
            used.extend(a.name(*rule));
        }
        for e in &doc.elems {
            used.extend(e.when.iter().chain(&e.not_when).cloned());
            for v in &e.vars {
                used.extend(v.when.iter().chain(&v.not_when).cloned());
            }
        }
        for s in [&a, &b] {
            let mut ids: BTreeSet<u32> = used.iter().filter_map(|n| s.rule_id(n)).collect();
            s.closure(&mut ids);
            for i in ids {
                if let Some(n) = s.names.get(i as usize) {
                    doc.add_rule(n, s.rule_body(i as usize));
                }
            }
        }
        doc.finish(opts.facts_only)
    }
}

/// Merges script LGRs into one set LGR (see the `compose` module
/// documentation): ordered by language tag (`und-` tags last), every
/// element of each, every mapping `blocked`, contexts, rules and actions
/// prefixed with the LGR's language tag, and where two LGRs give a shared
/// element different variants, mappings between those variants added both
/// ways so the variant sets stay transitive.
pub fn merge_set(lgrs: &[&Lgr], opts: ComposeOptions) -> Result<Composed, ComposeError> {
    if lgrs.is_empty() {
        return Err(err("LGR_SET_EMPTY", "no LGR to merge"));
    }
    let script = |l: &Lgr| l.meta.languages.first().cloned().unwrap_or_default();
    let mut order: Vec<&Lgr> = lgrs.to_vec();
    order.sort_by_key(|l| script(l).replace("und-", "zzz"));
    for w in order.windows(2) {
        if let [x, y] = w
            && script(x) == script(y)
        {
            return Err(err(
                "LGR_SET_SAME_LANGUAGE",
                format!(
                    "two LGRs of the set have the language tag '{}'; their rules would share names",
                    script(x)
                ),
            ));
        }
    }
    let mut doc = Doc::default();
    let mut meta = order.first().map(|l| l.meta.clone()).unwrap_or_default();
    meta.version = None;
    meta.version_comment = None;
    for l in order.iter().skip(1) {
        meta = meta_of(&meta, &l.meta, true);
    }
    // Versions as lgr-core joins them: each distinct value once.
    let mut versions: Vec<String> = Vec::new();
    for v in order.iter().filter_map(|l| l.meta.version.clone()) {
        if !versions.contains(&v) {
            versions.push(v);
        }
    }
    meta.version = (!versions.is_empty()).then(|| versions.join("|"));
    meta.date = None;
    doc.meta = meta;
    let mut count = 0;
    // Per shared element: the variants the new LGR adds, those it lacks.
    type Targets = Vec<Vec<u32>>;
    let mut pending: Vec<(Targets, Targets)> = Vec::new();
    let mut sources = Vec::new();
    for l in &order {
        let sc = script(l);
        let names: Vec<String> = l
            .rules
            .iter()
            .map(|r| {
                if MSR_RULES.contains(&r.name.as_str()) {
                    format!("Common-{}", r.name)
                } else {
                    format!("{sc}-{}", r.name)
                }
            })
            .collect();
        let src = Source { lgr: l, names };
        for mut e in src.elements(&mut count)? {
            for t in &mut e.tags {
                if !t.contains(':') {
                    *t = format!("{sc}-{t}");
                }
            }
            for v in &mut e.vars {
                v.types = vec!["blocked".to_owned()];
            }
            let Some(mine) = doc.get_mut(&e.cps) else {
                doc.push(e);
                continue;
            };
            // Variants this LGR gives a shared element that an earlier one
            // did not, and the other way round: linked below.
            let not_self = |m: &&Mapping| m.target != e.cps;
            let new: Vec<Vec<u32>> = e
                .vars
                .iter()
                .filter(not_self)
                .filter(|m| !mine.vars.iter().any(|x| x.target == m.target))
                .map(|m| m.target.clone())
                .collect();
            let old: Vec<Vec<u32>> = mine
                .vars
                .iter()
                .filter(|m| m.target != e.cps)
                .filter(|m| !e.vars.iter().any(|x| x.target == m.target))
                .map(|m| m.target.clone())
                .collect();
            if !new.is_empty() && !old.is_empty() {
                pending.push((new, old));
            }
            doc.join(e);
        }
        sources.push(src);
    }
    for (new, old) in pending {
        for x in &new {
            for y in &old {
                if x == y {
                    continue;
                }
                for (s, t) in [(x, y), (y, x)] {
                    let m = Mapping {
                        target: t.clone(),
                        types: vec!["blocked".to_owned()],
                        when: None,
                        not_when: None,
                        comment: Some("New variant for merge to keep transitivity".to_owned()),
                    };
                    if doc.at.contains_key(s) {
                        if doc.add_mapping(s, m) {
                            doc.summary.mappings_added += 1;
                        }
                    } else {
                        doc.conflict(
                            "MAPPING_SOURCE_MISSING",
                            s,
                            t,
                            String::new(),
                            "blocked".into(),
                        );
                    }
                }
            }
        }
    }
    for s in &sources {
        for (t, _) in s.actions(true) {
            doc.add_action(t);
        }
        for i in 0..s.lgr.rules.len() {
            if let Some(n) = s.names.get(i) {
                doc.add_rule(n, s.rule_body(i));
            }
        }
    }
    doc.finish(opts.facts_only)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lgr(data: &str, rules: &str, lang: &str) -> Lgr {
        Lgr::from_xml(&format!(
            "<lgr xmlns=\"urn:ietf:params:xml:ns:lgr-1.0\"><meta><language>{lang}</language></meta>\
             <data>{data}</data><rules>{rules}</rules></lgr>"
        ))
        .unwrap()
    }

    #[test]
    fn union_renames_clashing_rules_and_keeps_references() {
        let a = lgr(
            r#"<char cp="0061"/><char cp="002D" not-when="edge"/>"#,
            r#"<rule name="edge"><start/><char cp="002D"/></rule>
               <action disp="invalid" match="edge"/>"#,
            "und-Latn",
        );
        let b = lgr(
            r#"<char cp="0062"/><char cp="002D" not-when="edge"/>"#,
            r#"<rule name="edge"><char cp="002D"/><end/></rule>"#,
            "und-Latn",
        );
        let u = a.union(&b, ComposeOptions::default()).unwrap();
        assert_eq!(u.summary.rules_renamed, vec!["edge".to_owned()]);
        assert!(u.xml.contains(r#"not-when="edge_1""#) && u.xml.contains(r#"match="edge_1""#));
        assert!(u.xml.contains(r#"<rule name="edge_2">"#));
        // The hyphen's contexts differ (after the rename): the first is kept.
        assert_eq!(u.conflicts.len(), 1);
        assert_eq!(u.conflicts[0].code, "CONTEXT_CONFLICT");
        assert_eq!(u.conflicts[0].kept, "not-when=edge_1");
        assert_eq!(u.lgr.disposition("ab").disposition.as_str(), "valid");
        assert_eq!(u.lgr.disposition("a-b").disposition.as_str(), "valid");
        assert_eq!(u.lgr.disposition("-ab").disposition.as_str(), "invalid");
        let i = a.intersect(&b, ComposeOptions::default()).unwrap();
        assert_eq!(i.summary.elements, 1, "{}", i.xml);
        assert_eq!(i.summary.actions, 0);
        assert!(i.xml.contains(r#"<rule name="edge_1">"#), "{}", i.xml);
        assert!(!i.xml.contains("edge_2"), "an unused rule is left out: {}", i.xml);
    }

    #[test]
    fn merge_set_prefixes_blocks_and_closes() {
        // x has variant y in the first script, z in the second: y and z
        // become variants of each other.
        let a = lgr(
            r#"<char cp="0078"><var cp="0079" type="allocatable"/></char><char cp="0079"><var cp="0078" type="allocatable"/></char>"#,
            r#"<rule name="r"><start/></rule><action disp="invalid" match="r"/>"#,
            "und-Aaaa",
        );
        let b = lgr(
            r#"<char cp="0078"><var cp="007A" type="r-simp"/></char><char cp="007A"><var cp="0078" type="simp"/></char>"#,
            r#"<rule name="r"><end/></rule>"#,
            "und-Bbbb",
        );
        let m = merge_set(&[&b, &a], ComposeOptions::default()).unwrap();
        assert!(m.xml.contains(r#"<rule name="und-Aaaa-r">"#) && m.xml.contains("und-Bbbb-r"));
        assert!(m.xml.contains(r#"match="und-Aaaa-r""#));
        assert_eq!(m.summary.mappings_added, 2);
        assert_eq!(m.lgr.variant_types(), ["blocked"]);
        assert!(m.lgr.are_variants("y", "z").unwrap());
        let e = merge_set(&[&a, &a], ComposeOptions::default()).unwrap_err();
        assert_eq!(e.code, "LGR_SET_SAME_LANGUAGE");
        assert_eq!(merge_set(&[], ComposeOptions::default()).unwrap_err().code, "LGR_SET_EMPTY");
    }

    #[test]
    fn ranges_come_back_as_ranges() {
        let a = lgr(r#"<range first-cp="0061" last-cp="007A"/>"#, "", "und-Latn");
        let b = lgr(
            r#"<char cp="0062"><var cp="0063" type="blocked"/></char><char cp="0063"><var cp="0062" type="blocked"/></char>"#,
            "",
            "und-Latn",
        );
        let u = a.union(&b, ComposeOptions::default()).unwrap();
        assert!(u.xml.contains(r#"<range first-cp="0064" last-cp="007A"/>"#), "{}", u.xml);
        assert_eq!(u.summary.elements, 26);
        assert_eq!(u.summary.mappings, 2);
    }
}
