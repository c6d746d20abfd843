//! RFC 7940 XML → [`Lgr`], with the checks of [`crate::validate_xml`].

use crate::cpset::{CpSet, MAX_CP};
use crate::error::{Diagnostic, LoadError, Severity, fmt_cps};
use crate::model::*;
use crate::rules::{Node, Rule, node_has_anchor, node_refs, parse_count, starts_at_start};
use roxmltree::{Document, Node as XNode, ParsingOptions};
use rustc_hash::{FxHashMap, FxHashSet};

/// Resource limits for loading an LGR.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Largest accepted XML document in bytes (default 16 MiB).
    pub size_limit: usize,
    /// Deepest accepted nesting of rules and classes (default 32).
    pub nest_limit: u32,
    /// Most repertoire elements (chars, sequences and ranges; default 200,000).
    pub repertoire_limit: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { size_limit: 16 << 20, nest_limit: 32, repertoire_limit: 200_000 }
    }
}

/// The outcome of [`crate::validate_xml`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct Validation {
    /// Every finding, errors first.
    pub diagnostics: Vec<Diagnostic>,
}

impl Validation {
    /// Whether the LGR loads (no error-severity diagnostic).
    pub fn is_usable(&self) -> bool {
        !self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

struct Loader<'a, 'input> {
    doc: &'a Document<'input>,
    line_starts: Vec<usize>,
    opts: &'a LoadOptions,
    diags: Vec<Diagnostic>,
    sets: Vec<CpSet>,
    class_names: Vec<String>,
    named_classes: FxHashMap<String, XNode<'a, 'input>>,
    class_memo: FxHashMap<String, Option<u32>>,
    class_in_progress: FxHashSet<String>,
    rule_names: FxHashMap<String, u32>,
    rules: Vec<Rule>,
    tags: FxHashMap<String, Vec<(u32, u32)>>,
    types: Vec<String>,
    used_rules: FxHashSet<u32>,
}

fn local(n: &XNode) -> &'static str {
    // Element names we know are ASCII literals; map unknown ones to "".
    const KNOWN: &[&str] = &[
        "lgr",
        "meta",
        "data",
        "rules",
        "version",
        "date",
        "language",
        "scope",
        "unicode-version",
        "validity-start",
        "validity-end",
        "description",
        "references",
        "reference",
        "char",
        "range",
        "var",
        "class",
        "union",
        "complement",
        "intersection",
        "difference",
        "symmetric-difference",
        "rule",
        "action",
        "start",
        "end",
        "anchor",
        "any",
        "choice",
        "look-behind",
        "look-ahead",
    ];
    let name = n.tag_name().name();
    KNOWN.iter().find(|k| **k == name).copied().unwrap_or("")
}

impl<'a, 'input> Loader<'a, 'input> {
    fn pos(&self, n: &XNode) -> (u32, u32) {
        // roxmltree's text_pos_at scans from the start of the document;
        // a line index keeps loading linear.
        let off = n.range().start;
        let line = self.line_starts.partition_point(|&s| s <= off);
        let start = line.checked_sub(1).and_then(|i| self.line_starts.get(i)).copied().unwrap_or(0);
        let col = self.doc.input_text().get(start..off).map(|t| t.chars().count()).unwrap_or(0);
        (line as u32, col as u32 + 1)
    }

    fn diag(&mut self, sev: Severity, code: &'static str, n: Option<&XNode>, msg: String) {
        let (line, column) = n.map(|n| self.pos(n)).unwrap_or((0, 0));
        self.diags.push(Diagnostic { severity: sev, code, message: msg, line, column });
    }

    fn err(&mut self, code: &'static str, n: &XNode, msg: String) {
        self.diag(Severity::Error, code, Some(n), msg);
    }

    fn warn(&mut self, code: &'static str, n: &XNode, msg: String) {
        self.diag(Severity::Warning, code, Some(n), msg);
    }

    fn parse_cps(&mut self, n: &XNode, s: &str) -> Option<Box<[u32]>> {
        let mut v = Vec::new();
        for part in s.split_ascii_whitespace() {
            match parse_hex(part) {
                Some(c) => v.push(c),
                None => {
                    self.err(
                        "LGR_BAD_CODE_POINT",
                        n,
                        format!("'{part}' is not a code point (hex, at most 10FFFF)"),
                    );
                    return None;
                }
            }
        }
        if v.is_empty() || v.len() > 63 {
            self.err(
                "LGR_BAD_CODE_POINT",
                n,
                format!("code point sequence '{s}' is empty or too long"),
            );
            return None;
        }
        Some(v.into())
    }

    fn type_bit(&mut self, n: &XNode, t: &str) -> u128 {
        if let Some(i) = self.types.iter().position(|x| x == t) {
            return 1u128 << i;
        }
        if self.types.len() >= MAX_TYPES {
            self.err(
                "LGR_TOO_MANY_VARIANT_TYPES",
                n,
                format!("more than {MAX_TYPES} distinct variant types"),
            );
            return 0;
        }
        self.types.push(t.to_owned());
        1u128 << (self.types.len() - 1)
    }

    fn type_list(&mut self, n: &XNode, s: &str) -> u128 {
        let mut m = 0;
        for t in s.split_ascii_whitespace() {
            if !self.types.iter().any(|x| x == t) {
                self.warn(
                    "LGR_UNDEFINED_VARIANT_TYPE",
                    n,
                    format!("action names variant type '{t}', which no variant mapping uses"),
                );
            }
            m |= self.type_bit(n, t);
        }
        m
    }

    fn rule_ref(&mut self, n: &XNode, name: &str, what: &str) -> Option<u32> {
        match self.rule_names.get(name) {
            Some(&id) => {
                self.used_rules.insert(id);
                Some(id)
            }
            None => {
                self.err(
                    "LGR_UNDEFINED_RULE",
                    n,
                    format!("{what} refers to rule '{name}', which is not defined"),
                );
                None
            }
        }
    }

    // ---- classes (RFC 7940 §6.2, §6.3) ----

    fn class_set(&mut self, n: XNode<'a, 'input>, depth: u32) -> CpSet {
        if depth > self.opts.nest_limit {
            self.err(
                "LGR_NESTING_LIMIT",
                &n,
                format!("classes nested deeper than {}", self.opts.nest_limit),
            );
            return CpSet::new();
        }
        let kids: Vec<XNode> = n.children().filter(|c| c.is_element()).collect();
        match local(&n) {
            "class" => {
                if let Some(r) = n.attribute("by-ref") {
                    return self.named_class(&n, r, depth);
                }
                if let Some(t) = n.attribute("from-tag") {
                    return match self.tags.get(t) {
                        Some(r) => CpSet::from_ranges(r.clone()),
                        None => {
                            self.warn(
                                "LGR_UNDEFINED_TAG",
                                &n,
                                format!("class uses tag '{t}', which no code point carries"),
                            );
                            CpSet::new()
                        }
                    };
                }
                if let Some(p) = n.attribute("property") {
                    return match crate::props::property_set(p) {
                        Some(s) => s,
                        None => {
                            self.err(
                                "LGR_UNKNOWN_PROPERTY",
                                &n,
                                format!("unsupported Unicode property '{p}'"),
                            );
                            CpSet::new()
                        }
                    };
                }
                let text = n.text().unwrap_or("");
                let mut ranges = Vec::new();
                for part in text.split_ascii_whitespace() {
                    let r = match part.split_once('-') {
                        Some((a, b)) => parse_hex(a).zip(parse_hex(b)).filter(|(a, b)| a <= b),
                        None => parse_hex(part).map(|c| (c, c)),
                    };
                    match r {
                        Some(r) => ranges.push(r),
                        None => self.err(
                            "LGR_BAD_CODE_POINT",
                            &n,
                            format!("'{part}' is not a code point or range"),
                        ),
                    }
                }
                CpSet::from_ranges(ranges)
            }
            "union" => {
                let mut s = CpSet::new();
                for k in kids {
                    let x = self.class_set(k, depth + 1);
                    s = s.union(&x);
                }
                s
            }
            "complement" => match kids.as_slice() {
                [k] => self.class_set(*k, depth + 1).complement(),
                _ => {
                    self.err(
                        "LGR_BAD_SET_OPERATION",
                        &n,
                        "complement takes exactly one class".into(),
                    );
                    CpSet::new()
                }
            },
            op @ ("intersection" | "difference" | "symmetric-difference") => {
                match kids.as_slice() {
                    [a, b] => {
                        let a = self.class_set(*a, depth + 1);
                        let b = self.class_set(*b, depth + 1);
                        match op {
                            "intersection" => a.intersection(&b),
                            "difference" => a.difference(&b),
                            _ => a.symmetric_difference(&b),
                        }
                    }
                    _ => {
                        self.err(
                            "LGR_BAD_SET_OPERATION",
                            &n,
                            format!("{op} takes exactly two classes"),
                        );
                        CpSet::new()
                    }
                }
            }
            _ => {
                self.err(
                    "LGR_UNEXPECTED_ELEMENT",
                    &n,
                    format!("<{}> is not a class", n.tag_name().name()),
                );
                CpSet::new()
            }
        }
    }

    fn named_class(&mut self, n: &XNode, name: &str, depth: u32) -> CpSet {
        if let Some(id) = self.class_memo.get(name).copied().flatten() {
            return self.sets.get(id as usize).cloned().unwrap_or_default();
        }
        let Some(def) = self.named_classes.get(name).copied() else {
            self.err("LGR_UNDEFINED_CLASS", n, format!("class '{name}' is not defined"));
            return CpSet::new();
        };
        if !self.class_in_progress.insert(name.to_owned()) {
            self.err("LGR_CLASS_CYCLE", n, format!("class '{name}' refers to itself"));
            return CpSet::new();
        }
        let s = self.class_set(def, depth + 1);
        self.class_in_progress.remove(name);
        let id = self.push_set(s.clone(), name.to_owned());
        self.class_memo.insert(name.to_owned(), Some(id));
        s
    }

    fn push_set(&mut self, s: CpSet, name: String) -> u32 {
        if let Some(i) = self.sets.iter().position(|x| *x == s) {
            return i as u32;
        }
        self.sets.push(s);
        self.class_names.push(name);
        (self.sets.len() - 1) as u32
    }

    // ---- rules (RFC 7940 §6.3) ----

    fn rule_node(&mut self, n: XNode<'a, 'input>, depth: u32) -> Node {
        if depth > self.opts.nest_limit {
            self.err(
                "LGR_NESTING_LIMIT",
                &n,
                format!("rules nested deeper than {}", self.opts.nest_limit),
            );
            return Node::Never;
        }
        let kids = |me: &mut Self, d| -> Vec<Node> {
            n.children().filter(|c| c.is_element()).map(|c| me.rule_node(c, d)).collect()
        };
        let node = match local(&n) {
            "start" => Node::Start,
            "end" => Node::End,
            "anchor" => Node::Anchor,
            "any" => Node::Any,
            "char" => match n.attribute("cp").and_then(|s| self.parse_cps(&n, s)) {
                Some(cps) if cps.len() == 1 => {
                    let id = self.push_set(
                        CpSet::from_ranges(cps.first().map(|&c| (c, c)).into_iter().collect()),
                        fmt_cps(&cps),
                    );
                    Node::Set(id)
                }
                Some(cps) => Node::Seq(cps),
                None => Node::Never,
            },
            "class"
            | "union"
            | "complement"
            | "intersection"
            | "difference"
            | "symmetric-difference" => {
                let s = self.class_set(n, depth + 1);
                let name = n
                    .attribute("by-ref")
                    .or(n.attribute("name"))
                    .unwrap_or("(anonymous)")
                    .to_owned();
                Node::Set(self.push_set(s, name))
            }
            "rule" => match n.attribute("by-ref") {
                Some(r) => self.rule_ref(&n, r, "rule").map(Node::Ref).unwrap_or(Node::Never),
                None => Node::Cat(kids(self, depth + 1).into()),
            },
            "choice" => Node::Alt(kids(self, depth + 1).into()),
            "look-behind" => {
                Node::Behind(Box::new(Node::Cat(kids(self, depth + 1).into())), 0, u32::MAX)
            }
            "look-ahead" => Node::Ahead(Box::new(Node::Cat(kids(self, depth + 1).into()))),
            _ => {
                self.err(
                    "LGR_UNEXPECTED_ELEMENT",
                    &n,
                    format!("<{}> is not allowed in a rule", n.tag_name().name()),
                );
                Node::Never
            }
        };
        match n.attribute("count") {
            Some(c) => match parse_count(c) {
                Some((min, max)) => Node::Rep(Box::new(node), min, max),
                None => {
                    self.err("LGR_BAD_COUNT", &n, format!("count '{c}' is not n, n+ or n:m"));
                    Node::Never
                }
            },
            None => node,
        }
    }
}

/// (source element, target, type bit, when, not-when): one variant mapping.
type VarSeen = (u32, Box<[u32]>, u32, Option<u32>, Option<u32>);

pub(crate) fn parse_hex(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 6 {
        return None;
    }
    let c = u32::from_str_radix(s, 16).ok()?;
    (c <= MAX_CP).then_some(c)
}

/// Loads and compiles an LGR, returning every diagnostic found along the way.
pub(crate) fn load(xml: &str, opts: &LoadOptions) -> (Option<Lgr>, Vec<Diagnostic>) {
    let mut pre = Vec::new();
    if xml.len() > opts.size_limit {
        pre.push(Diagnostic {
            severity: Severity::Error,
            code: "LGR_TOO_LARGE",
            message: format!("LGR is {} bytes; the limit is {}", xml.len(), opts.size_limit),
            line: 0,
            column: 0,
        });
        return (None, pre);
    }
    // RFC 7940 files need no DTD; refusing one rules out entity expansion attacks.
    let po = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    let xml = xml.strip_prefix('\u{FEFF}').unwrap_or(xml);
    let doc = match Document::parse_with_options(xml, po) {
        Ok(d) => d,
        Err(e) => {
            let p = e.pos();
            pre.push(Diagnostic {
                severity: Severity::Error,
                code: "LGR_XML_SYNTAX",
                message: format!("the file is not well-formed XML: {e}"),
                line: p.row,
                column: p.col,
            });
            return (None, pre);
        }
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(xml.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1))
        .collect();
    let mut l = Loader {
        doc: &doc,
        line_starts,
        opts,
        diags: Vec::new(),
        sets: Vec::new(),
        class_names: Vec::new(),
        named_classes: FxHashMap::default(),
        class_memo: FxHashMap::default(),
        class_in_progress: FxHashSet::default(),
        rule_names: FxHashMap::default(),
        rules: Vec::new(),
        tags: FxHashMap::default(),
        types: Vec::new(),
        used_rules: FxHashSet::default(),
    };
    let root = doc.root_element();
    if root.tag_name().name() != "lgr" {
        l.err(
            "LGR_NOT_AN_LGR",
            &root,
            format!("root element is <{}>, expected <lgr>", root.tag_name().name()),
        );
        return (None, l.diags);
    }
    let section =
        |name: &str| root.children().find(|c| c.is_element() && c.tag_name().name() == name);

    // ---- meta ----
    let mut meta = Metadata::default();
    if let Some(m) = section("meta") {
        for c in m.children().filter(|c| c.is_element()) {
            // Whitespace-only text is no text (as an empty element is).
            let text = || c.text().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
            match local(&c) {
                "version" => {
                    meta.version = text();
                    meta.version_comment = c.attribute("comment").map(str::to_owned);
                }
                "date" => meta.date = text(),
                "language" => meta.languages.extend(text()),
                "scope" => meta.scopes.push((
                    c.attribute("type").unwrap_or("").to_owned(),
                    text().unwrap_or_default(),
                )),
                "unicode-version" => meta.unicode_version = text(),
                "validity-start" => meta.validity_start = text(),
                "validity-end" => meta.validity_end = text(),
                "description" => {
                    meta.description = text();
                    meta.description_type = c.attribute("type").map(str::to_owned);
                }
                "references" => {
                    for r in c
                        .children()
                        .filter(|r| r.is_element() && r.tag_name().name() == "reference")
                    {
                        meta.references.push(Reference {
                            id: r.attribute("id").unwrap_or("").to_owned(),
                            text: r.text().unwrap_or("").trim().to_owned(),
                            comment: r.attribute("comment").map(str::to_owned),
                        });
                    }
                }
                _ => {}
            }
        }
    }

    // ---- rule names first: repertoire `when`s and later rules refer to them ----
    let rules_el = section("rules");
    let mut rule_defs = Vec::new();
    if let Some(rs) = rules_el {
        for c in rs.children().filter(|c| c.is_element()) {
            match (local(&c), c.attribute("name")) {
                ("rule", Some(name)) => {
                    if l.rule_names.contains_key(name) {
                        l.err("LGR_DUPLICATE_RULE", &c, format!("rule '{name}' is defined twice"));
                        continue;
                    }
                    let (line, column) = l.pos(&c);
                    let id = l.rules.len() as u32;
                    l.rule_names.insert(name.to_owned(), id);
                    l.rules.push(Rule {
                        name: name.to_owned(),
                        node: Node::Never,
                        has_anchor: false,
                        starts_at_start: false,
                        starts_at_anchor: false,
                        first: None,
                        pairs: None,
                        line,
                        column,
                    });
                    rule_defs.push((id, c));
                }
                (
                    "class"
                    | "union"
                    | "complement"
                    | "intersection"
                    | "difference"
                    | "symmetric-difference",
                    Some(name),
                ) if l.named_classes.insert(name.to_owned(), c).is_some() => {
                    l.err("LGR_DUPLICATE_CLASS", &c, format!("class '{name}' is defined twice"));
                }
                (
                    "rule"
                    | "class"
                    | "union"
                    | "complement"
                    | "intersection"
                    | "difference"
                    | "symmetric-difference",
                    None,
                ) => {
                    l.warn(
                        "LGR_UNNAMED_TOP_LEVEL",
                        &c,
                        "top-level rule or class without a name is never used".into(),
                    );
                }
                _ => {}
            }
        }
    }

    // ---- data: repertoire ----
    let mut elems: Vec<Elem> = Vec::new();
    let mut ranges: Vec<RangeElem> = Vec::new();
    let mut range_tags: Vec<Vec<String>> = Vec::new();
    let mut seen: FxHashMap<Box<[u32]>, u32> = FxHashMap::default();
    let mut var_seen: FxHashSet<VarSeen> = FxHashSet::default();
    let mut count = 0usize;
    if let Some(data) = section("data") {
        for c in data.children().filter(|c| c.is_element()) {
            count += 1;
            if count > opts.repertoire_limit {
                l.err(
                    "LGR_REPERTOIRE_LIMIT",
                    &c,
                    format!("more than {} repertoire elements", opts.repertoire_limit),
                );
                break;
            }
            let when = c.attribute("when").and_then(|r| l.rule_ref(&c, r, "when"));
            let not_when = c.attribute("not-when").and_then(|r| l.rule_ref(&c, r, "not-when"));
            let tags: Vec<String> = c
                .attribute("tag")
                .unwrap_or("")
                .split_ascii_whitespace()
                .map(str::to_owned)
                .collect();
            match local(&c) {
                "char" => {
                    let Some(cps) = c.attribute("cp").and_then(|s| l.parse_cps(&c, s)) else {
                        if c.attribute("cp").is_none() {
                            l.err("LGR_MISSING_ATTRIBUTE", &c, "<char> without cp".into());
                        }
                        continue;
                    };
                    if seen.contains_key(&cps) {
                        l.err(
                            "LGR_DUPLICATE_CODE_POINT",
                            &c,
                            format!("{} is in the repertoire twice", fmt_cps(&cps)),
                        );
                        continue;
                    }
                    if cps.len() > 1 && !tags.is_empty() {
                        l.warn(
                            "LGR_TAG_ON_SEQUENCE",
                            &c,
                            format!(
                                "tags on sequence {} are ignored (RFC 7940 §5.4)",
                                fmt_cps(&cps)
                            ),
                        );
                    }
                    let id = elems.len() as u32;
                    let mut vars = Vec::new();
                    for v in c.children().filter(|v| v.is_element() && v.tag_name().name() == "var")
                    {
                        let Some(vcps) = v.attribute("cp").and_then(|s| l.parse_cps(&v, s)) else {
                            continue;
                        };
                        let types = match v.attribute("type") {
                            Some(t) => l.type_bit(&v, t),
                            None => 0,
                        };
                        let vw = v.attribute("when").and_then(|r| l.rule_ref(&v, r, "when"));
                        let vnw =
                            v.attribute("not-when").and_then(|r| l.rule_ref(&v, r, "not-when"));
                        if !var_seen.insert((id, vcps.clone(), types.trailing_zeros(), vw, vnw)) {
                            l.err(
                                "LGR_DUPLICATE_VARIANT",
                                &v,
                                format!(
                                    "variant {} → {} is defined twice",
                                    fmt_cps(&cps),
                                    fmt_cps(&vcps)
                                ),
                            );
                            continue;
                        }
                        vars.push(Var {
                            cps: vcps,
                            types,
                            when: vw,
                            not_when: vnw,
                            comment: v.attribute("comment").map(str::to_owned),
                            type_names_hint_oor: v.attribute("type")
                                == Some("out-of-repertoire-var"),
                            pool: 0,
                        });
                    }
                    if cps.len() == 1 {
                        for t in &tags {
                            l.tags
                                .entry(t.clone())
                                .or_default()
                                .extend(cps.first().map(|&c| (c, c)));
                        }
                    }
                    let line = l.pos(&c).0;
                    seen.insert(cps.clone(), id);
                    elems.push(Elem {
                        cps,
                        tags,
                        when,
                        not_when,
                        vars,
                        line,
                        first_mask: 0,
                        fixed: None,
                    });
                }
                "range" => {
                    let f = c.attribute("first-cp").and_then(parse_hex);
                    let t = c.attribute("last-cp").and_then(parse_hex);
                    match (f, t) {
                        (Some(first), Some(last)) if first <= last => {
                            for t in &tags {
                                l.tags.entry(t.clone()).or_default().push((first, last));
                            }
                            ranges.push(RangeElem { first, last, when, not_when, first_mask: 0 });
                            range_tags.push(tags.clone());
                        }
                        _ => l.err(
                            "LGR_BAD_RANGE",
                            &c,
                            "range needs first-cp <= last-cp, both hex code points".into(),
                        ),
                    }
                }
                _ => l.warn(
                    "LGR_UNEXPECTED_ELEMENT",
                    &c,
                    format!("<{}> ignored in <data>", c.tag_name().name()),
                ),
            }
        }
    }
    // Ranges sorted by first code point; overlaps and overlaps with chars are duplicates.
    let mut order: Vec<usize> = (0..ranges.len()).collect();
    order.sort_by_key(|&i| ranges.get(i).map(|r| r.first).unwrap_or(0));
    let ranges: Vec<RangeElem> = order.iter().filter_map(|&i| ranges.get(i).cloned()).collect();
    let range_tags: Vec<Vec<String>> =
        order.iter().map(|&i| range_tags.get(i).cloned().unwrap_or_default()).collect();
    for w in ranges.windows(2) {
        if let [a, b] = w
            && b.first <= a.last
        {
            l.diag(
                Severity::Error,
                "LGR_DUPLICATE_CODE_POINT",
                None,
                format!(
                    "ranges U+{:04X}..U+{:04X} and U+{:04X}..U+{:04X} overlap",
                    a.first, a.last, b.first, b.last
                ),
            );
        }
    }
    let mut single = FxHashMap::default();
    let mut seqs: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (i, e) in elems.iter().enumerate() {
        match *e.cps {
            [c] => {
                single.insert(c, i as u32);
                let ri = ranges.partition_point(|r| r.last < c);
                if ranges.get(ri).is_some_and(|r| r.first <= c) {
                    l.diag(
                        Severity::Error,
                        "LGR_DUPLICATE_CODE_POINT",
                        None,
                        format!("U+{c:04X} (line {}) is also inside a range", e.line),
                    );
                }
            }
            [c, ..] => seqs.entry(c).or_default().push(i as u32),
            [] => {}
        }
    }
    for v in seqs.values_mut() {
        v.sort_by_key(|&i| {
            std::cmp::Reverse(elems.get(i as usize).map(|e| e.cps.len()).unwrap_or(0))
        });
    }

    // ---- rules and actions ----
    let mut actions = Vec::new();
    if let Some(rs) = rules_el {
        for (id, c) in rule_defs {
            let node = Node::Cat(
                c.children()
                    .filter(|k| k.is_element())
                    .map(|k| l.rule_node(k, 1))
                    .collect::<Vec<_>>()
                    .into(),
            );
            if let Some(r) = l.rules.get_mut(id as usize) {
                r.has_anchor = node_has_anchor(&node);
                r.starts_at_start = starts_at_start(&node);
                r.node = node;
            }
        }
        // Named classes never referenced still get checked.
        let names: Vec<String> = l.named_classes.keys().cloned().collect();
        for name in names {
            if let Some(n) = l.named_classes.get(&name).copied() {
                l.named_class(&n, &name, 0);
            }
        }
        let mut catch_all_seen = false;
        for c in rs.children().filter(|c| c.is_element() && c.tag_name().name() == "action") {
            let Some(disp) = c.attribute("disp") else {
                l.err("LGR_MISSING_ATTRIBUTE", &c, "<action> without disp".into());
                continue;
            };
            if catch_all_seen {
                l.warn(
                    "LGR_UNREACHABLE_ACTION",
                    &c,
                    "action follows a catch-all action and never triggers".into(),
                );
            }
            let trigger = match (c.attribute("match"), c.attribute("not-match")) {
                (Some(_), Some(_)) => {
                    l.err("LGR_BAD_ACTION", &c, "action has both match and not-match".into());
                    continue;
                }
                (Some(m), None) => match l.rule_ref(&c, m, "action match") {
                    Some(id) => Trigger::Match(id),
                    None => continue,
                },
                (None, Some(m)) => match l.rule_ref(&c, m, "action not-match") {
                    Some(id) => Trigger::NotMatch(id),
                    None => continue,
                },
                (None, None) => Trigger::Always,
            };
            let vt = [
                ("any-variant", c.attribute("any-variant")),
                ("all-variants", c.attribute("all-variants")),
                ("only-variants", c.attribute("only-variants")),
            ];
            let present: Vec<_> = vt.iter().filter(|(_, v)| v.is_some()).collect();
            let var = match present.as_slice() {
                [] => VarTrigger::None,
                [(k, Some(v))] => {
                    let m = l.type_list(&c, v);
                    match *k {
                        "any-variant" => VarTrigger::Any(m),
                        "all-variants" => VarTrigger::All(m),
                        _ => VarTrigger::Only(m),
                    }
                }
                _ => {
                    l.err(
                        "LGR_BAD_ACTION",
                        &c,
                        "action has more than one variant-type trigger".into(),
                    );
                    continue;
                }
            };
            if matches!(trigger, Trigger::Always) && var == VarTrigger::None {
                catch_all_seen = true;
            }
            actions.push(Action {
                disp: Disposition::parse(disp),
                trigger,
                var,
                comment: c.attribute("comment").map(str::to_owned),
                default: false,
            });
        }
    }
    // RFC 7940 §7.6 default actions, evaluated after the LGR's own.
    let bit =
        |l: &Loader, t: &str| l.types.iter().position(|x| x == t).map(|i| 1u128 << i).unwrap_or(0);
    let blocked = bit(&l, "blocked");
    let allocatable = bit(&l, "allocatable");
    if blocked != 0 {
        actions.push(Action {
            disp: Disposition::Blocked,
            trigger: Trigger::Always,
            var: VarTrigger::Any(blocked),
            comment: None,
            default: true,
        });
    }
    if allocatable != 0 {
        actions.push(Action {
            disp: Disposition::Allocatable,
            trigger: Trigger::Always,
            var: VarTrigger::All(allocatable),
            comment: None,
            default: true,
        });
    }
    actions.push(Action {
        disp: Disposition::Valid,
        trigger: Trigger::Always,
        var: VarTrigger::None,
        comment: None,
        default: true,
    });

    // ---- rule reference cycles: a cyclic rule would recurse without end ----
    let n = l.rules.len();
    let mut state = vec![0u8; n];
    for start in 0..n {
        if state.get(start) != Some(&0) {
            continue;
        }
        let mut stack = vec![(start as u32, false)];
        while let Some((id, done)) = stack.pop() {
            let i = id as usize;
            if done {
                if let Some(s) = state.get_mut(i) {
                    *s = 2;
                }
                continue;
            }
            match state.get(i) {
                Some(0) => {}
                Some(1) => {
                    let (name, line, column) = l
                        .rules
                        .get(i)
                        .map(|r| (r.name.clone(), r.line, r.column))
                        .unwrap_or_default();
                    l.diags.push(Diagnostic {
                        severity: Severity::Error,
                        code: "LGR_RULE_CYCLE",
                        message: format!("rule '{name}' refers to itself"),
                        line,
                        column,
                    });
                    if let Some(r) = l.rules.get_mut(i) {
                        r.node = Node::Never;
                    }
                    continue;
                }
                _ => continue,
            }
            if let Some(s) = state.get_mut(i) {
                *s = 1;
            }
            stack.push((id, true));
            let mut refs = Vec::new();
            if let Some(r) = l.rules.get(i) {
                node_refs(&r.node, &mut refs);
            }
            for r in refs {
                if state.get(r as usize) != Some(&2) {
                    stack.push((r, false));
                }
            }
        }
    }
    // A rule has an anchor if it or any rule it refers to has one (the
    // reference graph is acyclic now); iterate to a fixpoint.
    loop {
        let mut changed = false;
        for i in 0..l.rules.len() {
            let Some(r) = l.rules.get(i) else { continue };
            if r.has_anchor {
                continue;
            }
            let mut refs = Vec::new();
            node_refs(&r.node, &mut refs);
            if refs.iter().any(|&x| l.rules.get(x as usize).is_some_and(|t| t.has_anchor)) {
                if let Some(r) = l.rules.get_mut(i) {
                    r.has_anchor = true;
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Look-behind widths and anchor starts need the whole (acyclic) rule set.
    for i in 0..l.rules.len() {
        let Some(mut node) =
            l.rules.get_mut(i).map(|r| std::mem::replace(&mut r.node, Node::Never))
        else {
            continue;
        };
        crate::rules::annotate(&mut node, &l.rules);
        if let Some(r) = l.rules.get_mut(i) {
            r.node = node;
        }
    }
    for i in 0..l.rules.len() {
        let sa =
            l.rules.get(i).is_some_and(|r| crate::rules::starts_at_anchor(&r.node, &l.rules, 0));
        if let Some(r) = l.rules.get_mut(i) {
            r.starts_at_anchor = sa;
        }
    }
    for r in &mut l.rules {
        r.pairs = crate::rules::ordered_pairs(&r.node);
    }
    for i in 0..l.rules.len() {
        let f = l.rules.get(i).and_then(|r| crate::rules::first_set(&r.node, &l.rules, &l.sets, 0));
        if let Some(f) = f {
            let id = l.push_set(f, String::from("(first set)"));
            if let Some(r) = l.rules.get_mut(i) {
                r.first = Some(id);
            }
        }
    }
    // Rules referenced from other rules count as used.
    let mut refs = Vec::new();
    for r in &l.rules {
        node_refs(&r.node, &mut refs);
    }
    l.used_rules.extend(refs);
    for (i, r) in l.rules.iter().enumerate() {
        if !l.used_rules.contains(&(i as u32)) {
            l.diags.push(Diagnostic {
                severity: Severity::Warning,
                code: "LGR_UNUSED_RULE",
                message: format!(
                    "rule '{}' is never used by an action, a context or another rule",
                    r.name
                ),
                line: r.line,
                column: r.column,
            });
        }
    }
    for (i, a) in actions.iter().enumerate() {
        if let Trigger::Match(id) | Trigger::NotMatch(id) = a.trigger
            && let Some(r) = l.rules.get(id as usize)
            && r.has_anchor
        {
            l.diags.push(Diagnostic {
                severity: Severity::Warning,
                code: "LGR_ANCHOR_IN_ACTION_RULE",
                message: format!(
                    "action {} uses rule '{}', whose <anchor/> never matches outside a context",
                    i + 1,
                    r.name
                ),
                line: r.line,
                column: r.column,
            });
        }
    }

    // RFC 5891 §4.2.2 / RFC 7940 §5.1: a repertoire code point should be
    // PVALID under IDNA2008 (CONTEXTJ/CONTEXTO need their RFC 5892
    // Appendix A rules and are accepted). Code points listed only to carry
    // out-of-repertoire variants (RFC 7940 §5.3.4) are exempt.
    let mut not_pvalid = 0usize;
    let mut check_cp = |l: &mut Loader, cp: u32, line: u32| {
        use idnsafe_idna::DerivedProperty as P;
        let p = idnsafe_idna::derived_property_u32(cp);
        if matches!(p, P::Disallowed | P::Unassigned) {
            not_pvalid += 1;
            if not_pvalid <= 20 {
                l.diags.push(Diagnostic {
                    severity: Severity::Warning,
                    code: "LGR_NOT_PVALID",
                    message: format!(
                        "U+{cp:04X} is {} under IDNA2008 and can never be in a label",
                        p.as_str()
                    ),
                    line,
                    column: 0,
                });
            }
        }
    };
    for e in &elems {
        if e.vars.iter().any(|v| v.cps == e.cps && v.type_names_hint_oor) {
            continue;
        }
        for &cp in e.cps.iter() {
            check_cp(&mut l, cp, e.line);
        }
    }
    for r in &ranges {
        for cp in r.first..=r.last {
            check_cp(&mut l, cp, 0);
        }
    }
    if not_pvalid > 20 {
        l.diags.push(Diagnostic {
            severity: Severity::Warning,
            code: "LGR_NOT_PVALID",
            message: format!(
                "{not_pvalid} repertoire code points in all are not PVALID under IDNA2008"
            ),
            line: 0,
            column: 0,
        });
    }
    // Prefilter masks: which rules could start a match inside each element.
    let seq_ids: Vec<u32> = seqs.values().flatten().copied().collect();
    let mut rule_bit: Vec<Option<u8>> = vec![None; l.rules.len()];
    let mut next_bit = 0u32;
    let mut ranges = ranges;
    let required: Vec<Option<CpSet>> =
        l.rules.iter().map(|r| crate::rules::required_set(&r.node, &l.rules, &l.sets, 0)).collect();
    for (i, req) in required.iter().enumerate() {
        let Some(set) = req.as_ref() else { continue };
        if next_bit >= 128 {
            break;
        }
        let bit = 1u128 << next_bit;
        if let Some(b) = rule_bit.get_mut(i) {
            *b = Some(next_bit as u8);
        }
        next_bit += 1;
        if set.len() <= 4096 {
            // Small set: look its code points up instead of scanning every element.
            for &(a, b) in set.ranges() {
                for c in a..=b {
                    if let Some(e) = single.get(&c).and_then(|&i| elems.get_mut(i as usize)) {
                        e.first_mask |= bit;
                    }
                }
            }
            for &i in &seq_ids {
                if let Some(e) = elems.get_mut(i as usize)
                    && e.cps.iter().any(|&c| set.contains(c))
                {
                    e.first_mask |= bit;
                }
            }
        } else {
            for e in elems.iter_mut() {
                if e.cps.iter().any(|&c| set.contains(c)) {
                    e.first_mask |= bit;
                }
            }
        }
        for re in ranges.iter_mut() {
            if !CpSet::from_ranges(vec![(re.first, re.last)]).intersection(set).is_empty() {
                re.first_mask |= bit;
            }
        }
    }
    let mut var_pool = Vec::new();
    for v in elems.iter_mut().flat_map(|e| e.vars.iter_mut()) {
        v.pool = u32::try_from(var_pool.len()).unwrap_or(u32::MAX);
        var_pool.extend_from_slice(&v.cps);
    }
    let mut fixed_opts = Vec::new();
    for e in elems.iter_mut() {
        e.fixed = e.compute_fixed(&mut fixed_opts);
    }
    let relation = crate::variants::analyse_relation(&elems, &seen, &mut l.diags);
    let (key_map, key_max_len) = crate::variants::build_key_map(&elems);
    let doomed_types = crate::variants::doomed_types(&actions, l.types.len());
    let Loader { diags, sets, class_names, rule_names, rules, types, .. } = l;
    let mut diags = diags;
    diags.sort_by_key(|d| std::cmp::Reverse(d.severity));
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return (None, diags);
    }
    let dense = Lgr::build_dense(&single, &seqs);
    let seq_second = Lgr::build_seq_second(&elems, &seqs);
    let dense_fixed = Lgr::build_dense_fixed(&elems, &single);
    let lgr = Lgr {
        meta,
        elems,
        single,
        seqs,
        dense,
        ranges,
        range_tags,
        rules,
        rule_names,
        sets,
        actions,
        types,
        diagnostics: diags.clone(),
        relation,
        key_cp: key_map
            .iter()
            .filter_map(|(k, v)| match (&**k, &**v) {
                ([a], [b]) => Some((*a, *b)),
                _ => None,
            })
            .collect(),
        key_seq_first: key_map
            .iter()
            .filter(|(k, v)| k.len() > 1 || v.len() > 1)
            .filter_map(|(k, _)| k.first().copied())
            .collect(),
        key_map,
        key_max_len,
        doomed_types,
        var_pool,
        fixed_opts,
        dense_fixed,
        seq_second,
        class_names,
        rule_bit,
    };
    (Some(lgr), diags)
}

/// Loads an LGR, failing on the first error-severity diagnostic.
pub(crate) fn load_or_err(xml: &str, opts: &LoadOptions) -> Result<Lgr, LoadError> {
    let (lgr, diags) = load(xml, opts);
    match lgr {
        Some(l) => Ok(l),
        None => Err(diags
            .iter()
            .find(|d| d.severity == Severity::Error)
            .map(Diagnostic::to_load_error)
            .unwrap_or_else(|| LoadError::new("LGR_INVALID", "the LGR could not be loaded", 0, 0))),
    }
}
