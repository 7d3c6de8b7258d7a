//! The HTTP API against a real server, on SQLite and on PostgreSQL.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::*;
use futures::StreamExt;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::str::FromStr;

fn decimal(value: &Value) -> Decimal {
    Decimal::from_str(&value.to_string()).expect("decimal")
}

on_both_engines!(
    professional_claim_is_stored_exactly,
    every_claim_sample_is_stored_as_written,
    patients_are_upserted_by_identifier,
    reposts_are_idempotent_and_conflicts_refused,
    filters_and_keyset_pagination,
    every_error_class_is_an_operation_outcome,
    a_request_failing_half_way_leaves_no_rows,
    a_failing_claim_does_not_take_concurrent_claims_with_it,
    operations_endpoints,
    validate_operation_stores_nothing,
    amounts_are_exact_and_absurd_ones_refused,
);

async fn professional_claim_is_stored_exactly(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let response = app.post_claim(&fixture(PROFESSIONAL_CLAIM)).await;
    assert_eq!(response.status(), 201);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/fhir+json")
    );
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/claims/{}", created["id"].as_str().unwrap())
    );

    let claim = app.get_json(&location).await;
    assert_eq!(claim["use"], "claim");
    assert_eq!(claim["type"], "professional");
    assert_eq!(claim["subType"], "op");
    assert_eq!(claim["status"], "accepted");
    assert_eq!(decimal(&claim["total"]["value"]), Decimal::new(1219, 1));
    assert_eq!(claim["total"]["currency"], "SAR");
    assert_eq!(claim["claimNumber"], "req_296260");
    assert_eq!(claim["providerLicense"], "N-F-00001");
    assert_eq!(claim["payerLicense"], "N-I-00001");
    let item = &claim["items"][0];
    assert_eq!(item["sequence"], 1);
    assert_eq!(decimal(&item["unitPrice"]["value"]), Decimal::from(106));
    assert_eq!(item["unitPrice"]["currency"], "SAR");
    assert_eq!(decimal(&item["tax"]["value"]), Decimal::new(159, 1));
    assert_eq!(decimal(&item["net"]["value"]), Decimal::new(1219, 1));
    assert_eq!(decimal(&item["quantity"]), Decimal::ONE);
    // Accepted with findings kept with the claim: a warning for the sample's dummy iqama
    // (and profile findings the 2022 sample predates).
    let findings = claim["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["rule"] == "BV-00798"
            && f["severity"] == "warning"
            && f["expression"] == "Bundle.entry[3].resource.identifier[0].value"),
        "{claim}"
    );
    assert_eq!(claim["history"][0]["to"], "accepted");
    assert_eq!(claim["history"].as_array().unwrap().len(), 1);
}

async fn every_claim_sample_is_stored_as_written(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let samples = claim_samples();
    let mut refused = 0;
    assert_eq!(
        samples.len(),
        13,
        "every claim-request and priorauth-request sample"
    );
    for want in samples {
        let file = want["file"].as_str().unwrap();
        let original = fixture(file);
        // Post the file's bytes untouched.
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        let response = app.post_raw(bytes, "application/json").await;
        if let Some(rules) = want["refusedFor"].as_array() {
            // A sample NPHIES itself would refuse: 422 naming exactly those rules.
            assert_eq!(response.status(), 422, "{file}");
            let outcome: Value = response.json().await.unwrap();
            let mut reported: Vec<String> = outcome["issue"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["severity"] == "error")
                .map(|i| i["diagnostics"].as_str().unwrap()[..8].to_owned())
                // The refusing rules; profile findings (IC/DT/IB) come along in the outcome.
                .filter(|id| id.starts_with("BV-") || id.starts_with("RE-"))
                .collect();
            reported.sort();
            let mut expected: Vec<String> = rules
                .iter()
                .map(|r| r.as_str().unwrap().to_owned())
                .collect();
            expected.sort();
            assert_eq!(reported, expected, "{file}");
            refused += 1;
            continue;
        }
        assert_eq!(response.status(), 201, "{file}");
        let id = response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();

        let claim = app.get_json(&format!("/claims/{id}")).await;
        assert_eq!(claim["use"], want["use"], "{file}");
        assert_eq!(claim["type"], want["type"], "{file}");
        assert_eq!(claim["subType"], want["subType"], "{file}");
        assert_eq!(
            decimal(&claim["total"]["value"]),
            Decimal::from_str(want["total"].as_str().unwrap()).unwrap(),
            "{file}"
        );
        assert_eq!(claim["total"]["currency"], want["currency"], "{file}");
        assert_eq!(claim["providerLicense"], want["provider"], "{file}");
        assert_eq!(claim["payerLicense"], want["payer"], "{file}");
        assert_eq!(claim["claimNumber"], want["claimNumber"], "{file}");
        assert_eq!(claim["submissionId"], want["bundleId"], "{file}");
        assert_eq!(
            claim["items"].as_array().unwrap().len() as u64,
            want["items"],
            "{file}"
        );

        let response = app.get(&format!("/claims/{id}/bundle")).await;
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/fhir+json")
        );
        let stored: Value = response.json().await.unwrap();
        assert_eq!(
            stored, original,
            "{file}: the stored bundle differs from the file"
        );
    }
    let page = app.get_json("/claims?limit=100").await;
    assert_eq!(page["claims"].as_array().unwrap().len(), 13 - refused);
    let mut raw = app.db.raw().await;
    assert_eq!(raw.count("claims").await, 13 - refused as i64);
}

async fn patients_are_upserted_by_identifier(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    // Both dental samples are for the patient with iqama 0000000003.
    let a = app
        .post_claim(&fixture(
            "nphies-fhir-docs/2a - First Preauth Dental Request with multiple items.json",
        ))
        .await;
    let b = app
        .post_claim(&fixture("nphies-fhir-docs/7a - Claim Dental Request.json"))
        .await;
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (201, 201));
    let a: Value = a.json().await.unwrap();
    let b: Value = b.json().await.unwrap();
    assert_eq!(
        a["patientId"], b["patientId"],
        "one patient row for one identifier"
    );
    let patient = app
        .get_json(&format!("/patients/{}", a["patientId"].as_str().unwrap()))
        .await;
    assert_eq!(
        patient["identifier"]["system"],
        "http://nphies.sa/identifier/iqama"
    );
    assert_eq!(patient["identifier"]["value"], "0000000003");
    assert_eq!(patient["identifier"]["type"], "PRC");
    assert_eq!(patient["nameEn"], "Sara Khan");
    assert_eq!(patient["birthDate"], "1974-03-13");

    // A later bundle updates what it states about the same patient.
    let mut later = fresh_copy(&fixture(PROFESSIONAL_CLAIM), 1);
    let p = entry_of(&later, "Patient");
    later["entry"][p]["resource"]["identifier"][0]["value"] = json!("0000000003");
    later["entry"][p]["resource"]["telecom"][0]["value"] = json!("+966500000003");
    let c: Value = app.post_claim(&later).await.json().await.unwrap();
    assert_eq!(c["patientId"], a["patientId"]);
    let patient = app
        .get_json(&format!("/patients/{}", a["patientId"].as_str().unwrap()))
        .await;
    assert_eq!(patient["mobile"], "+966500000003");

    let mut raw = app.db.raw().await;
    assert_eq!(raw.count("patients").await, 1);
    assert_eq!(raw.count("claims").await, 3);

    let filtered = app
        .get_json(&format!(
            "/claims?patient={}",
            a["patientId"].as_str().unwrap()
        ))
        .await;
    assert_eq!(filtered["claims"].as_array().unwrap().len(), 3);
    assert_eq!(
        app.get(&format!("/patients/{}", uuid::Uuid::new_v4()))
            .await
            .status(),
        404
    );
}

async fn reposts_are_idempotent_and_conflicts_refused(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let sample = fixture(PROFESSIONAL_CLAIM);
    let first = app.post_claim(&sample).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();

    // Same Bundle id, same content (even pretty-printed differently): the stored claim, 200.
    let pretty = serde_json::to_vec_pretty(&sample).unwrap();
    let again = app.post_raw(pretty, "application/fhir+json").await;
    assert_eq!(again.status(), 200);
    let location = again.headers()["location"].to_str().unwrap().to_owned();
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(
        location,
        format!("/claims/{}", first["id"].as_str().unwrap())
    );

    // Same Bundle id, different content: 409.
    let mut changed = sample.clone();
    changed["timestamp"] = json!("2022-02-05T10:00:00+03:00");
    let conflict = app.post_claim(&changed).await;
    assert_eq!(conflict.status(), 409);
    let outcome: Value = conflict.json().await.unwrap();
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    assert_eq!(outcome["issue"][0]["code"], "conflict");

    // A new Bundle reusing the provider's claim number: 409 as well.
    let mut reused = sample.clone();
    reused["id"] = json!(uuid::Uuid::new_v4().to_string());
    assert_eq!(app.post_claim(&reused).await.status(), 409);

    // Concurrent duplicates: exactly one is created, the rest see it.
    let fresh = fresh_copy(&sample, 7);
    let statuses: Vec<u16> = futures::stream::iter(0..8)
        .map(|_| async { app.post_claim(&fresh).await.status().as_u16() })
        .buffer_unordered(8)
        .collect()
        .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 200),
        "{statuses:?}"
    );

    // Concurrent conflicting pairs (likely written in one batch): one wins, the other is a 409.
    for n in 0..10 {
        let a = fresh_copy(&sample, 100 + n);
        let mut same_id_other_content = a.clone();
        same_id_other_content["timestamp"] = json!("2022-02-05T10:00:00+03:00");
        let b = fresh_copy(&sample, 200 + n);
        let mut same_number_other_bundle = b.clone();
        same_number_other_bundle["id"] = json!(uuid::Uuid::new_v4().to_string());
        for (first, second) in [
            (&a, &same_id_other_content),
            (&b, &same_number_other_bundle),
        ] {
            let (x, y) = tokio::join!(app.post_claim(first), app.post_claim(second));
            let mut statuses = [x.status().as_u16(), y.status().as_u16()];
            statuses.sort_unstable();
            assert_eq!(statuses, [201, 409]);
        }
    }

    let mut raw = app.db.raw().await;
    assert_eq!(raw.count("claims").await, 22);
    assert_eq!(raw.count("claim_events").await, 22);
}

async fn filters_and_keyset_pagination(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let professional = fixture(PROFESSIONAL_CLAIM);
    let preauth = fixture("nphies-fhir-docs/5a - Preauth Professional Request.json");
    let dental = fixture("nphies-fhir-docs/7a - Claim Dental Request.json");
    const TOTAL: usize = 130;
    let mut bundles = Vec::new();
    for n in 0..TOTAL {
        let base = match n % 3 {
            0 => &professional,
            1 => &preauth,
            _ => &dental,
        };
        let mut bundle = fresh_copy(base, n);
        set_provider_license(&mut bundle, if n % 2 == 0 { "PR-EVEN" } else { "PR-ODD" });
        bundles.push(bundle);
    }
    let (first, second) = bundles.split_at(60);
    let post_all = |batch: &[Value]| {
        let batch = batch.to_vec();
        let app = &app;
        async move {
            let statuses: Vec<u16> = futures::stream::iter(batch)
                .map(|b| async move { app.post_claim(&b).await.status().as_u16() })
                .buffer_unordered(8)
                .collect()
                .await;
            assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
        }
    };
    post_all(first).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let midway = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    post_all(second).await;

    // Page through everything, 25 at a time: all claims, each once, newest first.
    let mut seen = HashSet::new();
    let mut last: Option<String> = None;
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/claims?limit=25&cursor={c}"),
            None => "/claims?limit=25".into(),
        };
        let page = app.get_json(&path).await;
        pages += 1;
        for claim in page["claims"].as_array().unwrap() {
            let at = claim["submittedAt"].as_str().unwrap().to_owned();
            if let Some(prev) = &last {
                assert!(
                    chrono::DateTime::parse_from_rfc3339(&at).unwrap()
                        <= chrono::DateTime::parse_from_rfc3339(prev).unwrap(),
                    "newest first"
                );
            }
            last = Some(at);
            assert!(
                seen.insert(claim["id"].as_str().unwrap().to_owned()),
                "duplicate across pages"
            );
        }
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), TOTAL);
    assert_eq!(pages, TOTAL.div_ceil(25));

    let count = |path: String| {
        let app = &app;
        async move {
            app.get_json(&path).await["claims"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    let expect = |f: &dyn Fn(usize) -> bool| (0..TOTAL).filter(|n| f(*n)).count();
    assert_eq!(
        count("/claims?limit=500&provider=PR-EVEN".into()).await,
        expect(&|n| n % 2 == 0)
    );
    assert_eq!(
        count("/claims?limit=500&use=preauthorization".into()).await,
        expect(&|n| n % 3 == 1)
    );
    assert_eq!(
        count("/claims?limit=500&type=oral".into()).await,
        expect(&|n| n % 3 == 2)
    );
    assert_eq!(
        count("/claims?limit=500&type=professional&use=claim".into()).await,
        expect(&|n| n % 3 == 0)
    );
    assert_eq!(
        count("/claims?limit=500&payer=N-I-00001".into()).await,
        TOTAL
    );
    assert_eq!(count("/claims?limit=500&payer=NOBODY".into()).await, 0);
    assert_eq!(
        count("/claims?limit=500&status=accepted".into()).await,
        TOTAL
    );
    assert_eq!(count("/claims?limit=500&status=sent".into()).await, 0);
    let from = midway.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    assert_eq!(
        count(format!("/claims?limit=500&submitted_from={from}")).await,
        TOTAL - 60
    );
    assert_eq!(
        count(format!("/claims?limit=500&submitted_to={from}")).await,
        60
    );
    assert_eq!(
        count("/claims?limit=500&submitted_from=2000-01-01".into()).await,
        TOTAL
    );
    // Filters combine with pagination.
    let page = app
        .get_json("/claims?limit=10&provider=PR-ODD&type=oral")
        .await;
    assert_eq!(page["claims"].as_array().unwrap().len(), 10);
    assert!(
        page["claims"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["providerLicense"] == "PR-ODD" && c["type"] == "oral")
    );

    for bad in [
        "/claims?limit=0",
        "/claims?limit=501",
        "/claims?limit=ten",
        "/claims?status=lost",
        "/claims?use=claims",
        "/claims?type=dental",
        "/claims?patient=123",
        "/claims?submitted_from=yesterday",
        "/claims?cursor=not-a-cursor",
        "/claims?colour=blue",
    ] {
        let response = app.get(bad).await;
        assert_eq!(response.status(), 400, "{bad}");
        let outcome: Value = response.json().await.unwrap();
        assert_eq!(outcome["resourceType"], "OperationOutcome", "{bad}");
    }
}

async fn every_error_class_is_an_operation_outcome(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let sample = fixture(PROFESSIONAL_CLAIM);
    let c = entry_of(&sample, "Claim");
    let claim_path = format!("Bundle.entry[{c}].resource");

    /// Asserts the status, the FHIR content type, and an error issue with `code`.
    async fn expect(response: reqwest::Response, status: u16, code: &str) -> Value {
        assert_eq!(response.status(), status);
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(content_type.starts_with("application/fhir+json"));
        let outcome: Value = response.json().await.unwrap();
        assert_eq!(outcome["resourceType"], "OperationOutcome");
        let issues = outcome["issue"].as_array().unwrap();
        assert!(
            issues
                .iter()
                .any(|i| i["severity"] == "error" && i["code"] == code),
            "no error issue with code {code}: {outcome}"
        );
        assert!(
            issues
                .iter()
                .all(|i| !i["diagnostics"].as_str().unwrap().is_empty())
        );
        outcome
    }
    fn points_at(outcome: &Value, path: &str) -> bool {
        outcome["issue"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["expression"][0] == path)
    }

    // 400: not JSON, truncated JSON, JSON that is not an object.
    expect(
        app.post_raw(b"{not json".to_vec(), "application/fhir+json")
            .await,
        400,
        "invalid",
    )
    .await;
    let text = serde_json::to_string(&sample).unwrap();
    let half = text.as_bytes()[..text.len() / 2].to_vec();
    expect(
        app.post_raw(half, "application/fhir+json").await,
        400,
        "invalid",
    )
    .await;
    expect(
        app.post_raw(b"[1, 2]".to_vec(), "application/json").await,
        400,
        "structure",
    )
    .await;

    // Wrong JSON types inside the bundle: refused, pointing at the element.
    let mut wrong = sample.clone();
    wrong["entry"][c]["resource"]["total"]["value"] = json!("121.9");
    let response = app.post_claim(&wrong).await;
    assert!(
        matches!(response.status().as_u16(), 400 | 422),
        "{}",
        response.status()
    );
    let outcome: Value = response.json().await.unwrap();
    assert!(
        points_at(&outcome, &format!("{claim_path}.total.value"))
            || points_at(&outcome, &format!("{claim_path}.total")),
        "{outcome}"
    );
    let mut wrong = sample.clone();
    wrong["entry"][c]["resource"]["item"] = json!({"sequence": 1});
    let response = app.post_claim(&wrong).await;
    assert!(
        matches!(response.status().as_u16(), 400 | 422),
        "{}",
        response.status()
    );

    // 415: no content type, or another one.
    let response = app
        .client
        .post(app.url("/claims"))
        .body(text.clone())
        .send()
        .await
        .unwrap();
    expect(response, 415, "not-supported").await;
    expect(
        app.post_raw(text.as_bytes().to_vec(), "text/plain").await,
        415,
        "not-supported",
    )
    .await;
    expect(
        app.post_raw(text.as_bytes().to_vec(), "application/fhir+xml")
            .await,
        415,
        "not-supported",
    )
    .await;

    // 413: over 10 MB, whether announced by Content-Length or streamed in chunks.
    let mut huge = sample.clone();
    huge["entry"][c]["resource"]["text"] = json!({"div": "x".repeat(10 * 1024 * 1024 + 1)});
    expect(app.post_claim(&huge).await, 413, "too-long").await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..11).map(|_| Ok(vec![b' '; 1024 * 1024])).collect();
    let response = app
        .client
        .post(app.url("/claims"))
        .header("content-type", "application/fhir+json")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    expect(response, 413, "too-long").await;
    // An absurd announced size is refused at once, before the client sends any of it.
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut socket = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        socket
            .write_all(
                b"POST /claims HTTP/1.1\r\nHost: test\r\nContent-Type: application/fhir+json\r\n\
                  Content-Length: 1073741824\r\n\r\n",
            )
            .await
            .unwrap();
        let mut head = [0u8; 12];
        socket.read_exact(&mut head).await.unwrap();
        assert_eq!(&head, b"HTTP/1.1 413");
    }

    // 422: a bundle that NPHIES would refuse, or that is not a message we accept; each issue
    // names the rule (NPHIES rule id first in the diagnostics) and points at the element.
    let mut no_header = sample.clone();
    no_header["entry"].as_array_mut().unwrap().remove(0);
    let outcome = expect(app.post_claim(&no_header).await, 422, "structure").await;
    assert!(points_at(&outcome, "Bundle.entry[0].resource"), "{outcome}");
    assert!(outcome.to_string().contains("BV-00126"));
    let outcome = expect(
        app.post_claim(&fixture("nphies-fhir-docs/12a - Poll Request.json"))
            .await,
        422,
        "not-supported",
    )
    .await;
    assert!(points_at(
        &outcome,
        "Bundle.entry[0].resource.eventCoding.code"
    ));
    let mut no_claim = sample.clone();
    no_claim["entry"].as_array_mut().unwrap().remove(c);
    let outcome = expect(app.post_claim(&no_claim).await, 422, "not-found").await;
    assert!(
        points_at(&outcome, "Bundle.entry[0].resource.focus[0].reference"),
        "{outcome}"
    );
    let mut dangling = sample.clone();
    dangling["entry"][c]["resource"]["patient"]["reference"] = json!("Patient/missing");
    let outcome = expect(app.post_claim(&dangling).await, 422, "not-found").await;
    assert!(
        points_at(&outcome, &format!("{claim_path}.patient.reference")),
        "{outcome}"
    );
    assert!(
        !outcome.to_string().contains("Patient/missing"),
        "references are not echoed"
    );
    let mut not_message = sample.clone();
    not_message["type"] = json!("collection");
    let outcome = expect(app.post_claim(&not_message).await, 422, "structure").await;
    assert!(points_at(&outcome, "Bundle.type"));
    let mut wrong_use = sample.clone();
    wrong_use["entry"][c]["resource"]["use"] = json!("preauthorization");
    let outcome = expect(app.post_claim(&wrong_use).await, 422, "business-rule").await;
    assert!(points_at(&outcome, &format!("{claim_path}.use")));
    let mut bad_net = sample.clone();
    bad_net["entry"][c]["resource"]["item"][0]["net"]["value"] = json!(130);
    let outcome = expect(app.post_claim(&bad_net).await, 422, "business-rule").await;
    assert!(points_at(&outcome, &format!("{claim_path}.item[0].net")));
    // The issues that refused the claim say so; the sample's profile findings say they did not.
    let refusing: Vec<&str> = outcome["issue"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["details"]["text"] == "refuses the claim")
        .map(|i| &i["diagnostics"].as_str().unwrap()[..8])
        .collect();
    assert_eq!(refusing, ["BV-00251", "BV-00059"], "{outcome}");
    let mut duplicate_items = sample.clone();
    let item = duplicate_items["entry"][c]["resource"]["item"][0].clone();
    duplicate_items["entry"][c]["resource"]["item"]
        .as_array_mut()
        .unwrap()
        .push(item);
    duplicate_items["entry"][c]["resource"]["total"]["value"] = json!(243.8);
    let outcome = expect(app.post_claim(&duplicate_items).await, 422, "business-rule").await;
    assert!(points_at(
        &outcome,
        &format!("{claim_path}.item[1].sequence")
    ));
    expect(
        app.post_claim(&json!({"resourceType": "Patient", "id": "x"}))
            .await,
        422,
        "structure",
    )
    .await;

    // 404 and 405.
    expect(
        app.get(&format!("/claims/{}", uuid::Uuid::new_v4())).await,
        404,
        "not-found",
    )
    .await;
    expect(app.get("/claims/not-an-id").await, 404, "not-found").await;
    expect(
        app.get(&format!("/claims/{}/bundle", uuid::Uuid::new_v4()))
            .await,
        404,
        "not-found",
    )
    .await;
    expect(app.get("/patients/nobody").await, 404, "not-found").await;
    expect(app.get("/nowhere").await, 404, "not-found").await;
    let response = app.client.delete(app.url("/claims")).send().await.unwrap();
    expect(response, 405, "not-supported").await;

    // None of it stored anything.
    let mut raw = app.db.raw().await;
    for table in [
        "patients",
        "claims",
        "claim_items",
        "claim_events",
        "audit_logs",
    ] {
        assert_eq!(raw.count(table).await, 0, "{table} after rejected requests");
    }
}

/// Makes the database fail when an item with service code FAIL-ME is inserted: after the
/// patient and claim rows of that claim were written.
async fn inject_item_failure(raw: &mut RawDb, engine: Engine) {
    match engine {
        Engine::Sqlite => {
            raw.execute(
                "CREATE TRIGGER fail_items BEFORE INSERT ON claim_items \
                 WHEN NEW.service_code = 'FAIL-ME' BEGIN SELECT RAISE(ABORT, 'injected'); END;",
            )
            .await
        }
        Engine::Postgres => {
            raw.execute(
                "CREATE FUNCTION fail_items() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN IF NEW.service_code = 'FAIL-ME' THEN RAISE EXCEPTION 'injected'; END IF; \
                 RETURN NEW; END $$; \
                 CREATE TRIGGER fail_items BEFORE INSERT ON claim_items \
                 FOR EACH ROW EXECUTE FUNCTION fail_items();",
            )
            .await
        }
    }
}

async fn a_request_failing_half_way_leaves_no_rows(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let mut raw = app.db.raw().await;
    inject_item_failure(&mut raw, engine).await;
    let mut bundle = fresh_copy(&fixture(PROFESSIONAL_CLAIM), 1);
    let c = entry_of(&bundle, "Claim");
    bundle["entry"][c]["resource"]["item"][0]["productOrService"]["coding"][0]["code"] =
        json!("FAIL-ME");
    let response = app.post_claim(&bundle).await;
    assert_eq!(response.status(), 500);
    let outcome: Value = response.json().await.unwrap();
    assert_eq!(outcome["issue"][0]["code"], "exception");
    assert!(
        !outcome.to_string().contains("injected"),
        "internal detail leaked: {outcome}"
    );
    for table in [
        "patients",
        "claims",
        "claim_items",
        "claim_events",
        "audit_logs",
    ] {
        assert_eq!(
            raw.count(table).await,
            0,
            "{table} after a failed transaction"
        );
    }
    // The same claim goes through once the fault is gone: nothing half-stored blocks it.
    bundle["entry"][c]["resource"]["item"][0]["productOrService"]["coding"][0]["code"] =
        json!("83600-00-10");
    assert_eq!(app.post_claim(&bundle).await.status(), 201);
    assert_eq!(raw.count("claims").await, 1);
    assert_eq!(raw.count("claim_items").await, 1);
    assert_eq!(raw.count("audit_logs").await, 2);
}

async fn a_failing_claim_does_not_take_concurrent_claims_with_it(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let mut raw = app.db.raw().await;
    inject_item_failure(&mut raw, engine).await;
    // Concurrent claims share SQLite commits; every fourth one fails inside the database.
    let sample = fixture(PROFESSIONAL_CLAIM);
    let c = entry_of(&sample, "Claim");
    let p = entry_of(&sample, "Patient");
    let bundles: Vec<(bool, Value)> = (0..64)
        .map(|n| {
            let mut bundle = fresh_copy(&sample, n);
            // A new patient per claim, so a failed claim's patient must vanish with it.
            bundle["entry"][p]["resource"]["identifier"][0]["value"] = json!(format!("2{n:09}"));
            let fails = n % 4 == 0;
            if fails {
                bundle["entry"][c]["resource"]["item"][0]["productOrService"]["coding"][0]["code"] =
                    json!("FAIL-ME");
            }
            (fails, bundle)
        })
        .collect();
    let results: Vec<(bool, u16)> = futures::stream::iter(bundles)
        .map(|(fails, bundle)| {
            let app = &app;
            async move { (fails, app.post_claim(&bundle).await.status().as_u16()) }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    for (fails, status) in &results {
        assert_eq!(*status, if *fails { 500 } else { 201 }, "{results:?}");
    }
    assert_eq!(raw.count("claims").await, 48);
    assert_eq!(raw.count("patients").await, 48);
    assert_eq!(raw.count("claim_items").await, 48);
    assert_eq!(raw.count("claim_events").await, 48);
    assert_eq!(raw.count("audit_logs").await, 96);
}

async fn operations_endpoints(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    assert_eq!(app.get_json("/health").await["status"], "ok");
    let ready = app.get_json("/ready").await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(
        ready["database"],
        match engine {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    );
    let capability = app.get_json("/metadata").await;
    assert_eq!(capability["resourceType"], "CapabilityStatement");
    assert_eq!(capability["fhirVersion"], "4.0.1");
    assert_eq!(capability["rest"][0]["resource"][0]["type"], "Claim");

    let response = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-123");
    let generated = app.get("/health").await;
    assert_eq!(generated.headers()["x-request-id"].len(), 36);

    let created: Value = app
        .post_claim(&fixture(PROFESSIONAL_CLAIM))
        .await
        .json()
        .await
        .unwrap();
    app.get(&format!("/claims/{}", created["id"].as_str().unwrap()))
        .await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("http_requests_total{method=\"POST\",route=\"/claims\",status=\"201\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("route=\"/claims/{id}\""),
        "route templates, not raw paths"
    );
    assert!(
        !metrics.contains(created["id"].as_str().unwrap()),
        "no ids in labels"
    );
    assert!(metrics.contains("http_request_duration_seconds_bucket"));
    assert!(metrics.contains("claims_received_total{use=\"claim\",type=\"professional\"}"));
    assert!(metrics.contains("db_pool_connections{"));
    assert!(metrics.contains("db_pool_max_connections{"));
}

async fn validate_operation_stores_nothing(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    // A sample that meets every rule, including the current profiles.
    let sample = fixture("nphies-fhir-docs/Preauth Professional Outpatient Request.json");
    for path in ["/$validate", "/Bundle/$validate"] {
        let response = app
            .client
            .post(app.url(path))
            .header("content-type", "application/fhir+json")
            .json(&sample)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let outcome: Value = response.json().await.unwrap();
        assert_eq!(outcome["resourceType"], "OperationOutcome");
        let issues = outcome["issue"].as_array().unwrap();
        assert!(
            issues.iter().all(|i| i["severity"] == "information"),
            "{outcome}"
        );

        // Any message, not only claims; an invalid one is still a 200 with its findings.
        let mut broken = fixture("nphies-fhir-docs/12a - Poll Request.json");
        broken["type"] = json!("collection");
        let response = app
            .client
            .post(app.url(path))
            .header("content-type", "application/fhir+json")
            .json(&broken)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let outcome: Value = response.json().await.unwrap();
        assert!(outcome["issue"].as_array().unwrap().iter().any(|i| {
            i["severity"] == "error"
                && i["expression"][0] == "Bundle.type"
                && i["diagnostics"].as_str().unwrap().starts_with("BV-00130")
        }));

        let response = app
            .client
            .post(app.url(path))
            .header("content-type", "application/fhir+json")
            .body("{oops")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
    }
    let mut raw = app.db.raw().await;
    assert_eq!(raw.count("claims").await, 0);
    assert_eq!(raw.count("patients").await, 0);
}

async fn amounts_are_exact_and_absurd_ones_refused(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let sample = fixture(PROFESSIONAL_CLAIM);
    let c = entry_of(&sample, "Claim");
    // Halalas survive exactly, large totals too (below a trillion SAR).
    let mut bundle = fresh_copy(&sample, 1);
    let item = &mut bundle["entry"][c]["resource"]["item"][0];
    item["quantity"]["value"] = json!(3);
    item["unitPrice"]["value"] = json!(333333333.33);
    item["extension"][1]["valueMoney"]["value"] = json!(150000000.01);
    item["net"]["value"] = json!(1150000000.00);
    item["extension"][2]["valueMoney"]["value"] = json!(0.01);
    bundle["entry"][c]["resource"]["total"]["value"] = json!(1150000000.00);
    let created = app.post_claim(&bundle).await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let claim = app.get_json(&format!("/claims/{id}")).await;
    assert_eq!(
        decimal(&claim["total"]["value"]),
        Decimal::from(1_150_000_000_i64)
    );
    let item = &claim["items"][0];
    assert_eq!(
        decimal(&item["unitPrice"]["value"]),
        Decimal::new(33_333_333_333, 2)
    );
    assert_eq!(
        decimal(&item["tax"]["value"]),
        Decimal::new(15_000_000_001, 2)
    );
    assert_eq!(decimal(&item["patientShare"]["value"]), Decimal::new(1, 2));

    // More decimals than halalas, or absurd magnitudes: 422 at the amount, never a 500.
    for (value, path) in [
        (json!(121.12345), "total.value"),
        (json!(123456789012345678.5), "total.value"),
    ] {
        let mut bundle = fresh_copy(&sample, 2);
        bundle["entry"][c]["resource"]["total"]["value"] = value;
        let response = app.post_claim(&bundle).await;
        assert_eq!(response.status(), 422);
        let outcome: Value = response.json().await.unwrap();
        assert!(
            outcome["issue"].as_array().unwrap().iter().any(|i| {
                i["expression"][0] == format!("Bundle.entry[{c}].resource.{path}")
                    && i["diagnostics"].as_str().unwrap().starts_with("CL-00015")
            }),
            "{outcome}"
        );
    }
}
