use std::time::Instant;
fn main() {
    let lgr =
        idnsafe_lgr::Lgr::from_path("/work/shared/data/lgr/second-level/und-Latn.xml").unwrap();
    let labels: Vec<Vec<u32>> = std::fs::read_to_string("/tmp/ascii.txt")
        .unwrap()
        .lines()
        .map(|l| l.split('.').next().unwrap().to_ascii_lowercase().chars().map(u32::from).collect())
        .collect();
    for v in lgr.variants("thequickbrown", Default::default()).unwrap().take(3) {
        println!("{} {:?} {:?}", v.label, lgr.type_names(v.types), v.disposition);
    }
    for limit in std::env::args().skip(1).map(|a| a.parse::<u64>().unwrap()) {
        let t = Instant::now();
        let mut tot = 0usize;
        let mut out = String::new();
        for _ in 0..20 {
            for l in &labels {
                if let Ok(mut b) = lgr.bundle_cps(l.clone(), limit) {
                    while b.next_into(&mut out).is_some() {
                        tot += 1;
                    }
                    out.clear();
                }
            }
        }
        let dt = t.elapsed().as_secs_f64() / (20.0 * labels.len() as f64);
        println!(
            "limit {limit}: {:.0} ns/label, {:.2} labels",
            dt * 1e9,
            tot as f64 / (20.0 * labels.len() as f64)
        );
    }
    let t = Instant::now();
    let mut k = 0;
    for _ in 0..20 {
        for l in &labels {
            k += lgr.disposition_cps(l, None).is_allocatable() as usize;
        }
    }
    println!(
        "disposition {:.0} ns {k}",
        t.elapsed().as_secs_f64() / (20.0 * labels.len() as f64) * 1e9
    );
}
#[allow(dead_code)]
fn dbg_types() {}
