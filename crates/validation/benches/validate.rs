//! Parse + validate throughput on one core, for the professional claim and the institutional
//! prior-authorization samples (issue 3: at least 25,000 bundles/s), and the worst single-bundle
//! time over randomly damaged samples (issue 3: under a millisecond).
//!
//! Run: `cargo bench -p validation --bench validate`.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use criterion::{Criterion, Throughput, criterion_group};

// The allocator the `claimlinc` binary uses: parsing JSON is mostly allocation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/nphies/nphies-fhir-docs")
            .join(name),
    )
    .expect("sample")
}

fn parse_and_validate(c: &mut Criterion) {
    let received = chrono::Utc::now();
    let mut group = c.benchmark_group("parse+validate");
    group.throughput(Throughput::Elements(1));
    for name in [
        "10 - Claim Professional Request.json",
        "1 - Preauth Institutional Request.json",
    ] {
        let bytes = sample(name);
        group.bench_function(name, |b| {
            b.iter(|| {
                let value: serde_json::Value = serde_json::from_slice(black_box(&bytes)).unwrap();
                black_box(validation::validate(&value, received))
            })
        });
    }
    group.finish();
    // The parts, to see where the time goes.
    let bytes = sample("10 - Claim Professional Request.json");
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let mut parts = c.benchmark_group("parts");
    parts.bench_function("parse only", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).unwrap())
    });
    parts.bench_function("validate only", |b| {
        b.iter(|| black_box(validation::validate(black_box(&value), received)))
    });
    parts.finish();
}

/// A small deterministic generator, so the damaged bundles are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Replaces a random node of the tree with a value of another kind.
fn damage(value: &mut serde_json::Value, rng: &mut Lcg, depth: u32) {
    use serde_json::{Value, json};
    let replace = depth > 6 || rng.next().is_multiple_of(4);
    match value {
        Value::Object(map) if !replace && !map.is_empty() => {
            let n = (rng.next() as usize) % map.len();
            if let Some(child) = map.values_mut().nth(n) {
                damage(child, rng, depth + 1);
            }
        }
        Value::Array(items) if !replace && !items.is_empty() => {
            let n = (rng.next() as usize) % items.len();
            damage(&mut items[n], rng, depth + 1);
        }
        _ => {
            *value = match rng.next() % 7 {
                0 => Value::Null,
                1 => json!(-1),
                2 => json!(1e308),
                3 => json!("x"),
                4 => json!([]),
                5 => json!({}),
                _ => json!(true),
            }
        }
    }
}

/// The slowest single parse+validate over 20,000 damaged copies of the samples.
fn worst_case_latency() {
    let received = chrono::Utc::now();
    let mut rng = Lcg(42);
    let samples: Vec<serde_json::Value> = [
        "10 - Claim Professional Request.json",
        "1 - Preauth Institutional Request.json",
        "14a - Eligibilty Request Ben-Val.json",
        "2b - First Response for first Preauth Dental Request.json",
        "12b - Poll Response (Do Not Process).json",
    ]
    .iter()
    .map(|n| serde_json::from_slice(&sample(n)).unwrap())
    .collect();
    const N: usize = 20_000;
    let mut times: Vec<Duration> = Vec::with_capacity(N);
    for i in 0..N {
        let mut mutant = samples[i % samples.len()].clone();
        for _ in 0..=(rng.next() % 3) {
            damage(&mut mutant, &mut rng, 0);
        }
        let bytes = serde_json::to_vec(&mutant).unwrap();
        let start = Instant::now();
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        black_box(validation::validate(&value, received));
        times.push(start.elapsed());
    }
    times.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let at = |q: f64| us(times[((N as f64 * q) as usize).min(N - 1)]);
    println!(
        "damaged bundles: {N}, p50 {:.1} us, p99 {:.1} us, p99.9 {:.1} us, max {:.1} us (target: under 1000 us)",
        at(0.5),
        at(0.99),
        at(0.999),
        us(times[N - 1])
    );
}

criterion_group!(benches, parse_and_validate);

fn main() {
    worst_case_latency();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
