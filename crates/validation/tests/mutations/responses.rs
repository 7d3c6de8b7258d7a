//! Mutation cases for the response, eligibility and poll rules.

use crate::support::{Case, entry, resource, sample};
use serde_json::{Value, json};

/// Prior-auth response, oral, outcome complete, adjudication-outcome partial; items approved,
/// partial (reason on its benefit) and rejected; totals submitted, benefit, tax, eligible.
const MIXED: &str = "nphies-fhir-docs/2b - First Response for first Preauth Dental Request.json";
/// Prior-auth response, oral, every item approved; item adjudications submitted, eligible,
/// copay, benefit, tax, patientShare, approved-quantity.
const APPROVED: &str =
    "nphies-fhir-docs/2e - Second Response for second Preauth Dental Request.json";
/// Prior-auth response, professional, one approved item (benefit, approved-quantity), a
/// benefit total, processNote 101, preAuthRef and preAuthPeriod.
const PRO: &str = "nphies-fhir-docs/5b - Preauth Professional Response.json";
/// NPHIES error response (outcome error, six coded errors).
const ERRORS: &str = "xactasolutionsai/errors.json";
const ELIGIBILITY_REQUEST: &str = "nphies-fhir-docs/14a - Eligibilty Request Ben-Val.json";
/// Eligibility response, complete, siteEligibility eligible, one insurance in force.
const ELIGIBILITY: &str = "nphies-fhir-docs/14b - Eligibility Response Ben-Val.json";
/// Eligibility response, discovery, siteEligibility out-network, no insurance.
const DISCOVERY: &str =
    "nphies-fhir-docs/15b - Eligibility Response Discovery - Outcome_Complete_out-network.json";
const POLL_REQUEST: &str = "nphies-fhir-docs/12a - Poll Request.json";
/// Poll response, completed, one response output referencing the nested bundle (entry 2).
const POLL_RESPONSE: &str = "nphies-fhir-docs/12b - Poll Response (Do Not Process).json";
/// Poll response from NPHIES, failed, four error outputs.
const POLL_FAILED: &str = "xactasolutionsai/postman-response.json";
/// Cancel response from a payer.
const CANCEL_RESPONSE: &str = "nphies-fhir-docs/17b - Cancel Response (Do not process).json";

/// `Bundle.entry[i].resource` of the first resource of `kind` in `base`, for expected paths.
fn at(base: &str, kind: &str) -> String {
    format!("Bundle.entry[{}].resource", entry(&sample(base), kind))
}

fn response(bundle: &mut Value) -> &mut Value {
    resource(bundle, "ClaimResponse")
}

fn request(bundle: &mut Value) -> &mut Value {
    resource(bundle, "CoverageEligibilityRequest")
}

fn eligibility(bundle: &mut Value) -> &mut Value {
    resource(bundle, "CoverageEligibilityResponse")
}

fn task(bundle: &mut Value) -> &mut Value {
    resource(bundle, "Task")
}

fn event(bundle: &mut Value, code: &str) {
    resource(bundle, "MessageHeader")["eventCoding"]["code"] = json!(code);
}

/// The all-approved prior-auth response turned into a claim response.
fn as_claim(bundle: &mut Value) {
    event(bundle, "claim-response");
    response(bundle)["use"] = json!("claim");
}

fn outcome_extension(code: &str) -> Value {
    json!({
        "url": "http://nphies.sa/fhir/ksa/nphies-fs/StructureDefinition/extension-adjudication-outcome",
        "valueCodeableConcept": {"coding": [{
            "system": "http://nphies.sa/terminology/CodeSystem/adjudication-outcome",
            "code": code
        }]}
    })
}

fn site_extension(code: &str) -> Value {
    json!({
        "url": "http://nphies.sa/fhir/ksa/nphies-fs/StructureDefinition/extension-siteEligibility",
        "valueCodeableConcept": {"coding": [{
            "system": "http://nphies.sa/terminology/CodeSystem/siteEligibility",
            "code": code
        }]}
    })
}

/// Sets the adjudication outcome of the response (`item` None) or of one item.
fn set_outcome(bundle: &mut Value, item: Option<usize>, code: &str) {
    let r = response(bundle);
    let element = match item {
        Some(n) => &mut r["item"][n],
        None => r,
    };
    element["extension"][0] = outcome_extension(code);
}

fn adjudication(code: &str, system: &str, amount: f64) -> Value {
    json!({
        "category": {"coding": [{"system": system, "code": code}]},
        "amount": {"currency": "SAR", "value": amount}
    })
}

fn benefit(amount: f64) -> Value {
    adjudication(
        "benefit",
        "http://terminology.hl7.org/CodeSystem/adjudication",
        amount,
    )
}

fn approved_duration() -> Value {
    json!({
        "category": {"coding": [{
            "system": "http://nphies.sa/terminology/CodeSystem/ksa-adjudication",
            "code": "approved-duration"
        }]},
        "value": 30
    })
}

fn sub_type(code: &str) -> Value {
    json!({"coding": [{"system": "http://nphies.sa/terminology/CodeSystem/claim-subtype", "code": code}]})
}

fn claim_type(code: &str) -> Value {
    json!({"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": code}]})
}

fn remove(array: &mut Value, index: usize) {
    if let Some(items) = array.as_array_mut() {
        items.remove(index);
    }
}

fn push(array: &mut Value, value: Value) {
    if let Some(items) = array.as_array_mut() {
        items.push(value);
    }
}

fn drop_field(element: &mut Value, field: &str) {
    if let Some(object) = element.as_object_mut() {
        object.remove(field);
    }
}

fn details(sequences: &[u64]) -> Value {
    sequences
        .iter()
        .map(|s| json!({"detailSequence": s, "adjudication": [benefit(0.0)]}))
        .collect()
}

fn sub_details(sequences: &[u64]) -> Value {
    let subs: Value = sequences
        .iter()
        .map(|s| json!({"subDetailSequence": s, "adjudication": [benefit(0.0)]}))
        .collect();
    json!([{"detailSequence": 1, "adjudication": [benefit(0.0)], "subDetail": subs}])
}

pub fn cases() -> Vec<Case> {
    let mut cases = claim_response_cases();
    cases.extend(adjudication_cases());
    cases.extend(eligibility_cases());
    cases.extend(task_cases());
    cases
}

fn claim_response_cases() -> Vec<Case> {
    let cr = |base: &str| at(base, "ClaimResponse");
    vec![
        Case::new(
            "BV-00331",
            PRO,
            format!("{}.status", cr(PRO)),
            "status draft",
            |b| {
                response(b)["status"] = json!("draft");
            },
        ),
        Case::new(
            "BV-00332",
            PRO,
            format!("{}.use", cr(PRO)),
            "priorauth-response with use predetermination",
            |b| {
                response(b)["use"] = json!("predetermination");
            },
        ),
        Case::new(
            "BV-00333",
            APPROVED,
            format!("{}.use", cr(APPROVED)),
            "claim-response with use preauthorization",
            |b| {
                event(b, "claim-response");
            },
        ),
        Case::new(
            "BV-00065",
            PRO,
            format!("{}.created", cr(PRO)),
            "created after receipt",
            |b| {
                response(b)["created"] = json!("2027-01-01");
            },
        ),
        Case::new(
            "CL-00200",
            PRO,
            format!("{}.insurer", cr(PRO)),
            "insurer is the provider",
            |b| {
                let provider = response(b)["requestor"].clone();
                response(b)["insurer"] = provider;
            },
        ),
        Case::new(
            "CL-00201",
            PRO,
            format!("{}.requestor", cr(PRO)),
            "requestor is the insurer",
            |b| {
                let insurer = response(b)["insurer"].clone();
                response(b)["requestor"] = insurer;
            },
        ),
        Case::new(
            "BV-00799",
            PRO,
            format!("{}.subType", cr(PRO)),
            "professional ip",
            |b| {
                response(b)["subType"] = sub_type("ip");
            },
        ),
        Case::new(
            "BV-00800",
            PRO,
            format!("{}.subType", cr(PRO)),
            "institutional op",
            |b| {
                response(b)["type"] = claim_type("institutional");
                response(b)["subType"] = sub_type("op");
            },
        ),
        Case::new(
            "BV-00609",
            MIXED,
            format!("{}.subType", cr(MIXED)),
            "oral ip",
            |b| {
                response(b)["subType"] = sub_type("ip");
            },
        ),
        Case::new(
            "BV-00610",
            PRO,
            format!("{}.subType", cr(PRO)),
            "vision ip",
            |b| {
                response(b)["type"] = claim_type("vision");
                response(b)["subType"] = sub_type("ip");
            },
        ),
        Case::new(
            "BV-00611",
            PRO,
            format!("{}.subType", cr(PRO)),
            "pharmacy emr",
            |b| {
                response(b)["type"] = claim_type("pharmacy");
                response(b)["subType"] = sub_type("emr");
            },
        ),
        Case::new(
            "BV-00045",
            APPROVED,
            format!("{}.item[1].itemSequence", cr(APPROVED)),
            "claim response item sequence 1 twice",
            |b| {
                as_claim(b);
                response(b)["item"][1]["itemSequence"] = json!(1);
            },
        ),
        Case::new(
            "BV-00119",
            MIXED,
            format!("{}.item[1].itemSequence", cr(MIXED)),
            "authorization item sequence 1 twice",
            |b| {
                response(b)["item"][1]["itemSequence"] = json!(1);
            },
        ),
        Case::new(
            "BV-00025",
            APPROVED,
            format!("{}.item[0].detail[1].detailSequence", cr(APPROVED)),
            "claim response detail sequence twice",
            |b| {
                as_claim(b);
                response(b)["item"][0]["detail"] = details(&[1, 1]);
            },
        ),
        Case::new(
            "BV-00114",
            MIXED,
            format!("{}.item[0].detail[1].detailSequence", cr(MIXED)),
            "authorization detail sequence twice",
            |b| {
                response(b)["item"][0]["detail"] = details(&[1, 1]);
            },
        ),
        Case::new(
            "BV-00069",
            APPROVED,
            format!(
                "{}.item[0].detail[0].subDetail[1].subDetailSequence",
                cr(APPROVED)
            ),
            "claim response sub-detail sequence twice",
            |b| {
                as_claim(b);
                response(b)["item"][0]["detail"] = sub_details(&[1, 1]);
            },
        ),
        Case::new(
            "BV-00124",
            MIXED,
            format!(
                "{}.item[0].detail[0].subDetail[1].subDetailSequence",
                cr(MIXED)
            ),
            "authorization sub-detail sequence twice",
            |b| {
                response(b)["item"][0]["detail"] = sub_details(&[1, 1]);
            },
        ),
        Case::new(
            "BV-00524",
            PRO,
            format!("{}.processNote[1].number", cr(PRO)),
            "note 101 twice",
            |b| {
                let note = response(b)["processNote"][0].clone();
                push(&mut response(b)["processNote"], note);
            },
        ),
        Case::new(
            "BV-00520",
            PRO,
            format!("{}.item[0].noteNumber[0]", cr(PRO)),
            "item names note 102",
            |b| {
                response(b)["item"][0]["noteNumber"] = json!([102]);
            },
        ),
        Case::new(
            "BV-00521",
            PRO,
            format!("{}.item[0].noteNumber[1]", cr(PRO)),
            "item names note 101 twice",
            |b| {
                response(b)["item"][0]["noteNumber"] = json!([101, 101]);
            },
        ),
        Case::new(
            "BV-00317",
            PRO,
            format!("{}.disposition", cr(PRO)),
            "251-character disposition",
            |b| {
                response(b)["disposition"] = json!("x".repeat(251));
            },
        ),
        Case::new(
            "BV-00318",
            PRO,
            format!("{}.processNote[0].text", cr(PRO)),
            "1001 Arabic characters",
            |b| {
                response(b)["processNote"][0]["text"] = json!("م".repeat(1001));
            },
        ),
        Case::new(
            "BV-00228",
            ERRORS,
            format!("{}.item", cr(ERRORS)),
            "error response with an item",
            |b| {
                response(b)["item"] = json!([{"itemSequence": 1, "adjudication": [benefit(0.0)]}]);
            },
        ),
        Case::new(
            "BV-00020",
            PRO,
            format!("{}.item", cr(PRO)),
            "complete without items",
            |b| {
                drop_field(response(b), "item");
            },
        ),
        Case::new(
            "BV-00255",
            PRO,
            format!("{}.item", cr(PRO)),
            "partial without items",
            |b| {
                response(b)["outcome"] = json!("partial");
                drop_field(response(b), "item");
            },
        ),
        Case::new(
            "BV-00395",
            PRO,
            format!("{}.extension[0]", cr(PRO)),
            "queued but approved",
            |b| {
                response(b)["outcome"] = json!("queued");
                drop_field(response(b), "item");
            },
        ),
        Case::new(
            "BV-00396",
            ERRORS,
            format!("{}.extension[0]", cr(ERRORS)),
            "error with an adjudication outcome",
            |b| {
                response(b)["extension"] = json!([outcome_extension("rejected")]);
            },
        ),
        Case::new(
            "BV-00250",
            PRO,
            format!("{}.extension", cr(PRO)),
            "complete without adjudication outcome",
            |b| {
                remove(&mut response(b)["extension"], 0);
            },
        ),
        Case::new(
            "BV-00463",
            PRO,
            format!("{}.extension[0]", cr(PRO)),
            "complete but pended",
            |b| {
                set_outcome(b, Some(0), "not-required");
                set_outcome(b, None, "pended");
            },
        ),
        Case::new(
            "BV-00480",
            PRO,
            format!("{}.item[0].extension", cr(PRO)),
            "item without adjudication outcome",
            |b| {
                drop_field(&mut response(b)["item"][0], "extension");
            },
        ),
        Case::new(
            "BV-00371",
            PRO,
            format!("{}.item[0].extension[0]", cr(PRO)),
            "complete with a pended item",
            |b| {
                set_outcome(b, Some(0), "pended");
            },
        ),
        Case::new(
            "BV-00393",
            APPROVED,
            format!("{}.extension[0]", cr(APPROVED)),
            "every item approved, response rejected",
            |b| {
                set_outcome(b, None, "rejected");
            },
        ),
        Case::new(
            "BV-00394",
            APPROVED,
            format!("{}.extension[0]", cr(APPROVED)),
            "every item rejected, response approved",
            |b| {
                for n in 0..3 {
                    set_outcome(b, Some(n), "rejected");
                    response(b)["item"][n]["adjudication"][3]["reason"] = json!({"coding": [{
                        "system": "http://nphies.sa/terminology/CodeSystem/adjudication-reason",
                        "code": "N-DC-079"
                    }]});
                }
            },
        ),
        Case::new(
            "BV-00397",
            MIXED,
            format!("{}.extension[0]", cr(MIXED)),
            "mixed items, response approved",
            |b| {
                set_outcome(b, None, "approved");
            },
        ),
        Case::new(
            "BV-00505",
            ERRORS,
            format!("{}.error", cr(ERRORS)),
            "error without errors",
            |b| {
                drop_field(response(b), "error");
            },
        ),
        Case::new(
            "BV-00386",
            PRO,
            format!("{}.preAuthRef", cr(PRO)),
            "no preAuthRef",
            |b| {
                drop_field(response(b), "preAuthRef");
            },
        ),
        Case::new(
            "BV-00387",
            PRO,
            format!("{}.preAuthPeriod", cr(PRO)),
            "no preAuthPeriod",
            |b| {
                drop_field(response(b), "preAuthPeriod");
            },
        ),
        Case::new(
            "BV-00853",
            PRO,
            format!("{}.insurance", cr(PRO)),
            "no insurance",
            |b| {
                drop_field(response(b), "insurance");
            },
        ),
        Case::new(
            "BV-00854",
            PRO,
            format!("{}.insurance", cr(PRO)),
            "no focal insurance",
            |b| {
                response(b)["insurance"][0]["focal"] = json!(false);
            },
        ),
        Case::new(
            "BV-00714",
            PRO,
            format!("{}.outcome", cr(PRO)),
            "partial prescriber response",
            |b| {
                event(b, "prescriber-response");
                push(
                    &mut response(b)["item"][0]["adjudication"],
                    approved_duration(),
                );
                response(b)["outcome"] = json!("partial");
            },
        ),
        Case::new(
            "BV-00715",
            PRO,
            format!("{}.extension[0]", cr(PRO)),
            "prescriber response not-required",
            |b| {
                event(b, "prescriber-response");
                push(
                    &mut response(b)["item"][0]["adjudication"],
                    approved_duration(),
                );
                set_outcome(b, Some(0), "not-required");
                set_outcome(b, None, "not-required");
            },
        ),
    ]
}

fn adjudication_cases() -> Vec<Case> {
    let cr = |base: &str| at(base, "ClaimResponse");
    vec![
        Case::new(
            "BV-00391",
            MIXED,
            format!("{}.item[0].adjudication[7].category", cr(MIXED)),
            "copay twice",
            |b| {
                let copay = response(b)["item"][0]["adjudication"][2].clone();
                push(&mut response(b)["item"][0]["adjudication"], copay);
            },
        ),
        Case::new(
            "BV-00392",
            MIXED,
            format!("{}.item[1].adjudication", cr(MIXED)),
            "partial item without reason",
            |b| {
                drop_field(&mut response(b)["item"][1]["adjudication"][3], "reason");
            },
        ),
        Case::new(
            "BV-00390",
            PRO,
            format!("{}.item[0].adjudication", cr(PRO)),
            "no benefit",
            |b| {
                remove(&mut response(b)["item"][0]["adjudication"], 0);
            },
        ),
        Case::new(
            "BV-00519",
            PRO,
            format!("{}.item[0].adjudication[1]", cr(PRO)),
            "approved-quantity with an amount",
            |b| {
                response(b)["item"][0]["adjudication"][1]["amount"] =
                    json!({"currency": "SAR", "value": 1});
            },
        ),
        Case::new(
            "BV-00497",
            APPROVED,
            format!("{}.item[0].adjudication", cr(APPROVED)),
            "complete claim response without tax",
            |b| {
                as_claim(b);
                remove(&mut response(b)["item"][0]["adjudication"], 4);
                response(b)["total"][2]["amount"]["value"] = json!(217.5);
            },
        ),
        Case::new(
            "BV-00498",
            APPROVED,
            format!("{}.item[0].adjudication", cr(APPROVED)),
            "complete claim response without approved-quantity",
            |b| {
                as_claim(b);
                remove(&mut response(b)["item"][0]["adjudication"], 6);
            },
        ),
        Case::new(
            "BV-00499",
            PRO,
            format!("{}.item[0].adjudication", cr(PRO)),
            "complete authorization without approved-quantity",
            |b| {
                remove(&mut response(b)["item"][0]["adjudication"], 1);
            },
        ),
        Case::new(
            "BV-00670",
            PRO,
            format!("{}.item[0].adjudication", cr(PRO)),
            "prescriber response without approved-duration",
            |b| {
                event(b, "prescriber-response");
            },
        ),
        Case::new(
            "BV-00450",
            MIXED,
            format!("{}.item[0].adjudication[1].amount", cr(MIXED)),
            "eligible 240 of 230 submitted",
            |b| {
                response(b)["item"][0]["adjudication"][1]["amount"]["value"] = json!(240);
                response(b)["total"][3]["amount"]["value"] = json!(490);
            },
        ),
        Case::new(
            "BV-00458",
            MIXED,
            format!("{}.item[0].adjudication[0].amount.currency", cr(MIXED)),
            "submitted in USD",
            |b| {
                response(b)["item"][0]["adjudication"][0]["amount"]["currency"] = json!("USD");
            },
        ),
        Case::new(
            "BV-00022",
            APPROVED,
            format!("{}.total", cr(APPROVED)),
            "complete claim response without total",
            |b| {
                as_claim(b);
                drop_field(response(b), "total");
            },
        ),
        Case::new(
            "BV-00023",
            PRO,
            format!("{}.total", cr(PRO)),
            "authorization without total",
            |b| {
                drop_field(response(b), "total");
            },
        ),
        Case::new(
            "BV-00229",
            PRO,
            format!("{}.total[0].amount.currency", cr(PRO)),
            "total in USD",
            |b| {
                response(b)["total"][0]["amount"]["currency"] = json!("USD");
            },
        ),
        Case::new(
            "BV-00374",
            MIXED,
            format!("{}.total[1].amount.value", cr(MIXED)),
            "benefit total 400, items 414",
            |b| {
                response(b)["total"][1]["amount"]["value"] = json!(400);
            },
        ),
    ]
}

fn eligibility_cases() -> Vec<Case> {
    let er = at(ELIGIBILITY_REQUEST, "CoverageEligibilityRequest");
    let es = at(ELIGIBILITY, "CoverageEligibilityResponse");
    let newborn = json!([{
        "url": "http://nphies.sa/fhir/ksa/nphies-fs/StructureDefinition/extension-newborn",
        "valueBoolean": true
    }]);
    let newborn_too = newborn.clone();
    vec![
        Case::new(
            "BV-00437",
            ELIGIBILITY_REQUEST,
            format!("{er}.serviced"),
            "no service date",
            |b| {
                drop_field(request(b), "servicedPeriod");
            },
        ),
        Case::new(
            "BV-00538",
            ELIGIBILITY_REQUEST,
            format!("{er}.status"),
            "status draft",
            |b| {
                request(b)["status"] = json!("draft");
            },
        ),
        Case::new(
            "BV-00062",
            ELIGIBILITY_REQUEST,
            format!("{er}.created"),
            "created after receipt",
            |b| {
                request(b)["created"] = json!("2027-01-01");
                request(b)["servicedPeriod"] = json!({"start": "2027-01-01", "end": "2027-01-02"});
            },
        ),
        Case::new(
            "BV-00058",
            ELIGIBILITY_REQUEST,
            format!("{er}.servicedPeriod"),
            "service over before the request",
            |b| {
                request(b)["servicedPeriod"] = json!({"start": "2021-07-01", "end": "2021-07-10"});
            },
        ),
        Case::new(
            "BV-00541",
            ELIGIBILITY_REQUEST,
            format!("{er}.provider"),
            "provider is the insurer",
            |b| {
                let insurer = request(b)["insurer"].clone();
                request(b)["provider"] = insurer;
            },
        ),
        Case::new(
            "CL-00202",
            ELIGIBILITY_REQUEST,
            format!("{er}.insurer"),
            "insurer is the provider",
            |b| {
                let provider = request(b)["provider"].clone();
                request(b)["insurer"] = provider;
            },
        ),
        Case::new(
            "BV-00554",
            ELIGIBILITY_REQUEST,
            format!("{er}.servicedDate"),
            "newborn checked at 36 years",
            move |b| {
                request(b)["extension"] = newborn.clone();
                drop_field(request(b), "servicedPeriod");
                request(b)["servicedDate"] = json!("2021-07-15");
            },
        ),
        Case::new(
            "BV-00555",
            ELIGIBILITY_REQUEST,
            format!("{er}.servicedPeriod.end"),
            "newborn period at 36 years",
            move |b| {
                request(b)["extension"] = newborn_too.clone();
            },
        ),
        Case::new(
            "RE-00179",
            ELIGIBILITY_REQUEST,
            format!("{er}.insurance"),
            "validation without coverage",
            |b| {
                drop_field(request(b), "insurance");
            },
        ),
        Case::new(
            "CL-00203",
            ELIGIBILITY_REQUEST,
            format!("{er}.insurance"),
            "two focal insurances",
            |b| {
                request(b)["insurance"][0]["focal"] = json!(true);
                let again = request(b)["insurance"][0].clone();
                push(&mut request(b)["insurance"], again);
            },
        ),
        Case::new(
            "CL-00204",
            ELIGIBILITY_REQUEST,
            format!("{er}.purpose[2]"),
            "benefits twice",
            |b| {
                push(&mut request(b)["purpose"], json!("benefits"));
            },
        ),
        Case::new(
            "BV-00539",
            ELIGIBILITY,
            format!("{es}.status"),
            "status draft",
            |b| {
                eligibility(b)["status"] = json!("draft");
            },
        ),
        Case::new(
            "BV-00063",
            ELIGIBILITY,
            format!("{es}.created"),
            "created after receipt",
            |b| {
                eligibility(b)["created"] = json!("2027-01-01T10:00:00+03:00");
            },
        ),
        Case::new(
            "CL-00205",
            ELIGIBILITY,
            format!("{es}.insurer"),
            "insurer is another payer",
            |b| {
                eligibility(b)["insurer"] = json!({"type": "Organization", "identifier": {
                    "system": "http://nphies.sa/license/payer-license", "value": "N-I-00002"
                }});
            },
        ),
        Case::new(
            "BV-00084",
            ELIGIBILITY,
            format!("{es}.insurance[0].item[0].benefit[0].allowedMoney.currency"),
            "allowed in USD",
            |b| {
                eligibility(b)["insurance"][0]["item"][0]["benefit"][0]["allowedMoney"]["currency"] =
                    json!("USD");
            },
        ),
        Case::new(
            "BV-00085",
            ELIGIBILITY,
            format!("{es}.insurance[0].item[0].benefit[0].usedMoney.currency"),
            "used in USD",
            |b| {
                eligibility(b)["insurance"][0]["item"][0]["benefit"][0]["usedMoney"] =
                    json!({"value": 10, "currency": "USD"});
            },
        ),
        Case::new(
            "BV-00503",
            ELIGIBILITY,
            format!("{es}.extension"),
            "complete without siteEligibility",
            |b| {
                drop_field(eligibility(b), "extension");
            },
        ),
        Case::new(
            "BV-00535",
            ELIGIBILITY,
            format!("{es}.extension[0]"),
            "eligible but not in force",
            |b| {
                eligibility(b)["insurance"][0]["inforce"] = json!(false);
            },
        ),
        Case::new(
            "BV-00558",
            DISCOVERY,
            format!(
                "{}.extension[0]",
                at(DISCOVERY, "CoverageEligibilityResponse")
            ),
            "eligible without insurance",
            |b| {
                eligibility(b)["extension"][0] = site_extension("eligible");
            },
        ),
        Case::new(
            "BV-00559",
            ELIGIBILITY,
            format!("{es}.extension[0]"),
            "insurance eligible, response not covered",
            |b| {
                eligibility(b)["insurance"][0]["extension"] = json!([site_extension("eligible")]);
                eligibility(b)["extension"][0] = site_extension("not-covered");
            },
        ),
        Case::new(
            "BV-00560",
            ELIGIBILITY,
            format!("{es}.insurance[1].extension[0]"),
            "insurance eligible but not in force",
            |b| {
                let mut lapsed = eligibility(b)["insurance"][0].clone();
                lapsed["inforce"] = json!(false);
                lapsed["extension"] = json!([site_extension("eligible")]);
                push(&mut eligibility(b)["insurance"], lapsed);
            },
        ),
        Case::new(
            "BV-00561",
            ELIGIBILITY,
            format!("{es}.extension[0]"),
            "only insurance not covered, response eligible",
            |b| {
                eligibility(b)["insurance"][0]["extension"] =
                    json!([site_extension("not-covered")]);
            },
        ),
        Case::new(
            "BV-00536",
            ELIGIBILITY,
            format!("{es}.error"),
            "error without errors",
            |b| {
                eligibility(b)["outcome"] = json!("error");
            },
        ),
        Case::new(
            "BV-00310",
            ELIGIBILITY,
            format!("{es}.disposition"),
            "126 Arabic characters",
            |b| {
                eligibility(b)["disposition"] = json!("م".repeat(126));
            },
        ),
        Case::new(
            "BV-00311",
            ELIGIBILITY,
            format!("{es}.insurance[0].item[0].name"),
            "101-character name",
            |b| {
                eligibility(b)["insurance"][0]["item"][0]["name"] = json!("x".repeat(101));
            },
        ),
        Case::new(
            "BV-00312",
            ELIGIBILITY,
            format!("{es}.insurance[0].item[0].description"),
            "251-character description",
            |b| {
                eligibility(b)["insurance"][0]["item"][0]["description"] = json!("x".repeat(251));
            },
        ),
    ]
}

fn task_cases() -> Vec<Case> {
    let poll = at(POLL_REQUEST, "Task");
    let polled = at(POLL_RESPONSE, "Task");
    let failed = at(POLL_FAILED, "Task");
    let cancel = at(CANCEL_RESPONSE, "Task");
    let period = json!({
        "type": {"coding": [{"system": "http://nphies.sa/terminology/CodeSystem/task-input-type", "code": "period"}]},
        "valuePeriod": {"start": "2021-11-01", "end": "2021-11-30"}
    });
    vec![
        Case::new(
            "BV-00329",
            POLL_REQUEST,
            format!("{poll}.intent"),
            "intent plan",
            |b| {
                task(b)["intent"] = json!("plan");
            },
        ),
        Case::new(
            "BV-00230",
            POLL_REQUEST,
            format!("{poll}.requester"),
            "requester is another provider",
            |b| {
                task(b)["requester"] = json!({"type": "Organization", "identifier": {
                    "system": "http://nphies.sa/license/provider-license", "value": "N-F-00009"
                }});
            },
        ),
        Case::new(
            "BV-00231",
            POLL_REQUEST,
            format!("{poll}.owner"),
            "owner is a payer",
            |b| {
                task(b)["owner"] = json!({"type": "Organization", "identifier": {
                    "system": "http://nphies.sa/license/payer-license", "value": "N-I-00001"
                }});
            },
        ),
        Case::new(
            "BV-00239",
            POLL_RESPONSE,
            format!("{polled}.output[0].type"),
            "output without type",
            |b| {
                drop_field(&mut task(b)["output"][0], "type");
            },
        ),
        Case::new(
            "BV-00240",
            POLL_FAILED,
            format!("{failed}.output[0]"),
            "output without value",
            |b| {
                drop_field(&mut task(b)["output"][0], "valueCodeableConcept");
            },
        ),
        Case::new(
            "BV-00242",
            CANCEL_RESPONSE,
            format!("{cancel}.output"),
            "payer fails with outputs",
            |b| {
                task(b)["status"] = json!("failed");
                task(b)["output"] = json!([{
                    "type": {"coding": [{"system": "http://nphies.sa/terminology/CodeSystem/task-output-type", "code": "error"}]},
                    "valueCodeableConcept": {"coding": [{
                        "extension": [{
                            "url": "http://nphies.sa/fhir/ksa/nphies-fs/StructureDefinition/extension-error-expression",
                            "valueString": "Bundle.entry[1].resource.focus"
                        }],
                        "system": "http://nphies.sa/terminology/CodeSystem/adjudication-error",
                        "code": "BV-00445"
                    }]}
                }]);
            },
        ),
        Case::new(
            "BV-00243",
            POLL_FAILED,
            format!("{failed}.output"),
            "NPHIES fails without outputs",
            |b| {
                drop_field(task(b), "output");
            },
        ),
        Case::new(
            "BV-00249",
            POLL_FAILED,
            format!("{failed}.output[0].valueCodeableConcept"),
            "error without expression",
            |b| {
                drop_field(
                    &mut task(b)["output"][0]["valueCodeableConcept"]["coding"][0],
                    "extension",
                );
            },
        ),
        Case::new(
            "BV-00216",
            POLL_REQUEST,
            format!("{poll}.input[2]"),
            "two periods",
            move |b| {
                push(&mut task(b)["input"], period.clone());
                push(&mut task(b)["input"], period.clone());
            },
        ),
        Case::new(
            "BV-00467",
            POLL_REQUEST,
            format!("{poll}.reasonCode"),
            "poll with a reason code",
            |b| {
                task(b)["reasonCode"] = json!({"coding": [{"system": "http://nphies.sa/terminology/CodeSystem/task-reason-code", "code": "WI"}]});
            },
        ),
        Case::new(
            "BV-00471",
            POLL_REQUEST,
            format!("{poll}.lastModified"),
            "modified after receipt",
            |b| {
                task(b)["lastModified"] = json!("2027-01-01");
            },
        ),
        Case::new(
            "BV-00309",
            POLL_REQUEST,
            format!("{poll}.description"),
            "2001-character description",
            |b| {
                task(b)["description"] = json!("x".repeat(2001));
            },
        ),
        Case::new(
            "IB-00288",
            POLL_REQUEST,
            format!("{poll}.status"),
            "poll request draft",
            |b| {
                task(b)["status"] = json!("draft");
            },
        ),
        Case::new(
            "IB-00291",
            POLL_REQUEST,
            format!("{poll}.code"),
            "poll request with code status",
            |b| {
                task(b)["code"]["coding"][0]["code"] = json!("status");
            },
        ),
        Case::new(
            "IB-00295",
            POLL_RESPONSE,
            format!("{polled}.status"),
            "poll response in progress",
            |b| {
                task(b)["status"] = json!("in-progress");
            },
        ),
        Case::new(
            "IB-00298",
            POLL_RESPONSE,
            format!("{polled}.code"),
            "poll response with code status",
            |b| {
                task(b)["code"]["coding"][0]["code"] = json!("status");
            },
        ),
        Case::new(
            "IB-00302",
            POLL_FAILED,
            format!("{failed}.output[0].type"),
            "poll output of type status",
            |b| {
                task(b)["output"][0]["type"]["coding"][0]["code"] = json!("status");
            },
        ),
        Case::new(
            "RE-00178",
            POLL_RESPONSE,
            format!("{polled}.owner"),
            "poll owned by the provider",
            |b| {
                task(b)["owner"] = json!({"reference": "Organization/10"});
            },
        ),
        Case::new(
            "CL-00206",
            POLL_RESPONSE,
            format!("{polled}.output[1]"),
            "response output naming an Organization",
            |b| {
                let mut wrong = task(b)["output"][0].clone();
                wrong["valueReference"] = json!({"reference": "Organization/10"});
                push(&mut task(b)["output"], wrong);
            },
        ),
        Case::new(
            "CL-00207",
            POLL_RESPONSE,
            "Bundle.entry[2].resource",
            "queued bundle not listed",
            |b| {
                drop_field(task(b), "output");
            },
        ),
    ]
}
