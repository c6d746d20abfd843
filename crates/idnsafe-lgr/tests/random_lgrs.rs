//! Random small LGRs (sequences, targets of other lengths and of other
//! UTF-8 widths, reflexive mappings, contexts, ranges, a surrogate and an
//! out-of-repertoire code point among the targets, rules that read the
//! variant label) and random labels over them, up to the 63-code-point
//! limit: the odometer and the bundle agree with the tree walk on every
//! one (`common::assert_walks_agree`). Deterministic: a fixed seed.

use idnsafe_lgr::Lgr;

mod common;

/// xorshift64: enough spread for picking, and the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len())]
    }
}

/// Repertoire code points: one to four bytes of UTF-8.
const REPERTOIRE: [u32; 8] = [0x61, 0x62, 0x63, 0x64, 0xE0, 0x430, 0x3042, 0x1F600];
/// Variant targets may also hold a surrogate and a code point outside the
/// repertoire.
const TARGETS: [u32; 10] = [0x61, 0x62, 0x63, 0x64, 0xE0, 0x430, 0x3042, 0x1F600, 0xD800, 0x65];
const TYPES: [&str; 5] = ["blocked", "allocatable", "r-a", "t1", "t2"];
const CONTEXTS: [&str; 3] = [r#" when="after-a""#, r#" not-when="at-end""#, ""];

fn hex(cps: &[u32]) -> String {
    cps.iter().map(|c| format!("{c:04X}")).collect::<Vec<_>>().join(" ")
}

/// An LGR and its repertoire elements.
fn random_lgr(r: &mut Rng) -> (String, Vec<Vec<u32>>) {
    let mut elems: Vec<Vec<u32>> =
        REPERTOIRE.iter().filter(|_| r.percent(80)).map(|&c| vec![c]).collect();
    for _ in 0..r.below(4) {
        let seq: Vec<u32> = (0..2 + r.below(2)).map(|_| r.pick(&REPERTOIRE)).collect();
        if !elems.contains(&seq) {
            elems.push(seq);
        }
    }
    let mut data = String::new();
    for e in &elems {
        let ctx = if r.percent(20) { r.pick(&CONTEXTS[..2]) } else { "" };
        data.push_str(&format!(r#"<char cp="{}"{ctx}>"#, hex(e)));
        let mut seen = Vec::new();
        for _ in 0..r.below(4) {
            let target: Vec<u32> = if r.percent(15) {
                e.clone()
            } else {
                (0..1 + r.below(3)).map(|_| r.pick(&TARGETS)).collect()
            };
            let (ty, vctx) = (r.pick(&TYPES), if r.percent(17) { r.pick(&CONTEXTS) } else { "" });
            if seen.contains(&(target.clone(), ty, vctx)) {
                continue;
            }
            data.push_str(&format!(r#"<var cp="{}" type="{ty}"{vctx}/>"#, hex(&target)));
            seen.push((target, ty, vctx));
        }
        data.push_str("</char>");
    }
    if r.percent(30) {
        data.push_str(r#"<range first-cp="0100" last-cp="0105"/>"#);
        elems.extend([vec![0x100], vec![0x103]]);
    }
    let xml = format!(
        r#"<lgr xmlns="urn:ietf:params:xml:ns:lgr-1.0"><data>{data}</data><rules>
    <rule name="after-a"><look-behind><char cp="0061"/></look-behind><anchor/></rule>
    <rule name="at-end"><anchor/><look-ahead><end/></look-ahead></rule>
    <rule name="has-cyr"><char cp="0430"/></rule>
    <rule name="ends-b"><char cp="0062"/><end/></rule>
    <action disp="invalid" match="has-cyr" any-variant="t2"/>
    <action disp="blocked" any-variant="blocked"/>
    <action disp="invalid" match="ends-b" any-variant="allocatable"/>
    <action disp="allocatable" only-variants="allocatable r-a"/>
    <action disp="activated" all-variants="allocatable r-a t1"/>
    <action disp="valid"/>
  </rules></lgr>"#
    );
    (xml, elems)
}

#[test]
fn odometer_and_bundle_agree_with_the_tree_walk_on_random_lgrs() {
    let mut r = Rng(0x1234_5678_9ABC_DEF1);
    let (mut loaded, mut compared) = (0, 0);
    for _ in 0..300 {
        let (xml, elems) = random_lgr(&mut r);
        // Some random LGRs are refused (say, a duplicate element): skip those.
        let Ok(lgr) = Lgr::from_xml(&xml) else { continue };
        loaded += 1;
        for i in 0..20 {
            let parts = if i == 0 { 63 } else { 1 + r.below(6) };
            let mut cps: Vec<u32> = Vec::new();
            for _ in 0..parts {
                cps.extend_from_slice(&elems[r.below(elems.len())]);
            }
            cps.truncate(63);
            let label: String = cps.iter().filter_map(|&c| char::from_u32(c)).collect();
            let limits: &[u64] = if i == 0 { &[0, 1, 7] } else { &[0, 1, 2, 7, 100_000] };
            for &limit in limits {
                compared += common::assert_walks_agree(&lgr, &label, limit);
            }
        }
    }
    assert!(loaded > 200, "only {loaded} of 300 random LGRs loaded");
    assert!(compared > 100_000, "only {compared} variant labels compared");
}
