#![allow(clippy::expect_used, clippy::unwrap_used)]

//! Every shared NPHIES sample reads into the model and writes back as the same JSON; every claim
//! and prior-authorization sample yields the facts written in the file.

use nphies::{ClaimSubmission, ClaimType, ClaimUse, Resource, canonical_json, parse_bundle};
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/nphies")
}

fn samples() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["nphies-fhir-docs", "xactasolutionsai"] {
        for entry in std::fs::read_dir(fixtures().join(dir)).expect("fixture dir") {
            let path = entry.expect("dir entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 30, "fixtures missing: {}", files.len());
    files
}

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read fixture")).expect("fixture is JSON")
}

#[test]
fn every_sample_round_trips_through_the_model() {
    for path in samples() {
        let original = read(&path);
        let resource = Resource::from_json(original.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let written = serde_json::to_value(&resource).expect("serialize");
        assert_eq!(
            canonical_json(&written),
            canonical_json(&original),
            "{} changed on a round trip",
            path.display()
        );
    }
}

/// One line of `tests/fixtures/nphies/claim-samples.json`: the facts a sample file states.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Expected {
    file: String,
    event: String,
    #[serde(rename = "use")]
    claim_use: String,
    #[serde(rename = "type")]
    claim_type: String,
    sub_type: Option<String>,
    total: String,
    currency: String,
    provider: String,
    payer: String,
    items: usize,
    claim_number: String,
    bundle_id: String,
}

#[test]
fn claim_samples_yield_their_facts() {
    let manifest: Vec<Expected> =
        serde_json::from_value(read(&fixtures().join("claim-samples.json"))).expect("manifest");
    assert_eq!(manifest.len(), 13);
    for want in &manifest {
        let bundle = parse_bundle(read(&fixtures().join(&want.file))).expect("bundle");
        let got = ClaimSubmission::from_bundle(&bundle)
            .unwrap_or_else(|p| panic!("{}: {p:?}", want.file));
        let file = &want.file;
        assert_eq!(got.event.as_str(), want.event, "{file}");
        assert_eq!(
            Some(got.claim_use),
            ClaimUse::parse(&want.claim_use),
            "{file}"
        );
        assert_eq!(
            Some(got.claim_type),
            ClaimType::parse(&want.claim_type),
            "{file}"
        );
        assert_eq!(got.sub_type, want.sub_type, "{file}");
        assert_eq!(
            got.total,
            Decimal::from_str(&want.total).expect("decimal"),
            "{file}"
        );
        assert_eq!(got.currency, want.currency, "{file}");
        assert_eq!(got.provider_license, want.provider, "{file}");
        assert_eq!(got.payer_license, want.payer, "{file}");
        assert_eq!(got.items.len(), want.items, "{file}");
        assert_eq!(got.claim_number, want.claim_number, "{file}");
        assert_eq!(got.bundle_id, want.bundle_id, "{file}");
        let net: Decimal = got.items.iter().filter_map(|i| i.net).sum();
        assert_eq!(net, got.total, "{file}: items add up to the total");
    }
}

#[test]
fn professional_claim_details() {
    let bundle = parse_bundle(read(
        &fixtures().join("nphies-fhir-docs/10 - Claim Professional Request.json"),
    ))
    .expect("bundle");
    let claim = ClaimSubmission::from_bundle(&bundle).expect("claim");
    assert_eq!(claim.claim_number, "req_296260");
    assert_eq!(
        claim.patient.identifier_system,
        "http://nphies.sa/identifier/iqama"
    );
    assert_eq!(claim.patient.identifier_value, "0000000001");
    assert_eq!(claim.patient.identifier_type.as_deref(), Some("PRC"));
    assert_eq!(
        claim.patient.name_en.as_deref(),
        Some("Mariyam Khaled Osman")
    );
    assert_eq!(claim.patient.birth_date.as_deref(), Some("1984-12-25"));
    let item = &claim.items[0];
    assert_eq!(item.quantity, Some(Decimal::ONE));
    assert_eq!(item.unit_price, Some(Decimal::from(106)));
    assert_eq!(item.tax, Some(Decimal::from_str("15.9").expect("decimal")));
    assert_eq!(item.net, Some(Decimal::from_str("121.9").expect("decimal")));
    assert_eq!(item.service_code.as_deref(), Some("83600-00-10"));
}

#[test]
fn non_claim_samples_are_refused_with_a_path() {
    for file in [
        "nphies-fhir-docs/12a - Poll Request.json",
        "nphies-fhir-docs/14a - Eligibilty Request Ben-Val.json",
        "nphies-fhir-docs/5b - Preauth Professional Response.json",
    ] {
        let bundle = parse_bundle(read(&fixtures().join(file))).expect("bundle");
        let problems = ClaimSubmission::from_bundle(&bundle).expect_err(file);
        assert!(
            problems
                .iter()
                .any(|p| p.expression == "Bundle.entry[0].resource.eventCoding.code"),
            "{file}: {problems:?}"
        );
    }
}

#[test]
fn wrong_types_are_located() {
    let mut value = read(&fixtures().join("nphies-fhir-docs/10 - Claim Professional Request.json"));
    value["entry"][1]["resource"]["total"]["value"] = Value::String("121.9".into());
    let err = parse_bundle(value).expect_err("string amount");
    assert_eq!(err.expression, "Bundle.entry[1].resource.total.value");

    let mut value = read(&fixtures().join("nphies-fhir-docs/10 - Claim Professional Request.json"));
    value["entry"][1]["resource"]["item"][0]["sequence"] = Value::Bool(true);
    let err = parse_bundle(value).expect_err("bool sequence");
    assert_eq!(err.expression, "Bundle.entry[1].resource.item[0].sequence");

    let err = parse_bundle(serde_json::json!({"resourceType": "Patient"})).expect_err("patient");
    assert_eq!(err.expression, "Bundle.resourceType");
}

#[test]
fn missing_pieces_are_each_reported() {
    let mut value = read(&fixtures().join("nphies-fhir-docs/10 - Claim Professional Request.json"));
    let claim = &mut value["entry"][1]["resource"];
    claim.as_object_mut().expect("claim").remove("identifier");
    claim["patient"]["reference"] = Value::String("Patient/nowhere".into());
    let bundle = parse_bundle(value).expect("bundle");
    let problems = ClaimSubmission::from_bundle(&bundle).expect_err("invalid");
    let paths: Vec<&str> = problems.iter().map(|p| p.expression.as_str()).collect();
    assert!(
        paths.contains(&"Bundle.entry[1].resource.identifier"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"Bundle.entry[1].resource.patient.reference"),
        "{paths:?}"
    );
}

#[test]
fn canonical_json_ignores_formatting_and_key_order() {
    let a: Value = serde_json::from_str(r#"{"b": [1, {"y": 2, "x": 1}], "a": "s"}"#).expect("json");
    let b: Value = serde_json::from_str(r#"{"a":"s","b":[1,{"x":1,"y":2}]}"#).expect("json");
    assert_eq!(canonical_json(&a), canonical_json(&b));
    assert_eq!(canonical_json(&a), r#"{"a":"s","b":[1,{"x":1,"y":2}]}"#);
}

#[test]
fn type_errors_do_not_echo_the_value() {
    let mut value = read(&fixtures().join("nphies-fhir-docs/10 - Claim Professional Request.json"));
    value["entry"][3]["resource"]["birthDate"] = serde_json::json!({"secret": 1});
    value["entry"][1]["resource"]["item"][0]["sequence"] = Value::String("Mariyam Osman".into());
    let err = parse_bundle(value).expect_err("string sequence");
    assert!(!err.message.contains("Mariyam"), "{}", err.message);
    assert!(err.message.contains("invalid type"), "{}", err.message);
}
