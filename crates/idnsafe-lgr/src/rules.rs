//! Compiled RFC 7940 §6.3 rules and a bounded backtracking matcher.
//!
//! Rules are regular expressions over code points with anchors and
//! look-around. Labels are at most 63 code points, so a backtracking matcher
//! with a step budget is both simple and fast; the budget keeps a hostile
//! LGR (nested counts) from running away.

use crate::cpset::CpSet;
use std::cell::Cell;

/// Steps one rule evaluation may take before it is abandoned.
pub(crate) const STEP_LIMIT: u32 = 200_000;

#[derive(Clone, Debug)]
pub(crate) enum Node {
    Start,
    End,
    Anchor,
    Any,
    /// A class or single code point, index into the LGR's sets.
    Set(u32),
    /// A code point sequence (`<char cp="0061 0062"/>`).
    Seq(Box<[u32]>),
    Cat(Box<[Node]>),
    Alt(Box<[Node]>),
    Rep(Box<Node>, u32, u32),
    /// Look-behind with the (min, max) width of its content, so only the
    /// start positions that can work are tried.
    Behind(Box<Node>, u32, u32),
    Ahead(Box<Node>),
    /// A named rule, by id (the reference graph is checked to be acyclic).
    Ref(u32),
    /// An undefined or cyclic reference: matches nothing.
    Never,
}

#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub name: String,
    pub node: Node,
    pub has_anchor: bool,
    /// The rule can only match from position 0 (`<start/>` first).
    pub starts_at_start: bool,
    /// A match must begin at the anchor (only look-arounds precede it).
    pub starts_at_anchor: bool,
    /// Set of code points every match starts with (a search prefilter).
    pub first: Option<u32>,
    /// The rule is a choice of "an `A` somewhere before a `B`" (set ids),
    /// `<char/><any count="0+"/><char/>`: the no-mix rules of the Root Zone
    /// LGRs. [`Matcher::search`] answers it in one pass over the label.
    pub pairs: Option<Box<[(u32, u32)]>>,
    pub line: u32,
    pub column: u32,
}

/// The step budget ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StepLimit;

pub(crate) struct Matcher<'a> {
    pub rules: &'a [Rule],
    pub sets: &'a [CpSet],
    pub label: &'a [u32],
    pub anchor: Option<(usize, usize)>,
    steps: Cell<u32>,
}

impl<'a> Matcher<'a> {
    pub fn new(
        rules: &'a [Rule],
        sets: &'a [CpSet],
        label: &'a [u32],
        anchor: Option<(usize, usize)>,
    ) -> Self {
        Matcher { rules, sets, label, anchor, steps: Cell::new(0) }
    }

    fn tick(&self) -> bool {
        let s = self.steps.get() + 1;
        self.steps.set(s);
        s <= STEP_LIMIT
    }

    fn exhausted(&self) -> bool {
        self.steps.get() > STEP_LIMIT
    }

    fn m(&self, n: &Node, pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        if !self.tick() {
            return false;
        }
        match n {
            Node::Start => pos == 0 && k(pos),
            Node::End => pos == self.label.len() && k(pos),
            Node::Anchor => match self.anchor {
                Some((a, len)) if a == pos => k(pos + len),
                _ => false,
            },
            Node::Any => pos < self.label.len() && k(pos + 1),
            Node::Set(id) => match (self.label.get(pos), self.sets.get(*id as usize)) {
                (Some(&c), Some(set)) if set.contains(c) => k(pos + 1),
                _ => false,
            },
            Node::Seq(cps) => match self.label.get(pos..) {
                Some(rest) if rest.starts_with(cps) => k(pos + cps.len()),
                _ => false,
            },
            Node::Cat(ns) => self.cat(ns, pos, k),
            Node::Alt(ns) => ns.iter().any(|n| self.m(n, pos, k)),
            Node::Rep(n, min, max) => self.rep(n, *min, *max, 0, pos, k),
            Node::Behind(n, min, max) => {
                // Look-behind is atomic: some start t <= pos must match up to pos.
                let hi = pos.saturating_sub(*min as usize);
                let lo = pos.saturating_sub((*max).min(u32::MAX - 1) as usize);
                if (*min as usize) > pos {
                    return false;
                }
                let found = (lo..=hi).rev().any(|t| self.m(n, t, &mut |e| e == pos));
                found && k(pos)
            }
            Node::Ahead(n) => {
                let found = self.m(n, pos, &mut |_| true);
                found && k(pos)
            }
            Node::Ref(id) => match self.rules.get(*id as usize) {
                Some(r) => self.m(&r.node, pos, k),
                None => false,
            },
            Node::Never => false,
        }
    }

    fn cat(&self, ns: &[Node], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        match ns.split_first() {
            None => k(pos),
            Some((h, t)) => self.m(h, pos, &mut |p| self.cat(t, p, k)),
        }
    }

    fn rep(
        &self,
        n: &Node,
        min: u32,
        max: u32,
        count: u32,
        pos: usize,
        k: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        // Greedy; an iteration that consumes nothing only counts towards `min`
        // (otherwise `(x?)*` would loop forever).
        if count < max
            && self.m(n, pos, &mut |p| {
                (p != pos || count < min) && self.rep(n, min, max, count + 1, p, k)
            })
        {
            return true;
        }
        count >= min && k(pos)
    }

    /// Whether the rule matches anywhere in the label (RFC 7940 §7.2
    /// "match": a rule without `<start/>`/`<end/>` may match a substring).
    pub fn search(&self, rule: &Rule) -> Result<bool, StepLimit> {
        // The backtracking search of such a rule takes a few steps per pair
        // of positions, so on a label this short it never hits the budget
        // and the one-pass answer is the same.
        if let Some(pairs) = &rule.pairs
            && self.label.len() <= PAIRS_MAX_LABEL
        {
            return Ok(pairs.iter().any(|&(a, b)| self.a_before_b(a, b)));
        }
        let (first, last) = match self.anchor {
            Some((a, _)) if rule.starts_at_anchor => (a, a),
            _ if rule.starts_at_start => (0, 0),
            _ => (0, self.label.len()),
        };
        let prefilter = if self.anchor.is_some() && rule.starts_at_anchor {
            None
        } else {
            rule.first.and_then(|i| self.sets.get(i as usize))
        };
        for s in first..=last {
            if let Some(f) = prefilter
                && !self.label.get(s).is_some_and(|&c| f.contains(c))
            {
                continue;
            }
            if self.m(&rule.node, s, &mut |_| true) {
                return Ok(true);
            }
            if self.exhausted() {
                return Err(StepLimit);
            }
        }
        if self.exhausted() { Err(StepLimit) } else { Ok(false) }
    }
}

/// Longest label [`Matcher::search`] answers a [`Rule::pairs`] rule for in
/// one pass (a label is at most 63 code points; see [`ordered_pairs`]).
const PAIRS_MAX_LABEL: usize = 64;

/// Most alternatives of a [`Rule::pairs`] rule: with at most 8 and a label
/// of at most [`PAIRS_MAX_LABEL`] code points the backtracking search stays
/// far below [`STEP_LIMIT`] (a few steps per pair of positions).
const PAIRS_MAX_ALTERNATIVES: usize = 8;

impl Matcher<'_> {
    /// Whether some code point of set `a` comes before one of set `b`.
    fn a_before_b(&self, a: u32, b: u32) -> bool {
        let (Some(a), Some(b)) = (self.sets.get(a as usize), self.sets.get(b as usize)) else {
            return false;
        };
        let mut seen = false;
        for &c in self.label {
            if seen && b.contains(c) {
                return true;
            }
            seen = seen || a.contains(c);
        }
        false
    }
}

/// The `(A, B)` set pairs of a rule that is a choice (or one) of
/// `A, any count="0+", B` with no anchor, start or end: it matches exactly
/// when some code point of `A` comes before one of `B`. `None` for any
/// other rule.
pub(crate) fn ordered_pairs(n: &Node) -> Option<Box<[(u32, u32)]>> {
    fn unwrap(n: &Node) -> &Node {
        match n {
            Node::Cat(ns) if ns.len() == 1 => ns.first().map_or(n, unwrap),
            _ => n,
        }
    }
    fn pair(n: &Node) -> Option<(u32, u32)> {
        let Node::Cat(ns) = unwrap(n) else { return None };
        match ns.iter().map(unwrap).collect::<Vec<_>>().as_slice() {
            [Node::Set(a), Node::Rep(any, 0, u32::MAX), Node::Set(b)]
                if matches!(unwrap(any), Node::Any) =>
            {
                Some((*a, *b))
            }
            _ => None,
        }
    }
    let pairs: Option<Vec<(u32, u32)>> = match unwrap(n) {
        Node::Alt(alts) => alts.iter().map(pair).collect(),
        one => pair(one).map(|p| vec![p]),
    };
    pairs.filter(|p| !p.is_empty() && p.len() <= PAIRS_MAX_ALTERNATIVES).map(Vec::into_boxed_slice)
}

/// Parses an RFC 7940 §6.3.8 `count` attribute: `n`, `n+`, `n:m`.
pub(crate) fn parse_count(s: &str) -> Option<(u32, u32)> {
    let s = s.trim();
    if let Some(n) = s.strip_suffix('+') {
        let n: u32 = n.parse().ok()?;
        return Some((n, u32::MAX));
    }
    if let Some((a, b)) = s.split_once(':') {
        let a: u32 = a.parse().ok()?;
        let b: u32 = b.parse().ok()?;
        return (a <= b).then_some((a, b));
    }
    let n: u32 = s.parse().ok()?;
    Some((n, n))
}

pub(crate) fn node_has_anchor(n: &Node) -> bool {
    match n {
        Node::Anchor => true,
        Node::Cat(ns) | Node::Alt(ns) => ns.iter().any(node_has_anchor),
        Node::Rep(n, _, _) | Node::Behind(n, _, _) | Node::Ahead(n) => node_has_anchor(n),
        _ => false,
    }
}

pub(crate) fn node_refs(n: &Node, out: &mut Vec<u32>) {
    match n {
        Node::Ref(id) => out.push(*id),
        Node::Cat(ns) | Node::Alt(ns) => ns.iter().for_each(|n| node_refs(n, out)),
        Node::Rep(n, _, _) | Node::Behind(n, _, _) | Node::Ahead(n) => node_refs(n, out),
        _ => {}
    }
}

const INF: u32 = u32::MAX;

/// (min, max) number of code points a node consumes; `INF` when unbounded.
/// An anchor's width is unknown here, so it counts as 0..INF.
pub(crate) fn width(n: &Node, rules: &[Rule], depth: u32) -> (u32, u32) {
    if depth > 64 {
        return (0, INF);
    }
    match n {
        Node::Start | Node::End | Node::Behind(..) | Node::Ahead(_) => (0, 0),
        Node::Anchor => (0, INF),
        Node::Never => (0, 0),
        Node::Any | Node::Set(_) => (1, 1),
        Node::Seq(c) => (c.len() as u32, c.len() as u32),
        Node::Cat(ns) => ns.iter().fold((0, 0), |(a, b), n| {
            let (x, y) = width(n, rules, depth + 1);
            (a.saturating_add(x), if b == INF || y == INF { INF } else { b.saturating_add(y) })
        }),
        Node::Alt(ns) if ns.is_empty() => (0, 0),
        Node::Alt(ns) => ns.iter().fold((INF, 0), |(a, b), n| {
            let (x, y) = width(n, rules, depth + 1);
            (a.min(x), b.max(y))
        }),
        Node::Rep(n, lo, hi) => {
            let (x, y) = width(n, rules, depth + 1);
            let max = if *hi == INF || y == INF {
                if y == 0 { 0 } else { INF }
            } else {
                y.saturating_mul(*hi)
            };
            (x.saturating_mul(*lo), max)
        }
        Node::Ref(id) => {
            rules.get(*id as usize).map(|r| width(&r.node, rules, depth + 1)).unwrap_or((0, 0))
        }
    }
}

/// Fills in look-behind widths (after all rules are compiled).
pub(crate) fn annotate(n: &mut Node, rules: &[Rule]) {
    match n {
        Node::Behind(inner, min, max) => {
            annotate(inner, rules);
            let (a, b) = width(inner, rules, 0);
            *min = a;
            *max = b;
        }
        Node::Cat(ns) | Node::Alt(ns) => ns.iter_mut().for_each(|n| annotate(n, rules)),
        Node::Rep(inner, _, _) | Node::Ahead(inner) => annotate(inner, rules),
        _ => {}
    }
}

/// Whether every match of the node begins where the anchor is.
pub(crate) fn starts_at_anchor(n: &Node, rules: &[Rule], depth: u32) -> bool {
    if depth > 64 {
        return false;
    }
    match n {
        Node::Anchor => true,
        Node::Cat(ns) => {
            for n in ns.iter() {
                match n {
                    Node::Behind(..) | Node::Ahead(_) | Node::Start => continue,
                    other => return starts_at_anchor(other, rules, depth + 1),
                }
            }
            false
        }
        Node::Alt(ns) => !ns.is_empty() && ns.iter().all(|n| starts_at_anchor(n, rules, depth + 1)),
        Node::Ref(id) => {
            rules.get(*id as usize).is_some_and(|r| starts_at_anchor(&r.node, rules, depth + 1))
        }
        _ => false,
    }
}

/// The code points a match of the node must start with, when known (the
/// node consumes at least one code point before any look-around).
pub(crate) fn first_set(n: &Node, rules: &[Rule], sets: &[CpSet], depth: u32) -> Option<CpSet> {
    if depth > 64 {
        return None;
    }
    match n {
        Node::Set(id) => sets.get(*id as usize).cloned(),
        Node::Seq(c) => c.first().map(|&c| CpSet::from_ranges(vec![(c, c)])),
        Node::Cat(ns) => ns.first().and_then(|n| first_set(n, rules, sets, depth + 1)),
        Node::Alt(ns) => {
            let mut acc = CpSet::new();
            for n in ns.iter() {
                acc = acc.union(&first_set(n, rules, sets, depth + 1)?);
            }
            (!ns.is_empty()).then_some(acc)
        }
        Node::Rep(n, min, _) if *min >= 1 => first_set(n, rules, sets, depth + 1),
        Node::Ref(id) => {
            rules.get(*id as usize).and_then(|r| first_set(&r.node, rules, sets, depth + 1))
        }
        _ => None,
    }
}

/// A set of code points of which every match must contain at least one
/// (a label-level prefilter), when known.
pub(crate) fn required_set(n: &Node, rules: &[Rule], sets: &[CpSet], depth: u32) -> Option<CpSet> {
    if depth > 64 {
        return None;
    }
    match n {
        Node::Set(id) => sets.get(*id as usize).cloned(),
        Node::Seq(c) => c.first().map(|&c| CpSet::from_ranges(vec![(c, c)])),
        // Any required element will do; take the smallest set.
        Node::Cat(ns) => ns
            .iter()
            .filter_map(|n| required_set(n, rules, sets, depth + 1))
            .min_by_key(|s| s.len()),
        Node::Alt(ns) => {
            let mut acc = CpSet::new();
            for n in ns.iter() {
                acc = acc.union(&required_set(n, rules, sets, depth + 1)?);
            }
            (!ns.is_empty()).then_some(acc)
        }
        Node::Rep(n, min, _) if *min >= 1 => required_set(n, rules, sets, depth + 1),
        Node::Behind(n, _, _) | Node::Ahead(n) => required_set(n, rules, sets, depth + 1),
        Node::Ref(id) => {
            rules.get(*id as usize).and_then(|r| required_set(&r.node, rules, sets, depth + 1))
        }
        _ => None,
    }
}

pub(crate) fn starts_at_start(n: &Node) -> bool {
    match n {
        Node::Start => true,
        Node::Cat(ns) => ns.first().is_some_and(starts_at_start),
        Node::Alt(ns) => !ns.is_empty() && ns.iter().all(starts_at_start),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(node: Node) -> Rule {
        Rule {
            name: "t".into(),
            starts_at_start: starts_at_start(&node),
            starts_at_anchor: starts_at_anchor(&node, &[], 0),
            first: None,
            pairs: ordered_pairs(&node),
            has_anchor: node_has_anchor(&node),
            node,
            line: 0,
            column: 0,
        }
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("1+"), Some((1, u32::MAX)));
        assert_eq!(parse_count("2:3"), Some((2, 3)));
        assert_eq!(parse_count("4"), Some((4, 4)));
        assert_eq!(parse_count("3:2"), None);
        assert_eq!(parse_count("x"), None);
    }

    #[test]
    fn search_and_lookaround() {
        let sets = vec![CpSet::from_ranges(vec![(0x30, 0x39)])];
        // start digit+ end
        let r = rule(Node::Cat(
            vec![Node::Start, Node::Rep(Box::new(Node::Set(0)), 1, u32::MAX), Node::End].into(),
        ));
        let lab: Vec<u32> = "123".chars().map(u32::from).collect();
        assert_eq!(Matcher::new(&[], &sets, &lab, None).search(&r), Ok(true));
        let lab2: Vec<u32> = "12a".chars().map(u32::from).collect();
        assert_eq!(Matcher::new(&[], &sets, &lab2, None).search(&r), Ok(false));
        // (?<=^..-) anchor
        let r2 = rule(Node::Cat(
            vec![
                Node::Behind(
                    Box::new(Node::Cat(
                        vec![Node::Start, Node::Any, Node::Any, Node::Seq(vec![0x2D].into())]
                            .into(),
                    )),
                    3,
                    3,
                ),
                Node::Anchor,
            ]
            .into(),
        ));
        let lab3: Vec<u32> = "ab--c".chars().map(u32::from).collect();
        assert_eq!(Matcher::new(&[], &sets, &lab3, Some((3, 1))).search(&r2), Ok(true));
        assert_eq!(Matcher::new(&[], &sets, &lab3, Some((2, 1))).search(&r2), Ok(false));
    }

    #[test]
    fn ordered_pair_rules_answer_as_the_backtracking_search() {
        // Sets: {a}, {b}, {a, b, c} (overlapping), {d}.
        let sets = vec![
            CpSet::from_ranges(vec![(0x61, 0x61)]),
            CpSet::from_ranges(vec![(0x62, 0x62)]),
            CpSet::from_ranges(vec![(0x61, 0x63)]),
            CpSet::from_ranges(vec![(0x64, 0x64)]),
        ];
        let any = || Node::Rep(Box::new(Node::Any), 0, u32::MAX);
        let pair = |a, b| Node::Cat(vec![Node::Set(a), any(), Node::Set(b)].into());
        let nomix = |a, b| Node::Cat(vec![Node::Alt(vec![pair(a, b), pair(b, a)].into())].into());
        let shapes = [nomix(0, 1), nomix(2, 3), nomix(0, 2), pair(2, 2), pair(3, 0)];
        let not_pairs = [
            Node::Cat(
                vec![Node::Set(0), Node::Rep(Box::new(Node::Any), 1, u32::MAX), Node::Set(1)]
                    .into(),
            ),
            Node::Cat(vec![Node::Start, Node::Set(0), any(), Node::Set(1)].into()),
            Node::Alt(vec![pair(0, 1), Node::Set(3)].into()),
        ];
        for n in &not_pairs {
            assert!(ordered_pairs(n).is_none(), "{n:?}");
        }
        // Every label over a..e up to length 5, and longer ones.
        let mut labels: Vec<Vec<u32>> = vec![vec![]];
        for _ in 0..5 {
            let next: Vec<Vec<u32>> = labels
                .iter()
                .filter(|l| l.len() == labels.last().map_or(0, Vec::len))
                .flat_map(|l| (0x61..=0x65).map(move |c| [l.as_slice(), &[c]].concat()))
                .collect();
            labels.extend(next);
        }
        labels.push(vec![0x65; 64]);
        labels.push([vec![0x64; 63], vec![0x61]].concat());
        labels.push([vec![0x62; 40], vec![0x61; 24]].concat());
        for node in shapes {
            let fast = rule(node);
            assert!(fast.pairs.is_some(), "{:?}", fast.node);
            let slow = Rule { pairs: None, ..fast.clone() };
            for l in &labels {
                let (f, s) = (
                    Matcher::new(&[], &sets, l, None).search(&fast),
                    Matcher::new(&[], &sets, l, None).search(&slow),
                );
                assert_eq!(f, s, "{l:?} {:?}", fast.node);
            }
        }
    }

    #[test]
    fn step_limit_is_reported() {
        // (any*)* end-less pathological nesting over a long label.
        let inner = Node::Rep(Box::new(Node::Rep(Box::new(Node::Any), 0, u32::MAX)), 0, u32::MAX);
        let r = rule(Node::Cat(vec![inner.clone(), inner, Node::Seq(vec![0x21].into())].into()));
        let lab: Vec<u32> = vec![0x61; 60];
        assert_eq!(Matcher::new(&[], &[], &lab, None).search(&r), Err(StepLimit));
    }
}
