//! Mutation cases for message, claim and patient rules.

use crate::support::{Case, resource};
use serde_json::{Value, json};

/// Claim-request, professional, use claim, no encounter. Entries: MessageHeader, Claim,
/// Organization (provider), Patient, Organization (insurer), Coverage, Practitioner.
const PRO: &str = "nphies-fhir-docs/10 - Claim Professional Request.json";
/// Prior-auth, professional, with an AMB Encounter (entry 6) and a valid iqama (Patient entry 2).
const PRO_ENC: &str = "nphies-fhir-docs/Preauth Professional Outpatient Request.json";
/// Prior-auth, institutional (ip), SS Encounter.
const INST: &str = "xactasolutionsai/Bundle-a84aabfa-1163-407d-aa38-f8119a0b7383.json";
/// Prior-auth, oral (op), AMB Encounter.
const ORAL: &str = "xactasolutionsai/json1.json";
/// Claim, institutional, item 1 a package with seven details.
const SHADOW: &str = "nphies-fhir-docs/19 - Shadow billing.json";
const PHARMACY: &str = "nphies-fhir-docs/4 - Preauth Pharmacy Request.json";
const POLL: &str = "nphies-fhir-docs/12a - Poll Request.json";

const CLAIM: &str = "Bundle.entry[1].resource";
const HEADER: &str = "Bundle.entry[0].resource";

fn claim(bundle: &mut Value) -> &mut Value {
    resource(bundle, "Claim")
}

fn header(bundle: &mut Value) -> &mut Value {
    resource(bundle, "MessageHeader")
}

fn patient(bundle: &mut Value) -> &mut Value {
    resource(bundle, "Patient")
}

fn encounter(bundle: &mut Value) -> &mut Value {
    resource(bundle, "Encounter")
}

/// Keeps the sample's total equal to its item nets after a mutation changed a net.
fn set_net_and_total(bundle: &mut Value, net: f64) {
    let c = claim(bundle);
    c["item"][0]["net"]["value"] = json!(net);
    c["total"]["value"] = json!(net);
}

/// Sets the item's patient share to zero, so a smaller net cannot fall below it.
fn zero_patient_share(bundle: &mut Value) {
    claim(bundle)["item"][0]["extension"][2]["valueMoney"]["value"] = json!(0);
}

fn case(
    rule: &'static str,
    base: &'static str,
    path: impl Into<String>,
    note: &'static str,
    mutate: impl Fn(&mut Value) + 'static,
) -> Case {
    Case::new(rule, base, path, note, mutate)
}

pub fn cases() -> Vec<Case> {
    let mut cases = message_cases();
    cases.extend(amount_cases());
    cases.extend(sequence_cases());
    cases.extend(type_and_date_cases());
    cases.extend(patient_cases());
    cases
}

fn message_cases() -> Vec<Case> {
    vec![
        case(
            "BV-00130",
            PRO,
            "Bundle.type",
            "bundle type collection",
            |b| b["type"] = json!("collection"),
        ),
        case("BV-00341", PRO, "Bundle.id", "bundle id not a GUID", |b| {
            b["id"] = json!("bundle-1")
        }),
        case(
            "CL-00001",
            PRO,
            "Bundle.timestamp",
            "timestamp without time",
            |b| b["timestamp"] = json!("2022-02-05"),
        ),
        case(
            "BV-00126",
            PRO_ENC,
            "Bundle.entry[0].resource",
            "Claim before MessageHeader",
            |b| b["entry"].as_array_mut().expect("entries").swap(0, 1),
        ),
        case(
            "CL-00002",
            PRO,
            "Bundle.entry[6].fullUrl",
            "entry without fullUrl",
            |b| {
                b["entry"][6]
                    .as_object_mut()
                    .expect("entry")
                    .remove("fullUrl");
            },
        ),
        case(
            "CL-00003",
            PRO,
            "Bundle.entry[6].fullUrl",
            "two entries with one fullUrl",
            |b| b["entry"][6]["fullUrl"] = b["entry"][5]["fullUrl"].clone(),
        ),
        case(
            "BV-00168",
            PRO,
            format!("{HEADER}.id"),
            "MessageHeader id not a GUID",
            |b| header(b)["id"] = json!("mh-1"),
        ),
        case(
            "CL-00004",
            PRO,
            format!("{HEADER}.eventCoding.system"),
            "event from another system",
            |b| header(b)["eventCoding"]["system"] = json!("http://example.org/events"),
        ),
        case(
            "CL-00005",
            PRO,
            format!("{HEADER}.eventCoding.code"),
            "unknown event",
            |b| header(b)["eventCoding"]["code"] = json!("claim-submission"),
        ),
        case(
            "BV-00221",
            PRO,
            format!("{HEADER}.focus"),
            "two focal references",
            |b| {
                let focus = header(b)["focus"][0].clone();
                header(b)["focus"]
                    .as_array_mut()
                    .expect("focus")
                    .push(focus);
            },
        ),
        case(
            "BV-00167",
            PRO,
            format!("{HEADER}.focus[0]"),
            "focus on the Patient",
            |b| {
                let url = b["entry"][3]["fullUrl"].clone();
                header(b)["focus"][0]["reference"] = url;
            },
        ),
        case(
            "CL-00006",
            PRO,
            format!("{HEADER}.sender"),
            "sender without license system",
            |b| header(b)["sender"]["identifier"]["system"] = json!("http://example.org/ids"),
        ),
        case(
            "CL-00007",
            PRO,
            format!("{HEADER}.destination[0].receiver"),
            "receiver without license system",
            |b| {
                header(b)["destination"][0]["receiver"]["identifier"]["system"] =
                    json!("http://example.org/ids")
            },
        ),
        case(
            "BV-00218",
            PRO,
            format!("{HEADER}.destination[0].endpoint"),
            "endpoint not a URL",
            |b| header(b)["destination"][0]["endpoint"] = json!("payer N-I-00001"),
        ),
        case(
            "BV-00177",
            PRO,
            format!("{HEADER}.source.endpoint"),
            "source not a URL",
            |b| header(b)["source"]["endpoint"] = json!("sgh"),
        ),
        case(
            "BV-00456",
            POLL,
            format!("{HEADER}.destination[0].receiver"),
            "poll sent to a payer",
            |b| {
                header(b)["destination"][0]["receiver"]["identifier"]["system"] =
                    json!("http://nphies.sa/license/payer-license")
            },
        ),
        case(
            "BV-00351",
            PRO,
            format!("{CLAIM}.provider"),
            "provider Organization not the sender",
            |b| b["entry"][2]["resource"]["identifier"][0]["value"] = json!("N-F-99999"),
        ),
        case(
            "CL-00008",
            PRO,
            format!("{CLAIM}.insurer"),
            "insurer Organization not the receiver",
            |b| b["entry"][4]["resource"]["identifier"][0]["value"] = json!("N-I-99999"),
        ),
        case(
            "BV-00165",
            PRO,
            format!("{CLAIM}.use"),
            "claim-request carrying a prior-auth",
            |b| claim(b)["use"] = json!("preauthorization"),
        ),
        case(
            "RE-00174",
            PRO,
            format!("{CLAIM}.patient.reference"),
            "patient outside the bundle",
            |b| claim(b)["patient"]["reference"] = json!("Patient/elsewhere"),
        ),
    ]
}

fn amount_cases() -> Vec<Case> {
    let item = format!("{CLAIM}.item[0]");
    let detail = format!("{CLAIM}.item[0].detail[0]");
    vec![
        case(
            "BV-00251",
            PRO,
            format!("{item}.net"),
            "item net off (total follows)",
            |b| set_net_and_total(b, 130.0),
        ),
        case(
            "BV-00059",
            PRO,
            format!("{CLAIM}.total.value"),
            "total off",
            |b| claim(b)["total"]["value"] = json!(200),
        ),
        case(
            "BV-00096",
            PRO,
            format!("{CLAIM}.total.currency"),
            "total in USD",
            |b| claim(b)["total"]["currency"] = json!("USD"),
        ),
        case(
            "BV-00092",
            PRO,
            format!("{item}.unitPrice.currency"),
            "unit price in USD",
            |b| claim(b)["item"][0]["unitPrice"]["currency"] = json!("USD"),
        ),
        case(
            "BV-00093",
            PRO,
            format!("{item}.net.currency"),
            "net in USD",
            |b| claim(b)["item"][0]["net"]["currency"] = json!("USD"),
        ),
        case(
            "BV-00086",
            PRO,
            format!("{item}.extension[1].valueMoney.currency"),
            "tax in USD",
            |b| claim(b)["item"][0]["extension"][1]["valueMoney"]["currency"] = json!("USD"),
        ),
        case(
            "BV-00088",
            PRO,
            format!("{item}.extension[2].valueMoney.currency"),
            "patient share in USD",
            |b| claim(b)["item"][0]["extension"][2]["valueMoney"]["currency"] = json!("USD"),
        ),
        case(
            "CL-00010",
            PRO,
            format!("{item}.extension[2].valueMoney.value"),
            "patient share over net",
            |b| claim(b)["item"][0]["extension"][2]["valueMoney"]["value"] = json!(500),
        ),
        case(
            "CL-00015",
            PRO,
            format!("{item}.unitPrice.value"),
            "unit price with fractions of a halala",
            |b| claim(b)["item"][0]["unitPrice"]["value"] = json!(106.001),
        ),
        case(
            "BV-00482",
            PRO,
            format!("{item}.factor"),
            "factor 0 (net and total follow)",
            |b| {
                zero_patient_share(b);
                claim(b)["item"][0]["factor"] = json!(0);
                set_net_and_total(b, 15.9);
            },
        ),
        case(
            "CL-00009",
            PRO,
            format!("{item}.quantity.value"),
            "quantity 0 (net and total follow)",
            |b| {
                zero_patient_share(b);
                claim(b)["item"][0]["quantity"]["value"] = json!(0);
                set_net_and_total(b, 15.9);
            },
        ),
        case(
            "BV-00434",
            SHADOW,
            format!("{detail}.net"),
            "detail net off",
            |b| claim(b)["item"][0]["detail"][0]["net"]["value"] = json!(5),
        ),
        case(
            "BV-00435",
            SHADOW,
            format!("{detail}.subDetail[0].net"),
            "sub-detail net off",
            |b| {
                claim(b)["item"][0]["detail"][0]["subDetail"] = json!([{
                    "sequence": 1,
                    "productOrService": {"coding": [{"system": "http://nphies.sa/terminology/CodeSystem/laboratory", "code": "73250-00-80"}]},
                    "quantity": {"value": 1},
                    "unitPrice": {"value": 0, "currency": "SAR"},
                    "net": {"value": 3, "currency": "SAR"}
                }])
            },
        ),
        case(
            "BV-00094",
            SHADOW,
            format!("{detail}.unitPrice.currency"),
            "detail unit price in USD",
            |b| claim(b)["item"][0]["detail"][0]["unitPrice"]["currency"] = json!("USD"),
        ),
        case(
            "BV-00095",
            SHADOW,
            format!("{detail}.net.currency"),
            "detail net in USD",
            |b| claim(b)["item"][0]["detail"][0]["net"]["currency"] = json!("USD"),
        ),
    ]
}

fn sequence_cases() -> Vec<Case> {
    let item = format!("{CLAIM}.item[0]");
    vec![
        case(
            "BV-00044",
            PRO_ENC,
            format!("{CLAIM}.item[1].sequence"),
            "second item with sequence 1",
            |b| {
                let c = claim(b);
                let copy = c["item"][0].clone();
                c["item"].as_array_mut().expect("items").push(copy);
                c["total"]["value"] = json!(212);
            },
        ),
        case(
            "BV-00042",
            SHADOW,
            format!("{item}.detail[1].sequence"),
            "two details with sequence 1",
            |b| claim(b)["item"][0]["detail"][1]["sequence"] = json!(1),
        ),
        case(
            "BV-00043",
            SHADOW,
            format!("{item}.detail[0].subDetail[1].sequence"),
            "two sub-details with sequence 1",
            |b| {
                let sub = json!({
                    "sequence": 1,
                    "productOrService": {"coding": [{"system": "http://nphies.sa/terminology/CodeSystem/laboratory", "code": "73250-00-80"}]},
                    "quantity": {"value": 1},
                    "unitPrice": {"value": 0, "currency": "SAR"},
                    "net": {"value": 0, "currency": "SAR"}
                });
                claim(b)["item"][0]["detail"][0]["subDetail"] = json!([sub.clone(), sub]);
            },
        ),
        case(
            "BV-00002",
            PRO,
            format!("{CLAIM}.careTeam[1].sequence"),
            "care team sequence twice",
            |b| {
                let c = claim(b);
                let copy = c["careTeam"][0].clone();
                c["careTeam"].as_array_mut().expect("careTeam").push(copy);
            },
        ),
        case(
            "BV-00453",
            PRO,
            format!("{CLAIM}.supportingInfo[1].sequence"),
            "supporting info sequence twice",
            |b| {
                let c = claim(b);
                let copy = c["supportingInfo"][0].clone();
                c["supportingInfo"]
                    .as_array_mut()
                    .expect("supportingInfo")
                    .push(copy);
            },
        ),
        case(
            "BV-00454",
            PRO,
            format!("{CLAIM}.diagnosis[1].sequence"),
            "diagnosis sequence twice",
            |b| {
                let c = claim(b);
                let mut copy = c["diagnosis"][0].clone();
                copy["diagnosisCodeableConcept"]["coding"][0]["code"] = json!("R51");
                c["diagnosis"].as_array_mut().expect("diagnosis").push(copy);
            },
        ),
        case(
            "CL-00011",
            PRO,
            format!("{CLAIM}.insurance[1].sequence"),
            "insurance sequence twice",
            |b| {
                let c = claim(b);
                let mut copy = c["insurance"][0].clone();
                copy["focal"] = json!(false);
                c["insurance"].as_array_mut().expect("insurance").push(copy);
            },
        ),
        case(
            "BV-00442",
            PRO,
            format!("{item}.careTeamSequence[0]"),
            "link to a missing care team",
            |b| claim(b)["item"][0]["careTeamSequence"] = json!([9]),
        ),
        case(
            "BV-00444",
            PRO,
            format!("{item}.diagnosisSequence[0]"),
            "link to a missing diagnosis",
            |b| claim(b)["item"][0]["diagnosisSequence"] = json!([9]),
        ),
        case(
            "BV-00443",
            PRO,
            format!("{item}.informationSequence[0]"),
            "link to missing supporting info",
            |b| claim(b)["item"][0]["informationSequence"] = json!([9]),
        ),
        case(
            "BV-00502",
            PRO,
            format!("{item}.informationSequence[1]"),
            "supporting info linked twice",
            |b| claim(b)["item"][0]["informationSequence"] = json!([1, 1]),
        ),
        case(
            "BV-00057",
            PRO,
            format!("{CLAIM}.diagnosis[1].diagnosisCodeableConcept"),
            "same diagnosis twice",
            |b| {
                let c = claim(b);
                let mut copy = c["diagnosis"][0].clone();
                copy["sequence"] = json!(2);
                c["diagnosis"].as_array_mut().expect("diagnosis").push(copy);
            },
        ),
        case(
            "BV-00400",
            PRO,
            format!("{CLAIM}.insurance"),
            "no focal insurance",
            |b| claim(b)["insurance"][0]["focal"] = json!(false),
        ),
        case(
            "BV-00526",
            PRO,
            format!("{CLAIM}.type.coding"),
            "two claim-type codings",
            |b| {
                let c = claim(b);
                let copy = c["type"]["coding"][0].clone();
                c["type"]["coding"]
                    .as_array_mut()
                    .expect("coding")
                    .push(copy);
            },
        ),
    ]
}

fn set_subtype(b: &mut Value, code: &str) {
    claim(b)["subType"]["coding"][0]["code"] = json!(code);
}

fn set_class(b: &mut Value, code: &str) {
    encounter(b)["class"]["code"] = json!(code);
}

fn type_and_date_cases() -> Vec<Case> {
    let item = format!("{CLAIM}.item[0]");
    vec![
        case(
            "BV-00731",
            SHADOW,
            format!("{CLAIM}.supportingInfo"),
            "ventilation billed without its hours",
            |b| {
                let c = claim(b);
                c["item"][1]["productOrService"]["coding"][0]["code"] = json!("92211-00-00");
                // The sample records the hours; recode them as ICU hours (same value shape).
                c["supportingInfo"][6]["category"]["coding"][0]["code"] = json!("icu-hours");
            },
        ),
        case(
            "BV-00364",
            INST,
            format!("{CLAIM}.subType"),
            "institutional op",
            |b| set_subtype(b, "op"),
        ),
        case(
            "BV-00365",
            PRO,
            format!("{CLAIM}.subType"),
            "professional ip",
            |b| set_subtype(b, "ip"),
        ),
        case(
            "BV-00366",
            ORAL,
            format!("{CLAIM}.subType"),
            "oral ip",
            |b| set_subtype(b, "ip"),
        ),
        case(
            "BV-00367",
            PRO,
            format!("{CLAIM}.subType"),
            "vision emr",
            |b| {
                claim(b)["type"]["coding"][0]["code"] = json!("vision");
                set_subtype(b, "emr");
            },
        ),
        case(
            "BV-00368",
            PHARMACY,
            format!("{CLAIM}.subType"),
            "pharmacy ip",
            |b| set_subtype(b, "ip"),
        ),
        case(
            "BV-00741",
            INST,
            format!("{CLAIM}.extension[0]"),
            "institutional AMB",
            |b| set_class(b, "AMB"),
        ),
        case(
            "BV-00743",
            ORAL,
            format!("{CLAIM}.extension[0]"),
            "oral EMER",
            |b| set_class(b, "EMER"),
        ),
        case(
            "BV-00742",
            PRO_ENC,
            format!("{CLAIM}.extension[0]"),
            "professional IMP",
            |b| set_class(b, "IMP"),
        ),
        case(
            "BV-00755",
            PRO_ENC,
            format!("{CLAIM}.extension[0]"),
            "emr with AMB",
            |b| set_subtype(b, "emr"),
        ),
        case(
            "BV-00064",
            PRO,
            format!("{CLAIM}.created"),
            "created after receipt",
            |b| claim(b)["created"] = json!("2027-01-01"),
        ),
        case(
            "BV-00066",
            PRO,
            item.clone(),
            "servicedDate and servicedPeriod",
            |b| {
                claim(b)["item"][0]["servicedPeriod"] =
                    json!({"start": "2022-02-05", "end": "2022-02-05"})
            },
        ),
        case("BV-00061", PRO, item.clone(), "served after created", |b| {
            claim(b)["item"][0]["servicedDate"] = json!("2022-03-01")
        }),
        case(
            "BV-00052",
            PRO,
            format!("{item}.servicedPeriod"),
            "period ends before it starts",
            |b| {
                let line = &mut claim(b)["item"][0];
                line.as_object_mut().expect("item").remove("servicedDate");
                line["servicedPeriod"] = json!({"start": "2022-02-05", "end": "2022-02-01"});
            },
        ),
        case(
            "BV-00850",
            PRO_ENC,
            format!("{CLAIM}.extension[0]"),
            "claim whose encounter is in the future",
            |b| {
                header(b)["eventCoding"]["code"] = json!("claim-request");
                claim(b)["use"] = json!("claim");
                encounter(b)["period"] = json!({"start": "2027-01-01T10:00:00+03:00", "end": "2027-01-01T12:00:00+03:00"});
            },
        ),
    ]
}

fn patient_cases() -> Vec<Case> {
    let p = "Bundle.entry[2].resource";
    vec![
        case(
            "CL-00013",
            PRO_ENC,
            format!("{p}.birthDate"),
            "birth date without day",
            |b| patient(b)["birthDate"] = json!("1984-12"),
        ),
        case(
            "BV-00848",
            PRO_ENC,
            format!("{p}.birthDate"),
            "born before 1900",
            |b| patient(b)["birthDate"] = json!("1899-05-01"),
        ),
        case(
            "BV-00851",
            PRO_ENC,
            format!("{p}.birthDate"),
            "born after the encounter",
            |b| patient(b)["birthDate"] = json!("2025-01-01"),
        ),
        case(
            "BV-00797",
            PRO_ENC,
            format!("{p}.identifier[0].value"),
            "national ID starting with 2",
            |b| {
                patient(b)["identifier"][0]["type"]["coding"][0]["code"] = json!("NI");
                patient(b)["identifier"][0]["system"] =
                    json!("http://nphies.sa/identifier/nationalid");
            },
        ),
        case(
            "BV-00798",
            PRO_ENC,
            format!("{p}.identifier[0].value"),
            "iqama starting with 1",
            |b| patient(b)["identifier"][0]["value"] = json!("1000000001"),
        ),
        case(
            "BV-00481",
            PRO_ENC,
            format!("{p}.identifier[0].extension"),
            "passport without country",
            |b| {
                patient(b)["identifier"][0]["type"]["coding"][0]["code"] = json!("PPN");
                patient(b)["identifier"][0]["system"] =
                    json!("http://nphies.sa/identifier/passportnumber");
                patient(b)["identifier"][0]["value"] = json!("G12345678");
            },
        ),
        case(
            "CL-00014",
            PRO_ENC,
            format!("{p}.identifier[0]"),
            "identifier without type",
            |b| {
                patient(b)["identifier"][0]
                    .as_object_mut()
                    .expect("identifier")
                    .remove("type");
            },
        ),
    ]
}
