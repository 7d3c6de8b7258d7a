//! Codes checked against the NPHIES code systems and value sets.
//!
//! Each coded element of the request resources is checked against the value set its profile
//! binds it to (see `catalogue/bindings.rs` for the rules and their severities). The terminology
//! is parsed once ([`terminology`]); paths are built on the stack and rendered only for a finding
//! ([`path`]), so a valid bundle costs lookups, not allocations.

mod path;
mod terminology;

use crate::catalogue::*;
use crate::node::{Entries, STRUCTURE_DEFINITION, list, text};
use crate::{Findings, Rule};
use path::Path;
use serde_json::Value;
use terminology::{Sets, Terminology, ValueSet, Verdict};

pub(super) fn check(entries: &Entries, out: &mut Findings) {
    let terminology = terminology::get();
    let mut c = Checker {
        t: terminology,
        s: &terminology.sets,
        out,
    };
    for (i, resource) in entries.resources.iter().enumerate() {
        let Some(r) = resource else { continue };
        let at = Path::entry(i);
        match text(r, "resourceType") {
            Some("Claim") => c.claim(r, &at),
            Some("Patient") => c.patient(r, &at),
            Some("Practitioner") => c.practitioner(r, &at),
            Some("Coverage") => c.coverage(r, &at),
            Some("Organization") => c.organization(r, &at),
            Some("Encounter") => c.encounter(r, &at),
            Some("CoverageEligibilityRequest") => c.eligibility_request(r, &at),
            Some("Location") => c.location(r, &at),
            _ => {}
        }
    }
}

/// How a binding is enforced: a required one admits only codes from its value set; an
/// extensible one also admits codes from systems outside NPHIES and HL7.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strength {
    Required,
    Extensible,
}

/// A coded extension: its name after the StructureDefinition base, its rule and value set.
type Bound<'s> = (&'static str, &'static Rule, &'s ValueSet);

struct Checker<'o> {
    t: &'static Terminology,
    s: &'static Sets,
    out: &'o mut Findings,
}

/// What one coding says about a binding.
enum Judged<'v> {
    /// A code from the value set.
    Valid(&'v str),
    /// Reported: a code outside the value set, or a known system the value set does not include.
    Reported,
    /// A system outside NPHIES and HL7: a provider's own codes.
    Foreign,
    /// No system, or a system of the value set without a code: cardinality, not binding.
    Incomplete,
}

impl Checker<'_> {
    fn report(&mut self, rule: &'static Rule, at: &Path, message: String) {
        self.out.add(rule, at.to_string(), message);
    }

    /// One Coding (`at` is the Coding itself).
    fn judge<'v>(
        &mut self,
        coding: &'v Value,
        at: &Path,
        vs: &ValueSet,
        rule: &'static Rule,
        strength: Strength,
    ) -> Judged<'v> {
        let Some(system) = text(coding, "system") else {
            return Judged::Incomplete;
        };
        let code = text(coding, "code");
        let note = match strength {
            Strength::Required => "",
            Strength::Extensible => " (extensible binding)",
        };
        match vs.judge(system, code.unwrap_or_default()) {
            Verdict::Member => code.map_or(Judged::Incomplete, Judged::Valid),
            Verdict::NotInValueSet => match code {
                Some(code) => {
                    self.report(
                        rule,
                        &at.field("code"),
                        format!("\"{code}\" is not in the value set {}{note}", vs.url),
                    );
                    Judged::Reported
                }
                None => Judged::Incomplete,
            },
            Verdict::OtherSystem if self.t.is_known_system(system) => {
                self.report(
                    rule,
                    &at.field("system"),
                    format!(
                        "the code system {system} is not one of the value set {}{note}",
                        vs.url
                    ),
                );
                Judged::Reported
            }
            Verdict::OtherSystem => Judged::Foreign,
        }
    }

    /// A CodeableConcept (`at` is the concept). Returns the first code from the value set. Under
    /// a required binding, a concept whose codings all come from foreign systems is reported at
    /// its first system.
    fn concept<'v>(
        &mut self,
        concept: &'v Value,
        at: &Path,
        vs: &ValueSet,
        rule: &'static Rule,
        strength: Strength,
    ) -> Option<&'v str> {
        if !vs.is_checkable() {
            return None;
        }
        let mut valid = None;
        // Whether every coding comes from a foreign system, and the first that does.
        let mut only_foreign = true;
        let mut first_foreign = None;
        for (n, coding) in list(concept, "coding").iter().enumerate() {
            match self.judge(coding, &at.index("coding", n), vs, rule, strength) {
                Judged::Valid(code) => {
                    valid = valid.or(Some(code));
                    only_foreign = false;
                }
                Judged::Reported => only_foreign = false,
                Judged::Foreign => first_foreign = first_foreign.or(Some(n)),
                Judged::Incomplete => {
                    if text(coding, "system").is_some() {
                        only_foreign = false;
                    }
                }
            }
        }
        if let (true, Some(n), Strength::Required) = (only_foreign, first_foreign, strength) {
            let coding = at.index("coding", n);
            self.report(
                rule,
                &coding.field("system"),
                format!("no coding is from the value set {}", vs.url),
            );
        }
        valid
    }

    /// `element.field`, a CodeableConcept or (tolerantly) a list of them. Returns the first code
    /// from the value set.
    fn concepts<'v>(
        &mut self,
        element: &'v Value,
        field: &'static str,
        at: &Path,
        vs: &ValueSet,
        rule: &'static Rule,
    ) -> Option<&'v str> {
        self.concepts_with(element, field, at, vs, rule, Strength::Required)
    }

    fn concepts_with<'v>(
        &mut self,
        element: &'v Value,
        field: &'static str,
        at: &Path,
        vs: &ValueSet,
        rule: &'static Rule,
        strength: Strength,
    ) -> Option<&'v str> {
        match element.get(field) {
            Some(Value::Array(items)) => {
                let mut first = None;
                for (n, item) in items.iter().enumerate() {
                    let code = self.concept(item, &at.index(field, n), vs, rule, strength);
                    first = first.or(code);
                }
                first
            }
            Some(concept @ Value::Object(_)) => {
                self.concept(concept, &at.field(field), vs, rule, strength)
            }
            _ => None,
        }
    }

    /// `element.field`, a `code` (or a list of codes). Codes carry no system: only membership.
    fn code(
        &mut self,
        element: &Value,
        field: &'static str,
        at: &Path,
        vs: &ValueSet,
        rule: &'static Rule,
    ) {
        if !vs.is_checkable() {
            return;
        }
        match element.get(field) {
            Some(Value::String(code)) if !vs.has_code(code) => self.report(
                rule,
                &at.field(field),
                format!("\"{code}\" is not in the value set {}", vs.url),
            ),
            Some(Value::Array(items)) => {
                for (n, item) in items.iter().enumerate() {
                    if let Some(code) = item.as_str()
                        && !vs.has_code(code)
                    {
                        self.report(
                            rule,
                            &at.index(field, n),
                            format!("\"{code}\" is not in the value set {}", vs.url),
                        );
                    }
                }
            }
            _ => {}
        }
    }

    /// The coded extensions of `element` named in `bound`.
    fn extensions(&mut self, element: &Value, at: &Path, bound: &[Bound]) {
        for (k, extension) in list(element, "extension").iter().enumerate() {
            let Some(name) =
                text(extension, "url").and_then(|u| u.strip_prefix(STRUCTURE_DEFINITION))
            else {
                continue;
            };
            let Some((_, rule, vs)) = bound.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            else {
                continue;
            };
            if let Some(value) = extension.get("valueCodeableConcept") {
                let here = at.index("extension", k);
                self.concept(
                    value,
                    &here.field("valueCodeableConcept"),
                    vs,
                    rule,
                    Strength::Required,
                );
            }
        }
    }

    /// `identifier[n].type` of every identifier, against `vs`.
    fn identifier_types(
        &mut self,
        resource: &Value,
        at: &Path,
        vs: &ValueSet,
        rule: &'static Rule,
        strength: Strength,
    ) {
        for (n, identifier) in list(resource, "identifier").iter().enumerate() {
            let here = at.index("identifier", n);
            self.concepts_with(identifier, "type", &here, vs, rule, strength);
        }
    }

    fn claim(&mut self, claim: &Value, at: &Path) {
        let s = self.s;
        let kind = self.concepts(claim, "type", at, &s.claim_type, &IB_00047);
        self.concepts(claim, "subType", at, &s.claim_subtype, &IB_00043);
        self.code(claim, "use", at, &s.claim_use, &IB_00048);
        self.code(claim, "status", at, &s.fm_status, &IB_00042);
        self.concepts(claim, "priority", at, &s.process_priority, &IB_00038);
        self.identifier_types(
            claim,
            at,
            &s.identifier_type,
            &IB_00241,
            Strength::Extensible,
        );
        if let Some(payee) = claim.get("payee") {
            let here = at.field("payee");
            self.concepts(payee, "type", &here, &s.payee_type, &IB_00037);
        }
        for (n, related) in list(claim, "related").iter().enumerate() {
            let here = at.index("related", n);
            self.concepts(
                related,
                "relationship",
                &here,
                &s.related_claim_relationship,
                &IB_00041,
            );
        }
        for (n, member) in list(claim, "careTeam").iter().enumerate() {
            let here = at.index("careTeam", n);
            self.concepts(member, "role", &here, &s.care_team_role, &IB_00009);
            self.concepts(member, "qualification", &here, &s.practice_codes, &IB_00008);
        }
        for (n, info) in list(claim, "supportingInfo").iter().enumerate() {
            let here = at.index("supportingInfo", n);
            self.supporting_info(info, &here);
        }
        for (n, diagnosis) in list(claim, "diagnosis").iter().enumerate() {
            let here = at.index("diagnosis", n);
            self.concepts(
                diagnosis,
                "diagnosisCodeableConcept",
                &here,
                &s.icd_10_am,
                &IB_00011,
            );
            self.concepts(diagnosis, "type", &here, &s.diagnosis_type, &IB_00014);
            self.concepts(
                diagnosis,
                "onAdmission",
                &here,
                &s.diagnosis_on_admission,
                &IB_00012,
            );
            self.extensions(
                diagnosis,
                &here,
                &[("extension-condition-onset", &IB_00413, &s.condition_onset)],
            );
        }
        if let Some(accident) = claim.get("accident") {
            let here = at.field("accident");
            self.concepts(accident, "type", &here, &s.incident, &IB_00007);
        }

        // Items: billing codes by claim type (prescriptions: prescriber-billing), sites.
        let billing = if text(claim, "use") == Some("predetermination") {
            Some(&s.prescriber_billing)
        } else {
            match kind {
                Some("professional") => Some(&s.professional_billing),
                Some("institutional") => Some(&s.institutional_billing),
                Some("oral") => Some(&s.dental_billing),
                Some("pharmacy") => Some(&s.pharmacy_billing),
                Some("vision") => Some(&s.vision_billing),
                _ => None,
            }
        };
        let (body_site, sub_site) = match kind {
            Some("oral") => (&s.oral_region, &s.tooth_surface),
            Some("institutional") => (&s.institutional_body_site, &s.subsite),
            _ => (&s.body_site, &s.subsite),
        };
        let pharmacy: [Bound; 3] = [
            (
                "extension-pharmacist-Selection-Reason",
                &IB_00157,
                &s.selection_reason,
            ),
            (
                "extension-pharmacist-substitute",
                &IB_00157,
                &s.pharmacist_substitute,
            ),
            (
                "extension-prescribed-Medication",
                &IB_00157,
                &s.prescriber_billing,
            ),
        ];
        for (n, item) in list(claim, "item").iter().enumerate() {
            let here = at.index("item", n);
            if let Some(billing) = billing {
                self.concepts(item, "productOrService", &here, billing, &IB_00030);
            }
            self.concepts(item, "bodySite", &here, body_site, &IB_00016);
            self.concepts(item, "subSite", &here, sub_site, &IB_00033);
            self.extensions(item, &here, &pharmacy);
            for (d, detail) in list(item, "detail").iter().enumerate() {
                let here = here.index("detail", d);
                if let Some(billing) = billing {
                    self.concepts(detail, "productOrService", &here, billing, &IB_00020);
                }
                self.extensions(detail, &here, &pharmacy);
                for (u, sub) in list(detail, "subDetail").iter().enumerate() {
                    let here = here.index("subDetail", u);
                    if let Some(billing) = billing {
                        self.concepts(sub, "productOrService", &here, billing, &IB_00025);
                    }
                }
            }
        }
    }

    /// `code` and `reason` take their value set from the category.
    fn supporting_info(&mut self, info: &Value, at: &Path) {
        let s = self.s;
        let Some(category) =
            self.concepts(info, "category", at, &s.information_category, &IB_00044)
        else {
            return;
        };
        let code = match category {
            "reason-for-visit" => Some(&s.visit_reason),
            "investigation-result" => Some(&s.investigation_result),
            "missingtooth" => Some(&s.oral_region),
            _ => None,
        };
        if let Some(vs) = code {
            self.concepts(info, "code", at, vs, &IB_00045);
        }
        let reason = match category {
            "vital-sign-weight" => &s.weight_absence,
            "vital-sign-systolic" | "vital-sign-diastolic" => &s.blood_pressure_absence,
            "vital-sign-height" => &s.height_absence,
            "temperature" => &s.temperature_absence,
            "pulse" => &s.pulse_absence,
            "oxygen-saturation" => &s.oxygen_saturation_absence,
            "respiratory-rate" => &s.respiratory_rate_absence,
            "missingtooth" => &s.missing_tooth_reason,
            _ => &s.info_reason,
        };
        self.concepts(info, "reason", at, reason, &IB_00046);
    }

    fn patient(&mut self, patient: &Value, at: &Path) {
        let s = self.s;
        self.code(patient, "gender", at, &s.gender, &IB_00186);
        self.gender_extension(patient, at);
        self.concepts(patient, "maritalStatus", at, &s.marital_status, &IB_00189);
        self.extensions(
            patient,
            at,
            &[
                ("extension-occupation", &IB_00420, &s.occupation),
                ("extension-patient-religion", &IB_00157, &s.religion),
            ],
        );
        for (n, identifier) in list(patient, "identifier").iter().enumerate() {
            let here = at.index("identifier", n);
            let kind = self.concepts(
                identifier,
                "type",
                &here,
                &s.patient_identifier_type,
                &IB_00158,
            );
            let (Some(kind), Some(system)) = (kind, text(identifier, "system")) else {
                continue;
            };
            if let Some((_, expected, rule)) =
                IDENTIFIER_SYSTEMS.iter().find(|(k, _, _)| *k == kind)
                && system != *expected
            {
                self.report(
                    rule,
                    &here.field("system"),
                    format!("an identifier of type {kind} has the system {expected}"),
                );
            }
        }
    }

    /// The KSA gender extension on `gender` (`_gender` in JSON).
    fn gender_extension(&mut self, person: &Value, at: &Path) {
        if let Some(gender) = person.get("_gender") {
            let here = at.field("gender");
            self.extensions(
                gender,
                &here,
                &[(
                    "extension-ksa-administrative-gender",
                    &IB_00157,
                    &self.s.ksa_gender,
                )],
            );
        }
    }

    fn practitioner(&mut self, practitioner: &Value, at: &Path) {
        let s = self.s;
        self.code(practitioner, "gender", at, &s.gender, &IB_00206);
        self.gender_extension(practitioner, at);
        self.identifier_types(
            practitioner,
            at,
            &s.identifier_type,
            &IB_00158,
            Strength::Required,
        );
    }

    fn coverage(&mut self, coverage: &Value, at: &Path) {
        let s = self.s;
        self.code(coverage, "status", at, &s.fm_status, &IB_00108);
        self.concepts(coverage, "type", at, &s.coverage_type, &IB_00109);
        self.concepts(
            coverage,
            "relationship",
            at,
            &s.subscriber_relationship,
            &IB_00107,
        );
        self.identifier_types(
            coverage,
            at,
            &s.identifier_type,
            &IB_00241,
            Strength::Extensible,
        );
        for (n, class) in list(coverage, "class").iter().enumerate() {
            let here = at.index("class", n);
            self.concepts(class, "type", &here, &s.coverage_class, &IB_00101);
        }
        for (n, cost) in list(coverage, "costToBeneficiary").iter().enumerate() {
            let here = at.index("costToBeneficiary", n);
            self.concepts(cost, "type", &here, &s.copay_type, &IB_00103);
        }
    }

    fn organization(&mut self, organization: &Value, at: &Path) {
        let s = self.s;
        self.concepts(organization, "type", at, &s.organization_type, &IB_00182);
        let policy_holder = organization
            .get("meta")
            .map(|m| list(m, "profile"))
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_str)
            .any(|p| p.contains("/policyholder-organization"));
        let types = if policy_holder {
            &s.policyholder_identifier_type
        } else {
            &s.organization_identifier_type
        };
        self.identifier_types(organization, at, types, &IB_00177, Strength::Required);
        self.extensions(
            organization,
            at,
            &[("extension-provider-type", &IB_00422, &s.provider_type)],
        );
    }

    fn encounter(&mut self, encounter: &Value, at: &Path) {
        let s = self.s;
        self.code(encounter, "status", at, &s.encounter_status, &IB_00154);
        // A Coding, not a CodeableConcept: a foreign system cannot hide behind a second coding.
        if let Some(class) = encounter.get("class").filter(|c| c.is_object())
            && s.encounter_class.is_checkable()
        {
            let here = at.field("class");
            let judged = self.judge(
                class,
                &here,
                &s.encounter_class,
                &IB_00136,
                Strength::Required,
            );
            if let Judged::Foreign = judged {
                self.report(
                    &IB_00136,
                    &here.field("system"),
                    format!(
                        "the class is not from the value set {}",
                        s.encounter_class.url
                    ),
                );
            }
        }
        self.concepts(encounter, "serviceType", at, &s.service_type, &IB_00153);
        self.concepts(encounter, "priority", at, &s.act_priority, &IB_00151);
        self.identifier_types(
            encounter,
            at,
            &s.identifier_type,
            &IB_00241,
            Strength::Extensible,
        );
        self.extensions(
            encounter,
            at,
            &[
                (
                    "extension-serviceEventType",
                    &IB_00416,
                    &s.service_event_type,
                ),
                ("extension-emergencyArrivalCode", &IB_00414, &s.arrival_code),
                (
                    "extension-emergencyDepartmentDisposition",
                    &IB_00412,
                    &s.department_disposition,
                ),
                ("extension-triageCategory", &IB_00415, &s.triage_category),
            ],
        );
        if let Some(stay) = encounter.get("hospitalization") {
            let here = at.field("hospitalization");
            self.concepts(stay, "admitSource", &here, &s.admit_source, &IB_00139);
            self.concepts(stay, "reAdmission", &here, &s.readmission, &IB_00142);
            self.concepts(
                stay,
                "dischargeDisposition",
                &here,
                &s.discharge_disposition,
                &IB_00141,
            );
            self.extensions(
                stay,
                &here,
                &[
                    ("extension-admissionSpecialty", &IB_00421, &s.practice_codes),
                    ("extension-dischargeSpecialty", &IB_00417, &s.practice_codes),
                    (
                        "extension-intendedLengthOfStay",
                        &IB_00419,
                        &s.length_of_stay,
                    ),
                ],
            );
        }
    }

    fn eligibility_request(&mut self, request: &Value, at: &Path) {
        let s = self.s;
        self.concepts(request, "priority", at, &s.process_priority, &IB_00117);
        self.code(request, "purpose", at, &s.eligibility_purpose, &IB_00118);
        self.identifier_types(
            request,
            at,
            &s.identifier_type,
            &IB_00241,
            Strength::Extensible,
        );
    }

    fn location(&mut self, location: &Value, at: &Path) {
        let s = self.s;
        self.code(location, "status", at, &s.location_status, &IB_00167);
        self.identifier_types(
            location,
            at,
            &s.identifier_type,
            &IB_00158,
            Strength::Required,
        );
    }
}

/// Patient identifier type → the identifier system it goes with (IB-00340..00348; CZ was
/// deactivated, MR takes the provider's own system).
const IDENTIFIER_SYSTEMS: &[(&str, &str, &Rule)] = &[
    (
        "DP",
        "http://nphies.sa/identifier/displacedperson",
        &IB_00340,
    ),
    ("PRC", "http://nphies.sa/identifier/iqama", &IB_00341),
    (
        "PPN",
        "http://nphies.sa/identifier/passportnumber",
        &IB_00342,
    ),
    ("NI", "http://nphies.sa/identifier/nationalid", &IB_00343),
    ("VP", "http://nphies.sa/identifier/visa", &IB_00344),
    ("JHN", "http://nphies.sa/identifier/healthid", &IB_00345),
    ("BN", "http://nphies.sa/identifier/bordernumber", &IB_00348),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn findings(resource: Value) -> Vec<(&'static str, String)> {
        let bundle = json!({"entry": [{"fullUrl": "urn:uuid:1", "resource": resource}]});
        let mut out = Findings::default();
        check(&Entries::new(&bundle), &mut out);
        out.findings
            .into_iter()
            .map(|f| (f.rule.id, f.expression))
            .collect()
    }

    fn coding(system: &str, code: &str) -> Value {
        json!({"system": system, "code": code})
    }

    const SERVICES: &str = "http://nphies.sa/terminology/CodeSystem/services";
    const LOCAL: &str = "http://provider.example/codes";

    fn professional_item(codings: Vec<Value>) -> Value {
        json!({
            "resourceType": "Claim",
            "type": {"coding": [coding("http://terminology.hl7.org/CodeSystem/claim-type", "professional")]},
            "item": [{"productOrService": {"coding": codings}}]
        })
    }

    #[test]
    fn a_providers_own_coding_passes_beside_an_nphies_one_not_alone() {
        let shadow = professional_item(vec![coding(SERVICES, "83600-00-10"), coding(LOCAL, "1")]);
        assert_eq!(findings(shadow), vec![]);
        // A missing code is a cardinality finding, not a binding one.
        let codeless = professional_item(vec![json!({"system": SERVICES}), coding(LOCAL, "1")]);
        assert_eq!(findings(codeless), vec![]);
        let alone = professional_item(vec![coding(LOCAL, "1")]);
        assert_eq!(
            findings(alone),
            vec![(
                "IB-00030",
                "Bundle.entry[0].resource.item[0].productOrService.coding[0].system".to_owned()
            )]
        );
    }

    #[test]
    fn extensible_bindings_warn_and_admit_foreign_systems() {
        let v2 = "http://terminology.hl7.org/CodeSystem/v2-0203";
        let coverage = |system: &str, code: &str| {
            json!({
                "resourceType": "Coverage",
                "identifier": [{"type": {"coding": [coding(system, code)]}, "value": "1"}]
            })
        };
        assert_eq!(findings(coverage(LOCAL, "member")), vec![]);
        assert_eq!(
            findings(coverage(v2, "MB")),
            vec![(
                "IB-00241",
                "Bundle.entry[0].resource.identifier[0].type.coding[0].code".to_owned()
            )]
        );
        assert_eq!(IB_00241.severity, nphies::Severity::Warning);
    }

    #[test]
    fn messages_name_codes_not_values() {
        let patient = json!({
            "resourceType": "Patient",
            "identifier": [{
                "type": {"coding": [coding("http://terminology.hl7.org/CodeSystem/v2-0203", "NI")]},
                "system": "http://nphies.sa/identifier/iqama",
                "value": "1234567890"
            }]
        });
        let bundle = json!({"entry": [{"resource": patient}]});
        let mut out = Findings::default();
        check(&Entries::new(&bundle), &mut out);
        assert_eq!(out.findings.len(), 1);
        assert_eq!(out.findings[0].rule.id, "IB-00343");
        assert!(!out.findings[0].message.contains("1234567890"));
    }
}
