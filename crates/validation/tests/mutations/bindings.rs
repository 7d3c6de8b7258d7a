//! Mutation cases for the binding (IB) rules: a code or system of one element replaced by one
//! outside its value set.

use crate::support::{Case, entry as index_of, resource, sample};
use serde_json::{Value, json};

/// Claim-request, professional. Entries: MessageHeader, Claim, Organization (provider), Patient
/// (iqama), Organization (insurer), Coverage, Practitioner.
const PRO: &str = "nphies-fhir-docs/10 - Claim Professional Request.json";
/// Prior-auth, professional, vital signs and an investigation result; Patient (entry 2) with an
/// occupation; provider Organization (entry 7) with a provider type; AMB Encounter (entry 6).
const PRO_ENC: &str = "nphies-fhir-docs/Preauth Professional Outpatient Request.json";
/// Prior-auth, institutional; SS Encounter (entry 9) with admitSource and admissionSpecialty;
/// passport Patient (entry 6); insurer Organization (entry 7) with identifier type NII.
const INST: &str = "xactasolutionsai/Bundle-a84aabfa-1163-407d-aa38-f8119a0b7383.json";
/// Prior-auth, oral; item 1 on tooth 13.
const DENTAL: &str = "nphies-fhir-docs/2a - First Preauth Dental Request with multiple items.json";
/// Prior-auth, pharmacy; Patient with a border number.
const PHARMACY: &str = "nphies-fhir-docs/4 - Preauth Pharmacy Request.json";
/// Claim, institutional, shadow billing: details coded in NPHIES and the provider's own system.
const SHADOW: &str = "nphies-fhir-docs/19 - Shadow billing.json";
/// Eligibility request with a Location.
const ELIGIBILITY: &str = "nphies-fhir-docs/14a - Eligibilty Request Ben-Val.json";

const NOT_A_CODE: &str = "zz-not-a-code";
const EXT: &str = "http://nphies.sa/fhir/ksa/nphies-fs/StructureDefinition/";
const CS: &str = "http://nphies.sa/terminology/CodeSystem/";

fn case(
    rule: &'static str,
    base: &'static str,
    path: impl Into<String>,
    note: &'static str,
    mutate: impl Fn(&mut Value) + 'static,
) -> Case {
    Case::new(rule, base, path, note, mutate)
}

/// `Bundle.entry[i].resource` of the first resource of `kind` in `base`, for expected paths.
fn at(base: &str, kind: &str) -> String {
    format!("Bundle.entry[{}].resource", index_of(&sample(base), kind))
}

fn claim(b: &mut Value) -> &mut Value {
    resource(b, "Claim")
}

fn entry(b: &mut Value, i: usize) -> &mut Value {
    &mut b["entry"][i]["resource"]
}

/// A CodeableConcept with one coding.
fn concept(system: &str, code: &str) -> Value {
    json!({"coding": [{"system": system, "code": code}]})
}

/// A coded extension.
fn extension(name: &str, system: &str, code: &str) -> Value {
    json!({"url": format!("{EXT}{name}"), "valueCodeableConcept": concept(system, code)})
}

fn push(list: &mut Value, item: Value) {
    if !list.is_array() {
        *list = json!([]);
    }
    list.as_array_mut().expect("array").push(item);
}

pub fn cases() -> Vec<Case> {
    let mut cases = claim_cases();
    cases.extend(item_cases());
    cases.extend(patient_cases());
    cases.extend(coverage_and_organization_cases());
    cases.extend(encounter_cases());
    cases.extend(eligibility_cases());
    cases
}

fn claim_cases() -> Vec<Case> {
    let c = at(PRO, "Claim");
    let enc = at(PRO_ENC, "Claim");
    let inst = at(INST, "Claim");
    vec![
        // An unknown type matches no type/subtype or type/class rule (BV-00364.., BV-00741..).
        case(
            "IB-00047",
            PRO,
            format!("{c}.type.coding[0].code"),
            "unknown claim type",
            |b| claim(b)["type"]["coding"][0]["code"] = json!(NOT_A_CODE),
        ),
        // The system, not the code: an unknown subtype code would also break BV-00365 (which
        // compares any subtype code with the type).
        case(
            "IB-00043",
            PRO,
            format!("{c}.subType.coding[0].system"),
            "subtype from a misspelt NPHIES system",
            |b| {
                claim(b)["subType"]["coding"][0]["system"] = json!(format!("{CS}claim-sub-type"));
            },
        ),
        // BV-00165 compares Claim.use with claim-request / priorauth-request / prescriber-request;
        // an acknowledgement constrains neither the focus type nor the use, so only the binding
        // breaks.
        case(
            "IB-00048",
            PRO,
            format!("{c}.use"),
            "unknown use (in an acknowledgement, which BV-00165 does not cover)",
            |b| {
                resource(b, "MessageHeader")["eventCoding"]["code"] = json!("acknowledgement");
                claim(b)["use"] = json!(NOT_A_CODE);
            },
        ),
        case(
            "IB-00042",
            PRO,
            format!("{c}.status"),
            "unknown status",
            |b| claim(b)["status"] = json!(NOT_A_CODE),
        ),
        case(
            "IB-00038",
            PRO,
            format!("{c}.priority.coding[0].code"),
            "unknown priority",
            |b| claim(b)["priority"]["coding"][0]["code"] = json!("urgent"),
        ),
        case(
            "IB-00037",
            PRO,
            format!("{c}.payee.type.coding[0].code"),
            "unknown payee type",
            |b| claim(b)["payee"]["type"]["coding"][0]["code"] = json!(NOT_A_CODE),
        ),
        case(
            "IB-00041",
            PRO,
            format!("{c}.related[0].relationship.coding[0].code"),
            "unknown related-claim relationship",
            |b| claim(b)["related"][0]["relationship"]["coding"][0]["code"] = json!("replaces"),
        ),
        case(
            "IB-00009",
            PRO,
            format!("{c}.careTeam[0].role.coding[0].code"),
            "unknown care team role",
            |b| claim(b)["careTeam"][0]["role"]["coding"][0]["code"] = json!("surgeon"),
        ),
        case(
            "IB-00008",
            PRO,
            format!("{c}.careTeam[0].qualification.coding[0].code"),
            "practice code not in the specialty list",
            |b| claim(b)["careTeam"][0]["qualification"]["coding"][0]["code"] = json!("99.99"),
        ),
        case(
            "IB-00044",
            PRO,
            format!("{c}.supportingInfo[0].category.coding[0].code"),
            "unknown supporting information category",
            |b| claim(b)["supportingInfo"][0]["category"]["coding"][0]["code"] = json!(NOT_A_CODE),
        ),
        case(
            "IB-00045",
            PRO_ENC,
            format!("{enc}.supportingInfo[10].code.coding[0].code"),
            "investigation result code not in investigation-result",
            |b| claim(b)["supportingInfo"][10]["code"]["coding"][0]["code"] = json!(NOT_A_CODE),
        ),
        case(
            "IB-00046",
            PRO_ENC,
            format!("{enc}.supportingInfo[0].reason.coding[0].code"),
            "systolic absence reason not in blood-pressure-absence-reason",
            |b| {
                claim(b)["supportingInfo"][0]["reason"] =
                    concept(&format!("{CS}blood-pressure-absence-reason"), "999.9");
            },
        ),
        case(
            "IB-00011",
            PRO,
            format!("{c}.diagnosis[0].diagnosisCodeableConcept.coding[0].system"),
            "diagnosis in ICD-10 (WHO) instead of ICD-10-AM",
            |b| {
                claim(b)["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0]["system"] =
                    json!("http://hl7.org/fhir/sid/icd-10");
            },
        ),
        case(
            "IB-00014",
            PRO,
            format!("{c}.diagnosis[0].type[0].coding[0].code"),
            "unknown diagnosis type",
            |b| claim(b)["diagnosis"][0]["type"][0]["coding"][0]["code"] = json!("primary"),
        ),
        case(
            "IB-00012",
            INST,
            format!("{inst}.diagnosis[0].onAdmission.coding[0].code"),
            "onAdmission yes instead of y",
            |b| claim(b)["diagnosis"][0]["onAdmission"]["coding"][0]["code"] = json!("yes"),
        ),
        case(
            "IB-00413",
            INST,
            format!("{inst}.diagnosis[0].extension[0].valueCodeableConcept.coding[0].code"),
            "unknown condition onset",
            |b| {
                push(
                    &mut claim(b)["diagnosis"][0]["extension"],
                    extension(
                        "extension-condition-onset",
                        &format!("{CS}condition-onset"),
                        NOT_A_CODE,
                    ),
                );
            },
        ),
        case(
            "IB-00007",
            PRO,
            format!("{c}.accident.type.coding[0].code"),
            "accident type not an incident code",
            |b| {
                claim(b)["accident"] = json!({
                    "date": "2021-08-01",
                    "type": concept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"),
                });
            },
        ),
    ]
}

fn item_cases() -> Vec<Case> {
    let c = at(PRO, "Claim");
    let shadow = at(SHADOW, "Claim");
    let dental = at(DENTAL, "Claim");
    vec![
        case(
            "IB-00030",
            PRO,
            format!("{c}.item[0].productOrService.coding[0].system"),
            "dental billing system in a professional claim",
            |b| {
                claim(b)["item"][0]["productOrService"]["coding"][0]["system"] =
                    json!(format!("{CS}oral-health-op"));
            },
        ),
        case(
            "IB-00030",
            PRO,
            format!("{c}.item[0].productOrService.coding[0].system"),
            "only the provider's own code, no NPHIES billing code",
            |b| {
                claim(b)["item"][0]["productOrService"] =
                    concept("http://sgh.sa.com//procedures", "335");
            },
        ),
        // The detail keeps its second, provider-coded coding: only the NPHIES one is wrong.
        case(
            "IB-00020",
            SHADOW,
            format!("{shadow}.item[0].detail[0].productOrService.coding[0].system"),
            "scientific drug code in an institutional claim",
            |b| {
                claim(b)["item"][0]["detail"][0]["productOrService"]["coding"][0]["system"] =
                    json!(format!("{CS}scientific-codes"));
            },
        ),
        case(
            "IB-00025",
            SHADOW,
            format!("{shadow}.item[0].detail[0].subDetail[0].productOrService.coding[0].system"),
            "sub-detail coded in a system outside institutional-billing",
            |b| {
                claim(b)["item"][0]["detail"][0]["subDetail"] = json!([{
                    "sequence": 1,
                    "productOrService": concept(&format!("{CS}scientific-codes"), "1234"),
                    "quantity": {"value": 1},
                    "unitPrice": {"value": 0, "currency": "SAR"},
                    "net": {"value": 0, "currency": "SAR"}
                }]);
            },
        ),
        case(
            "IB-00016",
            DENTAL,
            format!("{dental}.item[1].bodySite.coding[0].code"),
            "tooth 19 does not exist",
            |b| claim(b)["item"][1]["bodySite"]["coding"][0]["code"] = json!("19"),
        ),
        case(
            "IB-00033",
            DENTAL,
            format!("{dental}.item[1].subSite[0].coding[0].code"),
            "unknown tooth surface",
            |b| {
                claim(b)["item"][1]["subSite"] =
                    json!([concept(&format!("{CS}fdi-tooth-surface"), "X")]);
            },
        ),
    ]
}

fn patient_cases() -> Vec<Case> {
    let p = at(PRO, "Patient");
    let enc = at(PRO_ENC, "Patient");
    let pharmacy = at(PHARMACY, "Patient");
    let practitioner = at(PRO, "Practitioner");
    let iqama = "http://nphies.sa/identifier/iqama";
    let v2 = "http://terminology.hl7.org/CodeSystem/v2-0203";
    // Gives the PRO patient's identifier another type and keeps the iqama system.
    fn retype(b: &mut Value, system: &str, code: &str) {
        resource(b, "Patient")["identifier"][0]["type"] = concept(system, code);
    }
    vec![
        case(
            "IB-00186",
            PRO,
            format!("{p}.gender"),
            "gender F instead of female",
            |b| resource(b, "Patient")["gender"] = json!("F"),
        ),
        case(
            "IB-00157",
            PRO,
            format!("{p}.gender.extension[0].valueCodeableConcept.coding[0].code"),
            "unknown KSA gender",
            |b| {
                resource(b, "Patient")["_gender"]["extension"][0]["valueCodeableConcept"]["coding"]
                    [0]["code"] = json!(NOT_A_CODE);
            },
        ),
        case(
            "IB-00189",
            PRO_ENC,
            format!("{enc}.maritalStatus.coding[0].code"),
            "marital status S (not in ksa-marital-status)",
            |b| resource(b, "Patient")["maritalStatus"]["coding"][0]["code"] = json!("S"),
        ),
        case(
            "IB-00420",
            PRO_ENC,
            format!("{enc}.extension[0].valueCodeableConcept.coding[0].code"),
            "unknown occupation",
            |b| {
                resource(b, "Patient")["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] =
                    json!("astronaut");
            },
        ),
        case(
            "IB-00158",
            PRO,
            format!("{p}.identifier[0].type.coding[0].code"),
            "patient identifier type not in patient-identifier-type",
            move |b| retype(b, v2, "DL"),
        ),
        case(
            "IB-00158",
            PRO,
            format!("{practitioner}.identifier[0].type.coding[0].code"),
            "practitioner identifier type not in identifier-type",
            |b| {
                resource(b, "Practitioner")["identifier"][0]["type"]["coding"][0]["code"] =
                    json!(NOT_A_CODE);
            },
        ),
        case(
            "IB-00340",
            PRO,
            format!("{p}.identifier[0].system"),
            "displaced-person type with the iqama system",
            |b| retype(b, &format!("{CS}patient-identifier-type"), "DP"),
        ),
        case(
            "IB-00341",
            PRO,
            format!("{p}.identifier[0].system"),
            "iqama with the national ID system",
            |b| {
                resource(b, "Patient")["identifier"][0]["system"] =
                    json!("http://nphies.sa/identifier/nationalid");
            },
        ),
        // The passport patient carries its country, so BV-00481 stays quiet.
        case(
            "IB-00342",
            INST,
            "Bundle.entry[6].resource.identifier[0].system",
            "passport with the iqama system",
            move |b| entry(b, 6)["identifier"][0]["system"] = json!(iqama),
        ),
        // A national ID that BV-00797 accepts, under the iqama system.
        case(
            "IB-00343",
            PRO,
            format!("{p}.identifier[0].system"),
            "national ID type with the iqama system",
            move |b| {
                retype(b, v2, "NI");
                resource(b, "Patient")["identifier"][0]["value"] = json!("1000000001");
            },
        ),
        case(
            "IB-00344",
            PRO,
            format!("{p}.identifier[0].system"),
            "visa type with the iqama system",
            move |b| retype(b, v2, "VP"),
        ),
        case(
            "IB-00345",
            PRO,
            format!("{p}.identifier[0].system"),
            "health ID type with the iqama system",
            move |b| retype(b, v2, "JHN"),
        ),
        case(
            "IB-00348",
            PHARMACY,
            format!("{pharmacy}.identifier[0].system"),
            "border number with the iqama system",
            move |b| resource(b, "Patient")["identifier"][0]["system"] = json!(iqama),
        ),
        case(
            "IB-00206",
            PRO,
            format!("{practitioner}.gender"),
            "practitioner gender M",
            |b| resource(b, "Practitioner")["gender"] = json!("M"),
        ),
    ]
}

fn coverage_and_organization_cases() -> Vec<Case> {
    let cov = at(PRO, "Coverage");
    vec![
        case(
            "IB-00108",
            PRO,
            format!("{cov}.status"),
            "unknown coverage status",
            |b| resource(b, "Coverage")["status"] = json!("inactive"),
        ),
        // NPHIES answered exactly this with IB-00109 (xactasolutionsai/errors.json).
        case(
            "IB-00109",
            PRO,
            format!("{cov}.type.coding[0].system"),
            "coverage type from the HL7 URL instead of the NPHIES one",
            |b| {
                resource(b, "Coverage")["type"]["coding"][0]["system"] =
                    json!("http://terminology.hl7.org/CodeSystem/coverage-type");
            },
        ),
        case(
            "IB-00107",
            PRO,
            format!("{cov}.relationship.coding[0].code"),
            "unknown subscriber relationship",
            |b| resource(b, "Coverage")["relationship"]["coding"][0]["code"] = json!("sibling"),
        ),
        case(
            "IB-00101",
            PRO,
            format!("{cov}.class[0].type.coding[0].code"),
            "unknown coverage class",
            |b| resource(b, "Coverage")["class"][0]["type"]["coding"][0]["code"] = json!("tier"),
        ),
        case(
            "IB-00103",
            PRO,
            format!("{cov}.costToBeneficiary[0].type.coding[0].code"),
            "unknown copay type",
            |b| {
                resource(b, "Coverage")["costToBeneficiary"] = json!([{
                    "type": concept(&format!("{CS}coverage-copay-type"), "emergency"),
                    "valueQuantity": {"value": 20}
                }]);
            },
        ),
        case(
            "IB-00241",
            PRO,
            format!("{cov}.identifier[0].type.coding[0].code"),
            "member ID typed NI (v2-0203, outside identifier-type)",
            |b| {
                resource(b, "Coverage")["identifier"][0]["type"] =
                    concept("http://terminology.hl7.org/CodeSystem/v2-0203", "NI");
            },
        ),
        case(
            "IB-00182",
            PRO,
            "Bundle.entry[2].resource.type[0].coding[0].code",
            "unknown organization type",
            |b| entry(b, 2)["type"][0]["coding"][0]["code"] = json!("hospital"),
        ),
        case(
            "IB-00177",
            INST,
            "Bundle.entry[7].resource.identifier[0].type.coding[0].code",
            "insurer identifier typed XX (policy holders only)",
            |b| entry(b, 7)["identifier"][0]["type"]["coding"][0]["code"] = json!("XX"),
        ),
        case(
            "IB-00422",
            PRO_ENC,
            "Bundle.entry[7].resource.extension[0].valueCodeableConcept.coding[0].code",
            "provider type 10",
            |b| {
                entry(b, 7)["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] =
                    json!("10")
            },
        ),
    ]
}

fn encounter_cases() -> Vec<Case> {
    let amb = at(PRO_ENC, "Encounter");
    let ss = at(INST, "Encounter");
    fn encounter(b: &mut Value) -> &mut Value {
        resource(b, "Encounter")
    }
    fn stay(b: &mut Value) -> &mut Value {
        &mut resource(b, "Encounter")["hospitalization"]
    }
    vec![
        // The system, not the code: BV-00742 compares any class code with the claim type.
        case(
            "IB-00136",
            PRO_ENC,
            format!("{amb}.class.system"),
            "class from the FHIR encounter-class URL",
            |b| encounter(b)["class"]["system"] = json!("http://hl7.org/fhir/encounter-class"),
        ),
        case(
            "IB-00154",
            PRO_ENC,
            format!("{amb}.status"),
            "unknown encounter status",
            |b| encounter(b)["status"] = json!("done"),
        ),
        case(
            "IB-00153",
            INST,
            format!("{ss}.serviceType.coding[0].code"),
            "unknown service type",
            |b| encounter(b)["serviceType"]["coding"][0]["code"] = json!(NOT_A_CODE),
        ),
        case(
            "IB-00151",
            PRO_ENC,
            format!("{amb}.priority.coding[0].code"),
            "priority R: in v3-ActPriority, not in the NPHIES value set (EL, EM)",
            |b| {
                encounter(b)["priority"] =
                    concept("http://terminology.hl7.org/CodeSystem/v3-ActPriority", "R");
            },
        ),
        case(
            "IB-00139",
            INST,
            format!("{ss}.hospitalization.admitSource.coding[0].code"),
            "unknown admit source",
            |b| stay(b)["admitSource"]["coding"][0]["code"] = json!(NOT_A_CODE),
        ),
        case(
            "IB-00142",
            INST,
            format!("{ss}.hospitalization.reAdmission.coding[0].code"),
            "re-admission indicator Y",
            |b| {
                stay(b)["reAdmission"] =
                    concept("http://terminology.hl7.org/CodeSystem/v2-0092", "Y");
            },
        ),
        case(
            "IB-00141",
            INST,
            format!("{ss}.hospitalization.dischargeDisposition.coding[0].code"),
            "HL7 discharge code left out of the NPHIES value set",
            |b| {
                stay(b)["dischargeDisposition"] = concept(
                    "http://terminology.hl7.org/CodeSystem/discharge-disposition",
                    "snf",
                );
            },
        ),
        case(
            "IB-00416",
            PRO_ENC,
            format!("{amb}.extension[0].valueCodeableConcept.coding[0].code"),
            "unknown service event type",
            |b| {
                encounter(b)["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] =
                    json!(NOT_A_CODE);
            },
        ),
        case(
            "IB-00414",
            PRO_ENC,
            format!("{amb}.extension[1].valueCodeableConcept.coding[0].code"),
            "unknown emergency arrival code",
            |b| {
                let e = extension(
                    "extension-emergencyArrivalCode",
                    &format!("{CS}emergency-arrival-code"),
                    NOT_A_CODE,
                );
                push(&mut encounter(b)["extension"], e);
            },
        ),
        case(
            "IB-00412",
            PRO_ENC,
            format!("{amb}.extension[1].valueCodeableConcept.coding[0].code"),
            "unknown emergency department disposition",
            |b| {
                let e = extension(
                    "extension-emergencyDepartmentDisposition",
                    &format!("{CS}emergency-department-disposition"),
                    NOT_A_CODE,
                );
                push(&mut encounter(b)["extension"], e);
            },
        ),
        case(
            "IB-00415",
            PRO_ENC,
            format!("{amb}.extension[1].valueCodeableConcept.coding[0].code"),
            "unknown triage category",
            |b| {
                let e = extension(
                    "extension-triageCategory",
                    &format!("{CS}triage-category"),
                    NOT_A_CODE,
                );
                push(&mut encounter(b)["extension"], e);
            },
        ),
        case(
            "IB-00421",
            INST,
            format!("{ss}.hospitalization.extension[0].valueCodeableConcept.coding[0].code"),
            "admission specialty not in the specialty list",
            |b| {
                stay(b)["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] =
                    json!("99.99");
            },
        ),
        case(
            "IB-00417",
            INST,
            format!("{ss}.hospitalization.extension[1].valueCodeableConcept.coding[0].code"),
            "discharge specialty not in the specialty list",
            |b| {
                let e = extension(
                    "extension-dischargeSpecialty",
                    &format!("{CS}practice-codes"),
                    "99.99",
                );
                push(&mut stay(b)["extension"], e);
            },
        ),
        case(
            "IB-00419",
            INST,
            format!("{ss}.hospitalization.extension[1].valueCodeableConcept.coding[0].code"),
            "unknown intended length of stay",
            |b| {
                let e = extension(
                    "extension-intendedLengthOfStay",
                    &format!("{CS}intended-length-of-stay"),
                    NOT_A_CODE,
                );
                push(&mut stay(b)["extension"], e);
            },
        ),
    ]
}

fn eligibility_cases() -> Vec<Case> {
    let request = at(ELIGIBILITY, "CoverageEligibilityRequest");
    let location = at(ELIGIBILITY, "Location");
    fn request_of(b: &mut Value) -> &mut Value {
        resource(b, "CoverageEligibilityRequest")
    }
    vec![
        case(
            "IB-00117",
            ELIGIBILITY,
            format!("{request}.priority.coding[0].code"),
            "unknown priority",
            |b| request_of(b)["priority"]["coding"][0]["code"] = json!("routine"),
        ),
        case(
            "IB-00118",
            ELIGIBILITY,
            format!("{request}.purpose[1]"),
            "unknown purpose",
            |b| request_of(b)["purpose"][1] = json!("eligibility"),
        ),
        case(
            "IB-00167",
            ELIGIBILITY,
            format!("{location}.status"),
            "unknown location status",
            |b| resource(b, "Location")["status"] = json!("open"),
        ),
    ]
}
