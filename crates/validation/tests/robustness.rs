//! Random damage to the samples never makes the validator panic, and every finding it reports
//! is located and explained. (Its speed on damaged bundles is measured by
//! `cargo bench -p validation --bench validate`.)
#![allow(clippy::expect_used, clippy::unwrap_used)]

use proptest::prelude::*;
use serde_json::{Value, json};
use std::path::Path;

/// Every shared sample, read once.
static SAMPLES: std::sync::LazyLock<Vec<Value>> = std::sync::LazyLock::new(read_samples);

fn read_samples() -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/nphies");
    let mut out = Vec::new();
    for dir in ["nphies-fhir-docs", "xactasolutionsai"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for f in files {
            out.push(serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap());
        }
    }
    out
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
        Just(json!([])),
        Just(json!({})),
        Just(json!([{"reference": "Patient/x"}])),
        Just(json!({"coding": [{"system": 1, "code": []}]})),
        Just(json!({"value": "12", "currency": 5})),
    ]
}

/// Walks to a node chosen by `path` (indices taken modulo the width) and replaces it.
fn damage(value: &mut Value, path: &[usize], with: Value) {
    match (value, path.split_first()) {
        (Value::Object(map), Some((n, rest))) if !map.is_empty() => {
            let key = map.keys().nth(n % map.len()).cloned().unwrap();
            damage(map.get_mut(&key).unwrap(), rest, with);
        }
        (Value::Array(items), Some((n, rest))) if !items.is_empty() => {
            let len = items.len();
            damage(&mut items[n % len], rest, with);
        }
        (node, _) => *node = with,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn damaged_samples_never_panic(
        which in 0usize..64,
        damages in prop::collection::vec(
            (prop::collection::vec(0usize..64, 0..8), replacement()),
            1..4,
        ),
    ) {
        let mut bundle = SAMPLES[which % SAMPLES.len()].clone();
        for (path, with) in damages {
            damage(&mut bundle, &path, with);
        }
        let report = validation::validate(&bundle, chrono::Utc::now());
        // Every finding is located and explained.
        for f in &report.findings {
            prop_assert!(f.expression.starts_with("Bundle"), "{}", f.expression);
            prop_assert!(!f.message.is_empty());
        }
    }
}

#[test]
fn anything_that_is_not_a_bundle_is_refused_without_panic() {
    for value in [
        json!(null),
        json!(1),
        json!("x"),
        json!([]),
        json!({}),
        json!({"entry": 5}),
    ] {
        let report = validation::validate(&value, chrono::Utc::now());
        assert!(report.has_errors(), "{value}");
    }
}
