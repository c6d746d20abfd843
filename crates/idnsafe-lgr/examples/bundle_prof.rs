use std::hint::black_box;
use std::time::Instant;
fn main() {
    let lgr = idnsafe_lgr::Lgr::from_path(std::path::Path::new(
        "/work/shared/data/lgr/second-level/und-Latn.xml",
    ))
    .unwrap();
    let labels: Vec<String> = [
        "google",
        "paypal",
        "amazon",
        "facebook",
        "wikipedia",
        "example",
        "microsoft",
        "netflix",
        "instagram",
        "twitter",
        "stackoverflow",
        "bundesregierung",
        "mississippi",
        "banking-online",
        "shop24",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let n: usize = std::env::var("N").map(|v| v.parse().unwrap()).unwrap_or(200_000);
    for (what, f) in [
        ("bundle0x", &(|l: &str| lgr.bundle(l, 0).unwrap().count()) as &dyn Fn(&str) -> usize),
        (
            "variant_count",
            &(|l: &str| lgr.variant_count(l).unwrap() as usize) as &dyn Fn(&str) -> usize,
        ),
        ("bundle16", &|l: &str| lgr.bundle(l, 16).unwrap().count()),
        ("bundle1", &|l: &str| lgr.bundle(l, 1).unwrap().count()),
        ("bundle0", &|l: &str| lgr.bundle(l, 0).unwrap().count()),
        ("variants16", &|l: &str| {
            lgr.variants(l, idnsafe_lgr::VariantOptions { limit: 16, allocatable_only: false })
                .unwrap()
                .count()
        }),
        ("are_variants", &|l: &str| lgr.are_variants(l, "zzzz").unwrap() as usize),
        ("disposition", &|l: &str| {
            (lgr.disposition(l).disposition == idnsafe_lgr::Disposition::Valid) as usize
        }),
    ] {
        if std::env::var("ONLY").is_ok_and(|o| o != what) {
            continue;
        }
        let t = Instant::now();
        let mut tot = 0;
        for i in 0..n {
            tot += f(black_box(&labels[i % labels.len()]));
        }
        eprintln!(
            "{what}: {:.0} ns/label (avg out {:.1})",
            t.elapsed().as_nanos() as f64 / n as f64,
            tot as f64 / n as f64
        );
    }
}
