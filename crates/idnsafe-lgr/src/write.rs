//! RFC 7940 serialiser: a loaded LGR written back as XML.
//!
//! The writer works from the compiled model, so what it writes is what the
//! engine decides with, and [`Lgr::from_xml`] of the output loads an LGR
//! with the same repertoire, variants, types, rules, actions and metadata:
//! - classes are written as the code point ranges they stand for (set
//!   operations, tag and Unicode property classes are evaluated once, at
//!   load, under the workspace's Unicode version);
//! - a rule keeps its structure (sequences, choices, counts, look-around,
//!   references to named rules by name);
//! - repertoire elements and ranges keep their order within each kind,
//!   their tags, contexts and variant mappings with types;
//! - the RFC 7940 §7.6 default actions are implied, not written.
//!
//! [`WriteOptions::facts_only`] drops the descriptive prose (the
//! description and every comment) and keeps the facts: repertoire,
//! variants, classes, rules, actions and the metadata that identifies the
//! source (version, date, languages, scopes, Unicode version, validity,
//! references).

use crate::model::{Action, Lgr, Metadata, Trigger, VarTrigger};
use crate::rules::Node;
use std::fmt::Write;

/// How [`Lgr::to_xml`] writes.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// Leave out the description and all comments.
    pub facts_only: bool,
    /// A line for the XML comment at the top (where the LGR came from).
    pub source_note: Option<String>,
}

/// Escapes text for an XML attribute value or element content.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Text safe inside an XML comment (no `--`, no trailing `-`).
fn comment_text(s: &str) -> String {
    let mut t = s.replace("--", "- -");
    if t.ends_with('-') {
        t.push(' ');
    }
    t
}

use crate::error::hex_cps as hex_seq;

/// One line of XML at `indent` (two spaces a level).
pub(crate) fn line(out: &mut String, indent: usize, s: &str) {
    for _ in 0..indent {
        out.push_str("  ");
    }
    out.push_str(s);
    out.push('\n');
}

/// Writes `<meta>` (nothing when there is nothing to say).
pub(crate) fn write_meta(out: &mut String, m: &Metadata, facts_only: bool) {
    let mut lines: Vec<String> = Vec::new();
    if let Some(v) = &m.version {
        let c = match &m.version_comment {
            Some(c) => format!(" comment=\"{}\"", esc(c)),
            None => String::new(),
        };
        lines.push(format!("<version{c}>{}</version>", esc(v)));
    }
    if let Some(d) = &m.date {
        lines.push(format!("<date>{}</date>", esc(d)));
    }
    for l in &m.languages {
        lines.push(format!("<language>{}</language>", esc(l)));
    }
    for (t, v) in &m.scopes {
        lines.push(format!("<scope type=\"{}\">{}</scope>", esc(t), esc(v)));
    }
    if let (Some(d), false) = (&m.description, facts_only) {
        let t = match &m.description_type {
            Some(t) => format!(" type=\"{}\"", esc(t)),
            None => String::new(),
        };
        lines.push(format!("<description{t}>{}</description>", esc(d)));
    }
    if let Some(v) = &m.validity_start {
        lines.push(format!("<validity-start>{}</validity-start>", esc(v)));
    }
    if let Some(v) = &m.validity_end {
        lines.push(format!("<validity-end>{}</validity-end>", esc(v)));
    }
    if let Some(v) = &m.unicode_version {
        lines.push(format!("<unicode-version>{}</unicode-version>", esc(v)));
    }
    if lines.is_empty() && m.references.is_empty() {
        return;
    }
    line(out, 1, "<meta>");
    for l in lines {
        line(out, 2, &l);
    }
    if !m.references.is_empty() {
        line(out, 2, "<references>");
        for r in &m.references {
            let c = match &r.comment {
                Some(c) => format!(" comment=\"{}\"", esc(c)),
                None => String::new(),
            };
            line(
                out,
                3,
                &format!("<reference id=\"{}\"{c}>{}</reference>", esc(&r.id), esc(&r.text)),
            );
        }
        line(out, 2, "</references>");
    }
    line(out, 1, "</meta>");
}

fn count_attr(min: u32, max: u32) -> String {
    if max == u32::MAX {
        format!("{min}+")
    } else if min == max {
        format!("{min}")
    } else {
        format!("{min}:{max}")
    }
}

struct Writer<'a> {
    lgr: &'a Lgr,
    out: String,
    facts_only: bool,
    extra: Option<&'a Additions>,
    /// Rule names to write instead of the LGR's own, by rule id (the
    /// renamed rules of a union or a merged set).
    names: Option<&'a [String]>,
}

/// Mappings and elements added to an LGR as it is written (harmonisation).
#[derive(Debug, Default, Clone)]
pub(crate) struct Additions {
    /// Extra mappings per source element: (target, type).
    pub vars: std::collections::BTreeMap<Vec<u32>, Vec<(Vec<u32>, String)>>,
    /// New repertoire elements, in order.
    pub elems: Vec<Vec<u32>>,
}

impl Writer<'_> {
    fn line(&mut self, indent: usize, s: &str) {
        line(&mut self.out, indent, s);
    }

    fn comment_attr(&self, c: Option<&String>) -> String {
        match c {
            Some(c) if !self.facts_only => format!(" comment=\"{}\"", esc(c)),
            _ => String::new(),
        }
    }

    fn rule_name(&self, id: Option<u32>) -> Option<&str> {
        let i = id? as usize;
        match self.names {
            Some(names) => names.get(i).map(String::as_str),
            None => self.lgr.rules.get(i).map(|r| r.name.as_str()),
        }
    }

    fn context_attrs(&self, when: Option<u32>, not_when: Option<u32>) -> String {
        let mut s = String::new();
        if let Some(n) = self.rule_name(when) {
            let _ = write!(s, " when=\"{}\"", esc(n));
        }
        if let Some(n) = self.rule_name(not_when) {
            let _ = write!(s, " not-when=\"{}\"", esc(n));
        }
        s
    }

    fn type_names(&self, bits: u128) -> Vec<&str> {
        self.lgr.type_names(crate::model::VariantTypes(bits))
    }

    fn meta(&mut self) {
        write_meta(&mut self.out, &self.lgr.meta, self.facts_only);
    }

    fn data(&mut self) {
        let lgr = self.lgr;
        let no_extra = Vec::new();
        let additions = self.extra;
        let extra = |cps: &[u32]| -> Vec<(Vec<u32>, String)> {
            additions.and_then(|x| x.vars.get(cps)).cloned().unwrap_or_default()
        };
        self.line(1, "<data>");
        for e in &lgr.elems {
            let mut head = format!("<char cp=\"{}\"", hex_seq(&e.cps));
            if !e.tags.is_empty() {
                let _ = write!(head, " tag=\"{}\"", esc(&e.tags.join(" ")));
            }
            head.push_str(&self.context_attrs(e.when, e.not_when));
            let added = extra(&e.cps);
            if e.vars.is_empty() && added.is_empty() {
                self.line(2, &format!("{head}/>"));
                continue;
            }
            self.line(2, &format!("{head}>"));
            for v in &e.vars {
                let mut s = format!("<var cp=\"{}\"", hex_seq(&v.cps));
                let names = self.type_names(v.types);
                if !names.is_empty() {
                    let _ = write!(s, " type=\"{}\"", esc(&names.join(" ")));
                }
                s.push_str(&self.context_attrs(v.when, v.not_when));
                s.push_str(&self.comment_attr(v.comment.as_ref()));
                s.push_str("/>");
                self.line(3, &s);
            }
            self.added_vars(&added);
            self.line(2, "</char>");
        }
        // With additions, ranges are written one code point a char (as
        // lgr-core's harmonisation expands them), so mappings can be added.
        let expand = self.extra.is_some();
        for (i, r) in lgr.ranges.iter().enumerate() {
            let mut attrs = String::new();
            let tags = lgr.range_tags.get(i).map_or(&[][..], Vec::as_slice);
            if !tags.is_empty() {
                let _ = write!(attrs, " tag=\"{}\"", esc(&tags.join(" ")));
            }
            attrs.push_str(&self.context_attrs(r.when, r.not_when));
            if !expand {
                self.line(
                    2,
                    &format!(
                        "<range first-cp=\"{:04X}\" last-cp=\"{:04X}\"{attrs}/>",
                        r.first, r.last
                    ),
                );
                continue;
            }
            for c in r.first..=r.last {
                let added = extra(&[c]);
                if added.is_empty() {
                    self.line(2, &format!("<char cp=\"{c:04X}\"{attrs}/>"));
                } else {
                    self.line(2, &format!("<char cp=\"{c:04X}\"{attrs}>"));
                    self.added_vars(&added);
                    self.line(2, "</char>");
                }
            }
        }
        for cps in additions.map_or(&no_extra, |x| &x.elems) {
            let added = extra(cps);
            self.line(2, &format!("<char cp=\"{}\">", hex_seq(cps)));
            self.added_vars(&added);
            self.line(2, "</char>");
        }
        self.line(1, "</data>");
    }

    fn added_vars(&mut self, added: &[(Vec<u32>, String)]) {
        for (t, ty) in added {
            self.line(3, &format!("<var cp=\"{}\" type=\"{}\"/>", hex_seq(t), esc(ty)));
        }
    }

    /// One rule node as an element; `count` goes on that element.
    fn node(&mut self, n: &Node, indent: usize, count: Option<(u32, u32)>) {
        let cnt = match count {
            Some((a, b)) => format!(" count=\"{}\"", count_attr(a, b)),
            None => String::new(),
        };
        match n {
            Node::Start => self.line(indent, &format!("<start{cnt}/>")),
            Node::End => self.line(indent, &format!("<end{cnt}/>")),
            Node::Anchor => self.line(indent, &format!("<anchor{cnt}/>")),
            Node::Any => self.line(indent, &format!("<any{cnt}/>")),
            Node::Set(id) => {
                let ranges = self.lgr.sets.get(*id as usize).map(|s| s.ranges()).unwrap_or(&[]);
                match ranges {
                    [(a, b)] if a == b => {
                        self.line(indent, &format!("<char cp=\"{a:04X}\"{cnt}/>"));
                    }
                    _ => {
                        let mut text = String::new();
                        for (i, (a, b)) in ranges.iter().enumerate() {
                            if i > 0 {
                                text.push(' ');
                            }
                            if a == b {
                                let _ = write!(text, "{a:04X}");
                            } else {
                                let _ = write!(text, "{a:04X}-{b:04X}");
                            }
                        }
                        self.line(indent, &format!("<class{cnt}>{text}</class>"));
                    }
                }
            }
            // An empty class matches nothing (a loaded LGR has no `Never`
            // node; written this way so the output still loads).
            Node::Never => self.line(indent, &format!("<class{cnt}></class>")),
            Node::Seq(cps) => {
                self.line(indent, &format!("<char cp=\"{}\"{cnt}/>", hex_seq(cps)));
            }
            Node::Ref(id) => {
                let name = self.rule_name(Some(*id)).unwrap_or("").to_owned();
                self.line(indent, &format!("<rule by-ref=\"{}\"{cnt}/>", esc(&name)));
            }
            Node::Cat(ns) => self.group(indent, "rule", &cnt, ns),
            Node::Alt(ns) => self.group(indent, "choice", &cnt, ns),
            Node::Behind(inner, _, _) => self.wrapped(indent, "look-behind", &cnt, inner),
            Node::Ahead(inner) => self.wrapped(indent, "look-ahead", &cnt, inner),
            Node::Rep(inner, a, b) => match count {
                // A count of a count: group the inner one in an anonymous rule.
                Some(_) => {
                    self.line(indent, &format!("<rule{cnt}>"));
                    self.node(inner, indent + 1, Some((*a, *b)));
                    self.line(indent, "</rule>");
                }
                None => self.node(inner, indent, Some((*a, *b))),
            },
        }
    }

    fn group(&mut self, indent: usize, tag: &str, cnt: &str, ns: &[Node]) {
        if ns.is_empty() {
            self.line(indent, &format!("<{tag}{cnt}/>"));
            return;
        }
        self.line(indent, &format!("<{tag}{cnt}>"));
        for k in ns {
            self.node(k, indent + 1, None);
        }
        self.line(indent, &format!("</{tag}>"));
    }

    /// A look-around: its content is a sequence, written as its children.
    fn wrapped(&mut self, indent: usize, tag: &str, cnt: &str, inner: &Node) {
        match inner {
            Node::Cat(ns) => self.group(indent, tag, cnt, ns),
            other => self.group(indent, tag, cnt, std::slice::from_ref(other)),
        }
    }

    /// One action as its XML element.
    fn action_line(&self, a: &Action) -> String {
        let mut s = format!("<action disp=\"{}\"", esc(a.disp.as_str()));
        match a.trigger {
            Trigger::Always => {}
            Trigger::Match(id) => {
                let _ = write!(s, " match=\"{}\"", esc(self.rule_name(Some(id)).unwrap_or("")));
            }
            Trigger::NotMatch(id) => {
                let _ = write!(s, " not-match=\"{}\"", esc(self.rule_name(Some(id)).unwrap_or("")));
            }
        }
        let (attr, bits) = match a.var {
            VarTrigger::None => ("", 0),
            VarTrigger::Any(b) => ("any-variant", b),
            VarTrigger::All(b) => ("all-variants", b),
            VarTrigger::Only(b) => ("only-variants", b),
        };
        if !attr.is_empty() {
            let names = self.type_names(bits).join(" ");
            let _ = write!(s, " {attr}=\"{}\"", esc(&names));
        }
        s.push_str(&self.comment_attr(a.comment.as_ref()));
        s.push_str("/>");
        s
    }

    fn rules(&mut self) {
        let lgr = self.lgr;
        let actions: Vec<&Action> = lgr.actions.iter().filter(|a| !a.default).collect();
        if lgr.rules.is_empty() && actions.is_empty() {
            return;
        }
        self.line(1, "<rules>");
        for r in &lgr.rules {
            let head = format!("<rule name=\"{}\"", esc(&r.name));
            match &r.node {
                Node::Cat(ns) if ns.is_empty() => self.line(2, &format!("{head}/>")),
                Node::Cat(ns) => {
                    self.line(2, &format!("{head}>"));
                    for k in ns.iter() {
                        self.node(k, 3, None);
                    }
                    self.line(2, "</rule>");
                }
                other => {
                    self.line(2, &format!("{head}>"));
                    self.node(other, 3, None);
                    self.line(2, "</rule>");
                }
            }
        }
        for a in actions {
            let s = self.action_line(a);
            self.line(2, &s);
        }
        self.line(1, "</rules>");
    }
}

impl Lgr {
    /// The body of rule `i` as written (facts only), for comparisons.
    pub(crate) fn rule_text(&self, i: usize) -> Option<String> {
        self.rule_text_named(i, None)
    }

    /// [`Lgr::rule_text`] with the rules it refers to called by `names`.
    pub(crate) fn rule_text_named(&self, i: usize, names: Option<&[String]>) -> Option<String> {
        let r = self.rules.get(i)?;
        let mut w = Writer { lgr: self, out: String::new(), facts_only: true, extra: None, names };
        match &r.node {
            Node::Cat(ns) => ns.iter().for_each(|k| w.node(k, 0, None)),
            other => w.node(other, 0, None),
        }
        Some(w.out)
    }

    /// The LGR's own actions (not the implied defaults), as written.
    pub(crate) fn action_texts(&self) -> Vec<String> {
        self.action_texts_named(None)
    }

    /// The RFC 7940 §7.6 default actions as written.
    pub(crate) fn default_action_texts(&self) -> Vec<String> {
        let w =
            Writer { lgr: self, out: String::new(), facts_only: true, extra: None, names: None };
        self.actions.iter().filter(|a| a.default).map(|a| w.action_line(a)).collect()
    }

    /// [`Lgr::action_texts`] with rules called by `names`.
    pub(crate) fn action_texts_named(&self, names: Option<&[String]>) -> Vec<String> {
        let w = Writer { lgr: self, out: String::new(), facts_only: true, extra: None, names };
        self.actions.iter().filter(|a| !a.default).map(|a| w.action_line(a)).collect()
    }

    /// [`Lgr::to_xml`] with `extra` mappings and elements added (ranges
    /// written one code point a char).
    pub(crate) fn to_xml_with(&self, opts: &WriteOptions, extra: &Additions) -> String {
        self.write_xml(opts, Some(extra))
    }

    /// Writes the LGR as RFC 7940 XML (see the module documentation of
    /// `write` for what is kept). [`Lgr::from_xml`] of the result loads an
    /// LGR that decides every label as this one does, and writing that one
    /// gives the same text.
    pub fn to_xml(&self, opts: &WriteOptions) -> String {
        self.write_xml(opts, None)
    }

    fn write_xml(&self, opts: &WriteOptions, extra: Option<&Additions>) -> String {
        let mut w = Writer {
            lgr: self,
            out: String::new(),
            facts_only: opts.facts_only,
            extra,
            names: None,
        };
        w.out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        if let Some(note) = &opts.source_note {
            w.out.push_str("<!-- ");
            w.out.push_str(&comment_text(note));
            w.out.push_str(" -->\n");
        }
        w.out.push_str("<lgr xmlns=\"urn:ietf:params:xml:ns:lgr-1.0\">\n");
        w.meta();
        w.data();
        w.rules();
        w.out.push_str("</lgr>\n");
        w.out
    }
}
