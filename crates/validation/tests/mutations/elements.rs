//! Mutation cases for the cardinality (IC) and data type (DT) rules of the NPHIES profiles.
//!
//! A case names a rule, a resource in a sample (a [`Target`]) and an element below it, written
//! as in the finding (`item[0].net`). Removing a required element breaks its IC rule
//! ([`gone`]); giving an element a value of the wrong JSON type or format breaks its DT rule
//! ([`bad`]). Elements that others point at (sequences, the focal flag) are broken on an added
//! entry ([`added`]), so that no link rule fires as well.

use crate::support::{Case, received, sample};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Professional prior-auth with an Encounter, occupation, marital status, provider type and
/// maternity: no finding of these rules.
const PRO_ENC: &str = "nphies-fhir-docs/Preauth Professional Outpatient Request.json";
/// Eligibility request with a Location.
const ELIGIBILITY: &str = "nphies-fhir-docs/14a - Eligibilty Request Ben-Val.json";
/// Institutional prior-auth with an SS Encounter: no finding of these rules.
const INST_AUTH: &str = "xactasolutionsai/Bundle-a84aabfa-1163-407d-aa38-f8119a0b7383.json";

const SD: &str = "http://nphies.sa/fhir/ksa/nphies-fs/StructureDefinition/";

/// The resource a case edits: the first one of `profile` in the sample `base`.
#[derive(Clone, Copy)]
struct Target {
    base: &'static str,
    profile: &'static str,
}

const fn target(base: &'static str, profile: &'static str) -> Target {
    Target { base, profile }
}

const HEADER: Target = target(PRO_ENC, "message-header");
const CLAIM: Target = target(PRO_ENC, "professional-priorauth");
/// Pharmacy claim with episode, invoices and patient shares: no finding of these rules.
const PHARMACY: Target = target("xactasolutionsai/request2.json", "pharmacy-claim");
/// Institutional claim; its diagnosis lacks the condition-onset extension.
const SHADOW: Target = target(
    "nphies-fhir-docs/19 - Shadow billing.json",
    "institutional-claim",
);
const INST_PRIORAUTH: Target = target(INST_AUTH, "institutional-priorauth");
const PATIENT: Target = target(PRO_ENC, "patient");
const COVERAGE: Target = target(PRO_ENC, "coverage");
const PROVIDER: Target = target(PRO_ENC, "provider-organization");
const INSURER: Target = target(PRO_ENC, "insurer-organization");
/// The provider of an eligibility request: its license is not compared with a claim's.
const ELIGIBILITY_PROVIDER: Target = target(ELIGIBILITY, "provider-organization");
const PRACTITIONER: Target = target(PRO_ENC, "practitioner");
const ENCOUNTER: Target = target(PRO_ENC, "encounter");
const REQUEST: Target = target(ELIGIBILITY, "eligibility-request");
const LOCATION: Target = target(ELIGIBILITY, "location");

/// Index of the first entry whose resource declares `profile`.
fn entry_of(bundle: &Value, profile: &str) -> usize {
    let wanted = format!("{SD}{profile}|");
    let declares = |resource: &Value| {
        resource["meta"]["profile"].as_array().is_some_and(|p| {
            p.iter()
                .any(|u| u.as_str().is_some_and(|u| u.starts_with(&wanted)))
        })
    };
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .position(|e| declares(&e["resource"]))
        .unwrap_or_else(|| panic!("no {profile} entry"))
}

impl Target {
    /// The resource in a bundle made from the base, to edit.
    fn resource(self, bundle: &mut Value) -> &mut Value {
        let i = entry_of(bundle, self.profile);
        &mut bundle["entry"][i]["resource"]
    }

    /// The FHIRPath of `rel` below the resource, in the base.
    fn path(self, rel: &str) -> String {
        let i = entry_of(&sample(self.base), self.profile);
        let dot = if rel.is_empty() { "" } else { "." };
        format!("Bundle.entry[{i}].resource{dot}{rel}")
    }

    /// The value of `rel` below the resource, in the base.
    fn value(self, rel: &str) -> Value {
        let mut bundle = sample(self.base);
        self.resource(&mut bundle)
            .pointer(&pointer(rel))
            .cloned()
            .unwrap_or(Value::Null)
    }
}

/// `item[0].net` as a JSON pointer below the resource: `/item/0/net`.
fn pointer(rel: &str) -> String {
    rel.split(['.', '[', ']'])
        .filter(|s| !s.is_empty())
        .fold(String::new(), |p, s| format!("{p}/{s}"))
}

/// The parent of `rel` in `resource`, and the last step: a key or an index.
fn parent<'a>(resource: &'a mut Value, rel: &str) -> (&'a mut Value, String) {
    let p = pointer(rel);
    let (parent, last) = p.rsplit_once('/').expect("path");
    (
        resource.pointer_mut(parent).expect("parent"),
        last.to_owned(),
    )
}

/// A case with an edit of our own; the finding is expected at `rel`.
fn custom(
    rule: &'static str,
    target: Target,
    rel: &str,
    note: &'static str,
    mutate: impl Fn(&mut Value) + 'static,
) -> Case {
    Case::new(rule, target.base, target.path(rel), note, mutate)
}

/// Removes the element at `rel`.
fn gone(rule: &'static str, target: Target, rel: &'static str) -> Case {
    custom(
        rule,
        target,
        rel,
        "element removed",
        move |b| match parent(target.resource(b), rel) {
            (Value::Array(items), last) => {
                items.remove(last.parse::<usize>().expect("index"));
            }
            (Value::Object(map), last) => {
                map.remove(&last).expect("element to remove");
            }
            _ => panic!("cannot remove {rel}"),
        },
    )
}

/// Gives the element at `rel` this value (adding it when absent).
fn bad(rule: &'static str, target: Target, rel: &'static str, value: Value) -> Case {
    custom(
        rule,
        target,
        rel,
        "wrong type or format",
        move |b| match parent(target.resource(b), rel) {
            (Value::Array(items), last) => {
                items[last.parse::<usize>().expect("index")] = value.clone()
            }
            (Value::Object(map), last) => {
                map.insert(last, value.clone());
            }
            _ => panic!("cannot set {rel}"),
        },
    )
}

/// Appends `entry` to the list at `rel`; the finding is expected at the new entry, or at its
/// `child` when one is named.
fn added(rule: &'static str, target: Target, rel: &'static str, entry: Value, child: &str) -> Case {
    let len = target.value(rel).as_array().expect("list").len();
    let dot = if child.is_empty() { "" } else { "." };
    let at = format!("{rel}[{len}]{dot}{child}");
    custom(rule, target, &at, "entry added", move |b| {
        target
            .resource(b)
            .pointer_mut(&pointer(rel))
            .and_then(Value::as_array_mut)
            .expect("list")
            .push(entry.clone());
    })
}

/// An extension slice: the element that holds it (empty: the resource) and its id.
#[derive(Clone, Copy)]
struct Ext {
    holder: &'static str,
    id: &'static str,
}

const fn ext(holder: &'static str, id: &'static str) -> Ext {
    Ext { holder, id }
}

/// Index of the extension `id` in `holder.extension`.
fn extension_index(holder: &Value, id: &str) -> Option<usize> {
    let url = format!("{SD}{id}");
    holder["extension"]
        .as_array()?
        .iter()
        .position(|e| e["url"] == url.as_str())
}

fn holder(target: Target, bundle: &mut Value, ext: Ext) -> &mut Value {
    target
        .resource(bundle)
        .pointer_mut(&pointer(ext.holder))
        .expect("extension holder")
}

/// Removes the extension from its holder.
fn drop_extension(rule: &'static str, target: Target, ext: Ext) -> Case {
    let at = format!(
        "{}{}extension",
        ext.holder,
        if ext.holder.is_empty() { "" } else { "." }
    );
    custom(rule, target, &at, "extension removed", move |b| {
        let holder = holder(target, b, ext);
        let i = extension_index(holder, ext.id).expect("extension");
        holder["extension"]
            .as_array_mut()
            .expect("extensions")
            .remove(i);
    })
}

/// Gives the extension a wrong value under `key`, adding the extension when it is absent.
fn bad_extension(
    rule: &'static str,
    target: Target,
    ext: Ext,
    key: &'static str,
    value: Value,
) -> Case {
    let base = target.value(ext.holder);
    let n = extension_index(&base, ext.id)
        .unwrap_or_else(|| base["extension"].as_array().map_or(0, Vec::len));
    let dot = if ext.holder.is_empty() { "" } else { "." };
    let at = format!("{}{dot}extension[{n}].{key}", ext.holder);
    custom(rule, target, &at, "extension of the wrong type", move |b| {
        let holder = holder(target, b, ext);
        match extension_index(holder, ext.id) {
            Some(i) => holder["extension"][i][key] = value.clone(),
            None => {
                let entry = json!({"url": format!("{SD}{}", ext.id), key: value.clone()});
                match holder.get_mut("extension").and_then(Value::as_array_mut) {
                    Some(list) => list.push(entry),
                    None => holder["extension"] = json!([entry]),
                }
            }
        }
    })
}

/// Removes `field` (a list of sequences) from every item of a claim.
fn drop_links(claim: &mut Value, field: &str) {
    for item in claim["item"].as_array_mut().expect("items") {
        item.as_object_mut().expect("item").remove(field);
    }
}

/// A care team entry like the sample's, with this sequence.
fn care_team(sequence: Option<Value>) -> Value {
    let mut entry = json!({
        "provider": {"reference": "http://provider.com/Practitioner/7"},
        "role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claimcareteamrole", "code": "assist"}]},
        "qualification": {"coding": [{"system": "http://nphies.sa/terminology/CodeSystem/practice-codes", "code": "08.26"}]}
    });
    if let Some(sequence) = sequence {
        entry["sequence"] = sequence;
    }
    entry
}

/// A supporting information entry no item points at, with this sequence.
fn info(sequence: Option<Value>) -> Value {
    let mut entry = json!({
        "category": {"coding": [{"system": "http://nphies.sa/terminology/CodeSystem/claim-information-category", "code": "info"}]},
        "valueString": "follow-up visit"
    });
    if let Some(sequence) = sequence {
        entry["sequence"] = sequence;
    }
    entry
}

/// A second, non-focal insurance on the same coverage, with this focal value.
fn second_insurance(focal: Option<Value>) -> Value {
    let mut entry =
        json!({"sequence": 2, "coverage": {"reference": "http://provider.com/Coverage/1333"}});
    if let Some(focal) = focal {
        entry["focal"] = focal;
    }
    entry
}

fn header_cases() -> Vec<Case> {
    vec![
        gone("IC-00377", HEADER, "eventCoding"),
        gone("IC-00375", HEADER, "destination"),
        gone("IC-00218", HEADER, "destination[0].receiver"),
        gone("IC-00226", HEADER, "sender"),
        gone("IC-00227", HEADER, "source"),
        custom(
            "DT-00861",
            HEADER,
            "eventCoding",
            "event code a number",
            |b| {
                HEADER.resource(b)["eventCoding"]["code"] = json!(7);
            },
        ),
        bad(
            "DT-00851",
            HEADER,
            "destination",
            json!({"endpoint": "http://nphies.sa/license/payer-license/INS-FHIR"}),
        ),
    ]
}

fn claim_cases() -> Vec<Case> {
    let reference = || json!("Patient/123454186");
    vec![
        gone("IC-00025", CLAIM, "identifier"),
        gone("IC-00059", CLAIM, "status"),
        gone("IC-00063", CLAIM, "type"),
        gone("IC-01566", CLAIM, "subType"),
        gone("IC-00064", CLAIM, "use"),
        gone("IC-00050", CLAIM, "patient"),
        gone("IC-00018", CLAIM, "created"),
        gone("IC-00030", CLAIM, "insurer"),
        gone("IC-00056", CLAIM, "provider"),
        gone("IC-00053", CLAIM, "priority"),
        gone("IC-00051", CLAIM, "payee"),
        gone("IC-00052", CLAIM, "payee.type"),
        gone("IC-00062", CLAIM, "total"),
        gone("IC-00026", CLAIM, "insurance"),
        bad("DT-00099", CLAIM, "identifier[0]", json!("req_173075")),
        bad("DT-00213", CLAIM, "status", json!(1)),
        bad("DT-00229", CLAIM, "type", json!("professional")),
        bad("DT-00214", CLAIM, "subType", json!({"text": "op"})),
        bad("DT-00230", CLAIM, "use", json!(2)),
        bad("DT-00186", CLAIM, "patient", reference()),
        bad("DT-00074", CLAIM, "created", json!("2023-12-04T08:00:00")),
        bad(
            "DT-00112",
            CLAIM,
            "insurer",
            json!({"display": "Test Payer"}),
        ),
        bad("DT-00204", CLAIM, "provider", reference()),
        bad("DT-00194", CLAIM, "priority", json!("normal")),
        bad("DT-00187", CLAIM, "payee", json!("provider")),
        bad(
            "DT-00192",
            CLAIM,
            "payee.type",
            json!({"coding": [{"code": "provider"}]}),
        ),
        bad(
            "DT-00228",
            CLAIM,
            "total",
            json!({"value": "106", "currency": "SAR"}),
        ),
        // Care team.
        custom(
            "IC-01426",
            CLAIM,
            "careTeam",
            "no careTeam, and no item pointing at one",
            |b| {
                let claim = CLAIM.resource(b);
                claim.as_object_mut().expect("claim").remove("careTeam");
                drop_links(claim, "careTeamSequence");
            },
        ),
        added("DT-00064", CLAIM, "careTeam", json!("Dr. Amar"), ""),
        added("IC-00017", CLAIM, "careTeam", care_team(None), "sequence"),
        added(
            "DT-00072",
            CLAIM,
            "careTeam",
            care_team(Some(json!("2"))),
            "sequence",
        ),
        gone("IC-00015", CLAIM, "careTeam[0].provider"),
        gone("IC-00016", CLAIM, "careTeam[0].role"),
        gone("IC-01427", CLAIM, "careTeam[0].qualification"),
        bad("DT-00068", CLAIM, "careTeam[0].provider", reference()),
        bad("DT-00071", CLAIM, "careTeam[0].role", json!("primary")),
        bad(
            "DT-00069",
            CLAIM,
            "careTeam[0].qualification",
            json!({"coding": []}),
        ),
        // Supporting information.
        added("DT-00215", CLAIM, "supportingInfo", json!(8), ""),
        added("IC-00061", CLAIM, "supportingInfo", info(None), "sequence"),
        added(
            "DT-00222",
            CLAIM,
            "supportingInfo",
            info(Some(json!(9.5))),
            "sequence",
        ),
        gone("IC-00060", CLAIM, "supportingInfo[0].category"),
        bad(
            "DT-00216",
            CLAIM,
            "supportingInfo[0].category",
            json!("vital-sign-systolic"),
        ),
        // Diagnoses.
        custom(
            "IC-00019",
            CLAIM,
            "diagnosis",
            "no diagnosis, and no item pointing at one",
            |b| {
                let claim = CLAIM.resource(b);
                claim.as_object_mut().expect("claim").remove("diagnosis");
                drop_links(claim, "diagnosisSequence");
            },
        ),
        added("DT-00075", CLAIM, "diagnosis", json!("R51"), ""),
        custom(
            "IC-00022",
            CLAIM,
            "diagnosis[0].sequence",
            "no diagnosis sequence, no link to it",
            |b| {
                let claim = CLAIM.resource(b);
                claim["diagnosis"][0]
                    .as_object_mut()
                    .expect("diagnosis")
                    .remove("sequence");
                drop_links(claim, "diagnosisSequence");
            },
        ),
        custom(
            "DT-00083",
            CLAIM,
            "diagnosis[0].sequence",
            "diagnosis sequence 0, no link to it",
            |b| {
                let claim = CLAIM.resource(b);
                claim["diagnosis"][0]["sequence"] = json!(0);
                drop_links(claim, "diagnosisSequence");
            },
        ),
        gone("IC-01320", CLAIM, "diagnosis[0].diagnosisCodeableConcept"),
        bad(
            "DT-01321",
            CLAIM,
            "diagnosis[0].diagnosisCodeableConcept",
            json!({"coding": [{"code": "R51"}]}),
        ),
        gone("IC-00023", CLAIM, "diagnosis[0].type"),
        bad(
            "DT-00084",
            CLAIM,
            "diagnosis[0].type[0]",
            json!("principal"),
        ),
        // Insurance.
        added("DT-00101", CLAIM, "insurance", json!("Coverage/1333"), ""),
        gone("IC-00029", CLAIM, "insurance[0].sequence"),
        bad("DT-00111", CLAIM, "insurance[0].sequence", json!("1")),
        added(
            "IC-00028",
            CLAIM,
            "insurance",
            second_insurance(None),
            "focal",
        ),
        added(
            "DT-00106",
            CLAIM,
            "insurance",
            second_insurance(Some(json!("false"))),
            "focal",
        ),
        gone("IC-00027", CLAIM, "insurance[0].coverage"),
        bad(
            "DT-00104",
            CLAIM,
            "insurance[0].coverage",
            json!("Coverage/1333"),
        ),
        // Items.
        custom(
            "IC-00031",
            CLAIM,
            "item",
            "no item (and a total of 0)",
            |b| {
                let claim = CLAIM.resource(b);
                claim.as_object_mut().expect("claim").remove("item");
                claim["total"]["value"] = json!(0);
            },
        ),
        added("DT-00113", CLAIM, "item", json!("83600-00-10"), ""),
        gone("IC-00046", CLAIM, "item[0].sequence"),
        bad("DT-00167", CLAIM, "item[0].sequence", json!(-1)),
        gone("IC-00032", CLAIM, "item[0].careTeamSequence"),
        bad("DT-00115", CLAIM, "item[0].careTeamSequence[0]", json!("1")),
        bad(
            "DT-00149",
            CLAIM,
            "item[0].diagnosisSequence[0]",
            json!(1.5),
        ),
        bad(
            "DT-00157",
            PHARMACY,
            "item[0].informationSequence[0]",
            json!("6"),
        ),
        gone("IC-00044", CLAIM, "item[0].productOrService"),
        bad(
            "DT-00163",
            CLAIM,
            "item[0].productOrService",
            json!("83600-00-10"),
        ),
        bad(
            "DT-01337",
            CLAIM,
            "item[0].servicedDate",
            json!("04/12/2023"),
        ),
        custom(
            "DT-00170",
            CLAIM,
            "item[0].servicedPeriod",
            "servicedPeriod without end",
            |b| {
                let item = &mut CLAIM.resource(b)["item"][0];
                item.as_object_mut().expect("item").remove("servicedDate");
                item["servicedPeriod"] = json!({"start": "2023-12-04"});
            },
        ),
        // The quantity was 1, the default: the net stays right.
        gone("IC-00045", CLAIM, "item[0].quantity"),
        bad("DT-00165", CLAIM, "item[0].quantity", json!(1)),
        gone("IC-00047", CLAIM, "item[0].unitPrice"),
        bad("DT-00173", CLAIM, "item[0].unitPrice", json!("106 SAR")),
        bad("DT-00155", CLAIM, "item[0].factor", json!("1")),
        gone("IC-00043", CLAIM, "item[0].net"),
        bad("DT-00161", CLAIM, "item[0].net", json!({"value": 106})),
        // Extensions.
        drop_extension("IC-01329", CLAIM, ext("", "extension-encounter")),
        drop_extension("IC-01560", CLAIM, ext("item[0]", "extension-maternity")),
        bad_extension(
            "DT-01541",
            CLAIM,
            ext("item[0]", "extension-maternity"),
            "valueBoolean",
            json!("false"),
        ),
        bad_extension(
            "DT-01422",
            CLAIM,
            ext("", "extension-newborn"),
            "valueBoolean",
            json!("no"),
        ),
        drop_extension("IC-01453", PHARMACY, ext("", "extension-episode")),
        bad_extension(
            "DT-01425",
            PHARMACY,
            ext("", "extension-episode"),
            "valueIdentifier",
            json!("EP-1"),
        ),
        drop_extension(
            "IC-01454",
            PHARMACY,
            ext("item[0]", "extension-patientInvoice"),
        ),
        bad_extension(
            "DT-01426",
            PHARMACY,
            ext("item[0]", "extension-patientInvoice"),
            "valueIdentifier",
            json!(["Invc-1"]),
        ),
        drop_extension(
            "IC-01333",
            PHARMACY,
            ext("item[0]", "extension-patient-share"),
        ),
        bad_extension(
            "DT-01531",
            SHADOW,
            ext("diagnosis[0]", "extension-condition-onset"),
            "valueCodeableConcept",
            json!("NR"),
        ),
        // No institutional claim sample has every condition onset: an institutional prior-auth
        // re-sent as a claim (with the episode and invoices claims need) has none.
        custom(
            "IC-01550",
            INST_PRIORAUTH,
            "diagnosis[0].extension",
            "prior-auth sent as a claim, without condition onset",
            |b| {
                HEADER.resource(b)["eventCoding"]["code"] = json!("claim-request");
                let claim = INST_PRIORAUTH.resource(b);
                claim["meta"]["profile"] = json!([format!("{SD}institutional-claim|1.0.0")]);
                claim["use"] = json!("claim");
                claim["extension"].as_array_mut().expect("extensions").push(json!({
                    "url": format!("{SD}extension-episode"),
                    "valueIdentifier": {"system": "http://saudigeneralhospital.com.sa/episode", "value": "EP-1"}
                }));
                for item in claim["item"].as_array_mut().expect("items") {
                    item["extension"].as_array_mut().expect("extensions").push(json!({
                        "url": format!("{SD}extension-patientInvoice"),
                        "valueIdentifier": {"system": "http://saudigeneralhospital.com.sa/patientInvoice", "value": "INV-1"}
                    }));
                }
            },
        ),
    ]
}

fn patient_cases() -> Vec<Case> {
    vec![
        gone("IC-00242", PATIENT, "identifier"),
        bad(
            "DT-00977",
            PATIENT,
            "identifier",
            json!({"system": "http://nphies.sa/identifier/iqama", "value": "2000000001"}),
        ),
        gone("IC-00235", PATIENT, "active"),
        bad("DT-00946", PATIENT, "active", json!("true")),
        gone("IC-00247", PATIENT, "name"),
        bad("DT-00999", PATIENT, "name[0]", json!("Ahmad Khaled Abbas")),
        gone("IC-00238", PATIENT, "gender"),
        bad("DT-00970", PATIENT, "gender", json!(1)),
        custom(
            "IC-01400",
            PATIENT,
            "gender.extension",
            "no KSA gender extension",
            |b| {
                PATIENT
                    .resource(b)
                    .as_object_mut()
                    .expect("patient")
                    .remove("_gender");
            },
        ),
        gone("IC-00236", PATIENT, "birthDate"),
        bad("DT-00948", PATIENT, "birthDate", json!(19841225)),
        gone("IC-01565", PATIENT, "maritalStatus"),
        bad(
            "DT-00987",
            PATIENT,
            "maritalStatus",
            json!({"coding": ["M"]}),
        ),
        drop_extension("IC-01561", PATIENT, ext("", "extension-occupation")),
        bad_extension(
            "DT-01542",
            PATIENT,
            ext("", "extension-occupation"),
            "valueCodeableConcept",
            json!("business"),
        ),
    ]
}

fn coverage_cases() -> Vec<Case> {
    vec![
        gone("IC-00137", COVERAGE, "identifier"),
        bad(
            "DT-00524",
            COVERAGE,
            "identifier[0]",
            json!({"system": "http://pseudo-payer.com.sa/memberid", "value": 1}),
        ),
        gone("IC-00142", COVERAGE, "status"),
        bad("DT-00543", COVERAGE, "status", json!(true)),
        gone("IC-00143", COVERAGE, "type"),
        bad("DT-00548", COVERAGE, "type", json!("EHCPOL")),
        gone("IC-01564", COVERAGE, "policyHolder"),
        bad(
            "DT-00541",
            COVERAGE,
            "policyHolder",
            json!({"display": "Policy Holder Organization"}),
        ),
        gone("IC-00131", COVERAGE, "beneficiary"),
        bad(
            "DT-00499",
            COVERAGE,
            "beneficiary",
            json!("Patient/123454186"),
        ),
        gone("IC-00141", COVERAGE, "relationship"),
        bad("DT-00542", COVERAGE, "relationship", json!("self")),
        gone("IC-00140", COVERAGE, "payor"),
        bad(
            "DT-00539",
            COVERAGE,
            "payor[0]",
            json!("Organization/bff3aa1fbd3648619ac082357bf135db"),
        ),
        bad("DT-00540", COVERAGE, "period", json!({"end": "2024-12-31"})),
        gone("IC-01571", COVERAGE, "class"),
        added("DT-00500", COVERAGE, "class", json!("plan"), ""),
        gone("IC-00132", COVERAGE, "class[0].type"),
        bad("DT-00505", COVERAGE, "class[0].type", json!("plan")),
        gone("IC-00133", COVERAGE, "class[0].value"),
        bad("DT-00506", COVERAGE, "class[0].value", json!(135)),
    ]
}

fn party_cases() -> Vec<Case> {
    vec![
        gone("IC-00231", ELIGIBILITY_PROVIDER, "identifier"),
        bad(
            "DT-00920",
            ELIGIBILITY_PROVIDER,
            "identifier[0]",
            json!("N-F-00001"),
        ),
        gone("IC-00229", PROVIDER, "active"),
        bad("DT-00905", PROVIDER, "active", json!(1)),
        gone("IC-00234", INSURER, "type"),
        bad("DT-00945", PROVIDER, "type[0]", json!("prov")),
        drop_extension("IC-01574", PROVIDER, ext("", "extension-provider-type")),
        bad_extension(
            "DT-01546",
            PROVIDER,
            ext("", "extension-provider-type"),
            "valueCodeableConcept",
            json!({"text": "Clinic"}),
        ),
        gone("IC-00281", PRACTITIONER, "identifier"),
        bad(
            "DT-01096",
            PRACTITIONER,
            "identifier[0]",
            json!("N-P-00003"),
        ),
        gone("IC-00279", PRACTITIONER, "active"),
        bad("DT-01084", PRACTITIONER, "active", json!("yes")),
    ]
}

fn encounter_cases() -> Vec<Case> {
    vec![
        gone("IC-00183", ENCOUNTER, "identifier"),
        bad("DT-00720", ENCOUNTER, "identifier[0]", json!("Encounter1")),
        gone("IC-00189", ENCOUNTER, "status"),
        bad("DT-00760", ENCOUNTER, "status", json!(1)),
        gone("IC-00178", ENCOUNTER, "class"),
        bad("DT-00689", ENCOUNTER, "class", json!("AMB")),
        gone("IC-00192", ENCOUNTER, "subject"),
        bad(
            "DT-00767",
            ENCOUNTER,
            "subject",
            json!({"reference": 123454186}),
        ),
        gone("IC-00187", ENCOUNTER, "period"),
        bad(
            "DT-00750",
            ENCOUNTER,
            "period",
            json!({"end": "2023-12-04T12:30:00+03:00"}),
        ),
        gone("IC-00188", ENCOUNTER, "serviceProvider"),
        bad("DT-00758", ENCOUNTER, "serviceProvider", json!(7)),
    ]
}

fn eligibility_cases() -> Vec<Case> {
    vec![
        gone("IC-00146", REQUEST, "identifier"),
        bad("DT-00555", REQUEST, "identifier[0]", json!(161490)),
        gone("IC-00155", REQUEST, "status"),
        bad("DT-00601", REQUEST, "status", json!(true)),
        gone("IC-00152", REQUEST, "priority"),
        bad("DT-00595", REQUEST, "priority", json!("normal")),
        custom(
            "IC-00154",
            REQUEST,
            "purpose",
            "purpose an empty list",
            |b| {
                REQUEST.resource(b)["purpose"] = json!([]);
            },
        ),
        bad("DT-00597", REQUEST, "purpose[1]", json!(2)),
        gone("IC-00151", REQUEST, "patient"),
        bad(
            "DT-00594",
            REQUEST,
            "patient",
            json!({"identifier": "2000000001"}),
        ),
        gone("IC-00144", REQUEST, "created"),
        bad("DT-00550", REQUEST, "created", json!("2021-07")),
        gone("IC-00153", REQUEST, "provider"),
        bad(
            "DT-00596",
            REQUEST,
            "provider",
            json!("Organization/b1b3432921324f97af3be9fd0b1a14ae"),
        ),
        gone("IC-00148", REQUEST, "insurer"),
        bad(
            "DT-00564",
            REQUEST,
            "insurer",
            json!({"display": "Saudi National Insurance"}),
        ),
        added("DT-00557", REQUEST, "insurance", json!("Coverage/1333"), ""),
        gone("IC-00147", REQUEST, "insurance[0].coverage"),
        bad(
            "DT-00559",
            REQUEST,
            "insurance[0].coverage",
            json!("Coverage/1333"),
        ),
        bad(
            "DT-01371",
            REQUEST,
            "servicedPeriod",
            json!({"start": "2021-07-15"}),
        ),
        custom(
            "DT-01370",
            REQUEST,
            "servicedDate",
            "servicedDate instead of the period, not a date",
            |b| {
                let request = REQUEST.resource(b);
                request
                    .as_object_mut()
                    .expect("request")
                    .remove("servicedPeriod");
                request["servicedDate"] = json!("15-07-2021");
            },
        ),
        gone("IC-00216", LOCATION, "status"),
        bad("DT-00844", LOCATION, "status", json!(1)),
        gone("IC-00210", LOCATION, "managingOrganization"),
        bad(
            "DT-00821",
            LOCATION,
            "managingOrganization",
            json!("Organization/b1"),
        ),
        bad(
            "DT-00847",
            LOCATION,
            "type[0]",
            json!({"coding": [{"code": "GACH"}]}),
        ),
    ]
}

pub fn cases() -> Vec<Case> {
    let mut cases = header_cases();
    cases.extend(claim_cases());
    cases.extend(patient_cases());
    cases.extend(coverage_cases());
    cases.extend(party_cases());
    cases.extend(encounter_cases());
    cases.extend(eligibility_cases());
    cases
}

/// What these rules report on every published sample, as (rule, path) in any order. The
/// samples are older than the v5.2 profiles: most lack elements the profiles now require
/// (occupation, marital status, policy holder, provider type, the encounter and maternity
/// extensions).
const SAMPLE_FINDINGS: &[(&str, &[(&str, &str)])] = &[
    (
        "nphies-fhir-docs/1 - Preauth Institutional Request.json",
        &[
            ("IC-01329", "Bundle.entry[1].resource.extension"),
            ("IC-01560", "Bundle.entry[1].resource.item[0].extension"),
            ("IC-01574", "Bundle.entry[2].resource.extension"),
            ("IC-01561", "Bundle.entry[3].resource.extension"),
            ("IC-01565", "Bundle.entry[3].resource.maritalStatus"),
            ("IC-01564", "Bundle.entry[5].resource.policyHolder"),
            ("IC-01561", "Bundle.entry[7].resource.extension"),
            ("IC-01565", "Bundle.entry[7].resource.maritalStatus"),
        ],
    ),
    (
        "nphies-fhir-docs/10 - Claim Professional Request.json",
        &[
            ("IC-01329", "Bundle.entry[1].resource.extension"),
            ("IC-01560", "Bundle.entry[1].resource.item[0].extension"),
            ("IC-01574", "Bundle.entry[2].resource.extension"),
            ("IC-01561", "Bundle.entry[3].resource.extension"),
            ("IC-01565", "Bundle.entry[3].resource.maritalStatus"),
            ("IC-01564", "Bundle.entry[5].resource.policyHolder"),
        ],
    ),
    (
        "nphies-fhir-docs/12a - Poll Request.json",
        &[("IC-01574", "Bundle.entry[2].resource.extension")],
    ),
    (
        "nphies-fhir-docs/12b - Poll Response (Do Not Process).json",
        &[("IC-01574", "Bundle.entry[3].resource.extension")],
    ),
    (
        "nphies-fhir-docs/13a - Payment Reconciliation.json",
        &[("IC-01574", "Bundle.entry[2].resource.extension")],
    ),
    (
        "nphies-fhir-docs/14a - Eligibilty Request Ben-Val.json",
        &[
            ("IC-01564", "Bundle.entry[2].resource.policyHolder"),
            ("IC-01574", "Bundle.entry[3].resource.extension"),
            ("IC-01561", "Bundle.entry[4].resource.extension"),
            ("IC-01565", "Bundle.entry[4].resource.maritalStatus"),
        ],
    ),
    (
        "nphies-fhir-docs/14b - Eligibility Response Ben-Val.json",
        &[
            ("IC-01561", "Bundle.entry[2].resource.extension"),
            ("IC-01565", "Bundle.entry[2].resource.maritalStatus"),
            ("IC-01564", "Bundle.entry[4].resource.policyHolder"),
        ],
    ),
    (
        "nphies-fhir-docs/15b - Eligibility Response Discovery - Outcome_Complete_out-network.json",
        &[
            ("IC-01561", "Bundle.entry[2].resource.extension"),
            ("IC-01565", "Bundle.entry[2].resource.maritalStatus"),
        ],
    ),
    ("nphies-fhir-docs/16 - Batch request.json", &[]),
    (
        "nphies-fhir-docs/17b - Cancel Response (Do not process).json",
        &[("IC-01574", "Bundle.entry[2].resource.extension")],
    ),
    (
        "nphies-fhir-docs/18a - Communication Request.json",
        &[
            ("IC-01561", "Bundle.entry[2].resource.extension"),
            ("IC-01565", "Bundle.entry[2].resource.maritalStatus"),
            ("IC-01574", "Bundle.entry[3].resource.extension"),
        ],
    ),
    (
        "nphies-fhir-docs/18b - Communication response - solicited.json",
        &[
            ("IC-01561", "Bundle.entry[2].resource.extension"),
            ("IC-01565", "Bundle.entry[2].resource.maritalStatus"),
            ("IC-01574", "Bundle.entry[3].resource.extension"),
        ],
    ),
    (
        "nphies-fhir-docs/19 - Shadow billing.json",
        &[
            ("IC-01329", "Bundle.entry[1].resource.extension"),
            (
                "IC-01550",
                "Bundle.entry[1].resource.diagnosis[0].extension",
            ),
            ("IC-01560", "Bundle.entry[1].resource.item[0].extension"),
            ("IC-01560", "Bundle.entry[1].resource.item[1].extension"),
            ("IC-01574", "Bundle.entry[2].resource.extension"),
            ("IC-01564", "Bundle.entry[4].resource.policyHolder"),
            ("IC-01561", "Bundle.entry[6].resource.extension"),
            ("IC-01565", "Bundle.entry[6].resource.maritalStatus"),
        ],
    ),
    (
        "nphies-fhir-docs/2a - First Preauth Dental Request with multiple items.json",
        &[
            ("IC-01329", "Bundle.entry[1].resource.extension"),
            ("IC-01566", "Bundle.entry[1].resource.subType"),
            ("IC-01574", "Bundle.entry[2].resource.extension"),
            ("IC-01561", "Bundle.entry[3].resource.extension"),
            ("IC-01565", "Bundle.entry[3].resource.maritalStatus"),
            ("IC-01561", "Bundle.entry[4].resource.extension"),
            ("IC-01565", "Bundle.entry[4].resource.maritalStatus"),
            ("IC-01564", "Bundle.entry[6].resource.policyHolder"),
        ],
    ),
    (
        "nphies-fhir-docs/2b - First Response for first Preauth Dental Request.json",
        &[
            ("IC-01564", "Bundle.entry[2].resource.policyHolder"),
            ("IC-01561", "Bundle.entry[3].resource.extension"),
            ("IC-01565", "Bundle.entry[3].resource.maritalStatus"),
            ("IC-01561", "Bundle.entry[4].resource.extension"),
            ("IC-01565", "Bundle.entry[4].resource.maritalStatus"),
            ("IC-01574", "Bundle.entry[5].resource.extension"),
        ],
    ),
    (
        "nphies-fhir-docs/2e - Second Response for second Preauth Dental Request.json",
        &[
            ("IC-01564", "Bundle.entry[2].resource.policyHolder"),
            ("IC-01561", "Bundle.entry[3].resource.extension"),
            ("IC-01565", "Bundle.entry[3].resource.maritalStatus"),
            ("IC-01561", "Bundle.entry[4].resource.extension"),
            ("IC-01565", "Bundle.entry[4].resource.maritalStatus"),
            ("IC-01574", "Bundle.entry[5].resource.extension"),
        ],
    ),
    (
        "nphies-fhir-docs/4 - Preauth Pharmacy Request.json",
        &[
            ("IC-01560", "Bundle.entry[1].resource.item[0].extension"),
            ("IC-01560", "Bundle.entry[1].resource.item[1].extension"),
            ("IC-01574", "Bundle.entry[2].resource.extension"),
            ("IC-01561", "Bundle.entry[3].resource.extension"),
            ("IC-01565", "Bundle.entry[3].resource.maritalStatus"),
            ("IC-01564", "Bundle.entry[5].resource.policyHolder"),
        ],
    ),
    (
        "nphies-fhir-docs/5a - Preauth Professional Request.json",
        &[
            ("IC-01329", "Bundle.entry[1].resource.extension"),
            ("IC-01560", "Bundle.entry[1].resource.item[0].extension"),
            ("IC-01561", "Bundle.entry[2].resource.extension"),
            ("IC-01565", "Bundle.entry[2].resource.maritalStatus"),
            ("IC-01564", "Bundle.entry[3].resource.policyHolder"),
            ("IC-01574", "Bundle.entry[5].resource.extension"),
        ],
    ),
    (
        "nphies-fhir-docs/5b - Preauth Professional Response.json",
        &[
            ("IC-01564", "Bundle.entry[2].resource.policyHolder"),
            ("IC-01561", "Bundle.entry[3].resource.extension"),
            ("IC-01565", "Bundle.entry[3].resource.maritalStatus"),
            ("IC-01574", "Bundle.entry[4].resource.extension"),
        ],
    ),
    (
        "nphies-fhir-docs/7a - Claim Dental Request.json",
        &[
            ("IC-01329", "Bundle.entry[1].resource.extension"),
            ("IC-01574", "Bundle.entry[2].resource.extension"),
            ("IC-01561", "Bundle.entry[3].resource.extension"),
            ("IC-01565", "Bundle.entry[3].resource.maritalStatus"),
            ("IC-01561", "Bundle.entry[4].resource.extension"),
            ("IC-01565", "Bundle.entry[4].resource.maritalStatus"),
            ("IC-01564", "Bundle.entry[6].resource.policyHolder"),
        ],
    ),
    (
        "nphies-fhir-docs/9b - StatusCheck - Request.json",
        &[("IC-01574", "Bundle.entry[2].resource.extension")],
    ),
    (
        "nphies-fhir-docs/Preauth Professional Outpatient Request.json",
        &[],
    ),
    (
        "xactasolutionsai/Bundle-a84aabfa-1163-407d-aa38-f8119a0b7383.json",
        &[],
    ),
    ("xactasolutionsai/Claim-483069.json", &[]),
    (
        "xactasolutionsai/NPHIES_Professional_Lab_Bundle_Example.json",
        &[
            ("IC-01574", "Bundle.entry[5].resource.extension"),
            ("IC-01561", "Bundle.entry[7].resource.extension"),
            ("IC-01400", "Bundle.entry[7].resource.gender.extension"),
            ("IC-01565", "Bundle.entry[7].resource.maritalStatus"),
        ],
    ),
    (
        "xactasolutionsai/errors.json",
        &[
            ("IC-01564", "Bundle.entry[5].resource.policyHolder"),
            ("IC-01571", "Bundle.entry[5].resource.class"),
        ],
    ),
    ("xactasolutionsai/json1.json", &[]),
    (
        "xactasolutionsai/postman-response.json",
        &[("IC-01574", "Bundle.entry[2].resource.extension")],
    ),
    ("xactasolutionsai/request.json", &[]),
    ("xactasolutionsai/request2.json", &[]),
    ("xactasolutionsai/response.json", &[]),
];

#[test]
fn samples_report_the_known_element_findings() {
    let ours: BTreeSet<&str> = cases().iter().map(|c| c.rule).collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/nphies");
    let mut files = Vec::new();
    for dir in ["nphies-fhir-docs", "xactasolutionsai"] {
        for file in std::fs::read_dir(root.join(dir)).expect("fixture directory") {
            files.push(format!(
                "{dir}/{}",
                file.expect("entry").file_name().to_string_lossy()
            ));
        }
    }
    files.sort();
    let pinned: BTreeMap<&str, &[(&str, &str)]> = SAMPLE_FINDINGS.iter().copied().collect();
    let mut differences = Vec::new();
    for file in &files {
        let report = validation::validate(&sample(file), received());
        let mut found: Vec<(&str, &str)> = report
            .findings
            .iter()
            .filter(|f| ours.contains(f.rule.id))
            .map(|f| (f.rule.id, f.expression.as_str()))
            .collect();
        found.sort_unstable();
        let expected = pinned.get(file.as_str()).map(|pinned| {
            let mut expected = pinned.to_vec();
            expected.sort_unstable();
            expected
        });
        match expected {
            Some(expected) if expected == found => {}
            Some(expected) => {
                differences.push(format!("{file}: expected {expected:?}, found {found:?}"))
            }
            None => differences.push(format!("{file}: not pinned; found {found:?}")),
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
