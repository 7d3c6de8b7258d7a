//! Binding (IB) rules: codes from the NPHIES code systems and value sets.
//!
//! One rule per element, as the workbook (v2.6) has them; the value set each element binds to
//! is the one in the profiles workbook (v5.2) and the nphies-fs StructureDefinitions. The codes
//! ship with the crate (`terminology/codes.tsv`, extracted from the CodeableConcept workbook
//! v5.3). A finding is a code outside its value set (at the `code`), or a coding from a system
//! the value set does not include (at the `system`). A provider's own system is tolerated next to
//! a coding from the value set (shadow billing), not alone.
//!
//! Severity follows the binding strength. The nphies-fs profiles bind every element below
//! `required`, so their rules are errors. The one extensible binding on the request side is the
//! base FHIR one on `Identifier.type` of identifiers the profiles do not constrain (Claim,
//! Coverage, Encounter, CoverageEligibilityRequest): a type outside `identifier-type` there is
//! IB-00241 (the workbook's "content invalid, non-required binding"), a warning.
//!
//! Billing codes, ICD-10-AM and v2-0203 are not in the workbook: for those only the code system
//! is checked. Not checked here: `Bundle.type` (BV-00130 fixes it to `message`),
//! `CoverageEligibilityRequest.status` (BV-00538 fixes it to `active`; IB-00119 would only repeat
//! it), `MessageHeader.eventCoding` (CL-00004/5), responses, and codes whose value set depends on
//! data outside the message.

catalogue! {
    // Claim.
    IB_00047 = "IB-00047", Binding, Error, "Claim.type is a code from claim-type (institutional, oral, pharmacy, professional, vision)";
    IB_00043 = "IB-00043", Binding, Error, "Claim.subType is a code from claim-subtype (ip, op, emr)";
    IB_00048 = "IB-00048", Binding, Error, "Claim.use is claim, preauthorization or predetermination";
    IB_00042 = "IB-00042", Binding, Error, "Claim.status is a code from fm-status";
    IB_00038 = "IB-00038", Binding, Error, "Claim.priority is a code from processpriority (stat, normal, deferred)";
    IB_00037 = "IB-00037", Binding, Error, "Claim.payee.type is a code from payeetype";
    IB_00041 = "IB-00041", Binding, Error, "Claim.related.relationship is a code from related-claim-relationship";
    IB_00009 = "IB-00009", Binding, Error, "Claim.careTeam.role is a code from claimcareteamrole";
    IB_00008 = "IB-00008", Binding, Error, "Claim.careTeam.qualification is an NPHIES practice (specialty) code";
    IB_00044 = "IB-00044", Binding, Error, "Claim.supportingInfo.category is a code from claim-information-category";
    IB_00045 = "IB-00045", Binding, Error, "Claim.supportingInfo.code is from the value set of its category (visit-reason, investigation-result, fdi-oral-region)";
    IB_00046 = "IB-00046", Binding, Error, "Claim.supportingInfo.reason is from the value set of its category (vital-sign absence reasons, missing-tooth-reason, info-reason)";
    IB_00011 = "IB-00011", Binding, Error, "Claim.diagnosis.diagnosisCodeableConcept is coded in ICD-10-AM";
    IB_00014 = "IB-00014", Binding, Error, "Claim.diagnosis.type is a code from diagnosis-type";
    IB_00012 = "IB-00012", Binding, Error, "Claim.diagnosis.onAdmission is a code from diagnosis-on-admission (y, n, u)";
    IB_00413 = "IB-00413", Binding, Error, "the diagnosis condition-onset extension is a code from condition-onset";
    IB_00007 = "IB-00007", Binding, Error, "Claim.accident.type is MVA, SCHOOL, SPT or WPA (v3-ActCode)";
    IB_00030 = "IB-00030", Binding, Error, "Claim.item.productOrService is coded in a billing code system of the claim type's value set (professional-, institutional-, dental-, pharmacy-, vision- or prescriber-billing)";
    IB_00020 = "IB-00020", Binding, Error, "Claim.item.detail.productOrService is coded in a billing code system of the claim type's value set";
    IB_00025 = "IB-00025", Binding, Error, "Claim.item.detail.subDetail.productOrService is coded in a billing code system of the claim type's value set";
    IB_00016 = "IB-00016", Binding, Error, "Claim.item.bodySite is an NPHIES body site (fdi-oral-region for oral claims)";
    IB_00033 = "IB-00033", Binding, Error, "Claim.item.subSite is an NPHIES sub-site (fdi-tooth-surface for oral claims)";
    IB_00157 = "IB-00157", Binding, Error, "a coded NPHIES extension (KSA gender, religion, pharmacist selection reason and substitute, prescribed medication) uses its value set";

    // Patient and Practitioner.
    IB_00186 = "IB-00186", Binding, Error, "Patient.gender is a code from administrative-gender";
    IB_00189 = "IB-00189", Binding, Error, "Patient.maritalStatus is a code from ksa-marital-status (v3-MaritalStatus L, D, M, U, W or UNK)";
    IB_00158 = "IB-00158", Binding, Error, "a patient, practitioner or location identifier type is from its value set (patient-identifier-type, identifier-type)";
    IB_00420 = "IB-00420", Binding, Error, "the patient occupation extension is a code from occupation";
    IB_00340 = "IB-00340", Binding, Error, "a patient identifier of type DP has the system http://nphies.sa/identifier/displacedperson";
    IB_00341 = "IB-00341", Binding, Error, "a patient identifier of type PRC has the system http://nphies.sa/identifier/iqama";
    IB_00342 = "IB-00342", Binding, Error, "a patient identifier of type PPN has the system http://nphies.sa/identifier/passportnumber";
    IB_00343 = "IB-00343", Binding, Error, "a patient identifier of type NI has the system http://nphies.sa/identifier/nationalid";
    IB_00344 = "IB-00344", Binding, Error, "a patient identifier of type VP has the system http://nphies.sa/identifier/visa";
    IB_00345 = "IB-00345", Binding, Error, "a patient identifier of type JHN has the system http://nphies.sa/identifier/healthid";
    IB_00348 = "IB-00348", Binding, Error, "a patient identifier of type BN has the system http://nphies.sa/identifier/bordernumber";
    IB_00206 = "IB-00206", Binding, Error, "Practitioner.gender is a code from administrative-gender";

    // Coverage.
    IB_00108 = "IB-00108", Binding, Error, "Coverage.status is a code from fm-status";
    IB_00109 = "IB-00109", Binding, Error, "Coverage.type is a code from the NPHIES coverage-type (EHCPOL, PUBLICPOL)";
    IB_00107 = "IB-00107", Binding, Error, "Coverage.relationship is a code from subscriber-relationship";
    IB_00101 = "IB-00101", Binding, Error, "Coverage.class.type is a code from coverage-class";
    IB_00103 = "IB-00103", Binding, Error, "Coverage.costToBeneficiary.type is a code from coverage-copay-type";

    // Organization.
    IB_00182 = "IB-00182", Binding, Error, "Organization.type is a code from organization-type";
    IB_00177 = "IB-00177", Binding, Error, "Organization.identifier.type is from organization-identifier-type (PRN, NII, NIIP), XX for a policy holder";
    IB_00422 = "IB-00422", Binding, Error, "the provider-type extension is a code from provider-type";

    // Encounter.
    IB_00136 = "IB-00136", Binding, Error, "Encounter.class is AMB, EMER, HH, IMP, SS, ALTC or VR (v3-ActCode)";
    IB_00154 = "IB-00154", Binding, Error, "Encounter.status is a code from encounter-status";
    IB_00153 = "IB-00153", Binding, Error, "Encounter.serviceType is a code from service-type";
    IB_00151 = "IB-00151", Binding, Error, "Encounter.priority is EL or EM (v3-ActPriority)";
    IB_00139 = "IB-00139", Binding, Error, "Encounter.hospitalization.admitSource is a code from admit-source";
    IB_00142 = "IB-00142", Binding, Error, "Encounter.hospitalization.reAdmission is a code from v2-0092";
    IB_00141 = "IB-00141", Binding, Error, "Encounter.hospitalization.dischargeDisposition is a code from encounter-discharge-disposition";
    IB_00416 = "IB-00416", Binding, Error, "the encounter serviceEventType extension is a code from service-event-type";
    IB_00414 = "IB-00414", Binding, Error, "the encounter emergencyArrivalCode extension is a code from emergency-arrival-code";
    IB_00412 = "IB-00412", Binding, Error, "the encounter emergencyDepartmentDisposition extension is a code from emergency-department-disposition";
    IB_00415 = "IB-00415", Binding, Error, "the encounter triageCategory extension is a code from triage-category";
    IB_00421 = "IB-00421", Binding, Error, "the hospitalization admissionSpecialty extension is an NPHIES practice (specialty) code";
    IB_00417 = "IB-00417", Binding, Error, "the hospitalization dischargeSpecialty extension is an NPHIES practice (specialty) code";
    IB_00419 = "IB-00419", Binding, Error, "the hospitalization intendedLengthOfStay extension is a code from intended-length-of-stay";

    // CoverageEligibilityRequest and Location.
    IB_00117 = "IB-00117", Binding, Error, "CoverageEligibilityRequest.priority is a code from processpriority";
    IB_00118 = "IB-00118", Binding, Error, "CoverageEligibilityRequest.purpose codes are from eligibilityrequest-purpose";
    IB_00167 = "IB-00167", Binding, Error, "Location.status is a code from location-status";

    // Extensible bindings.
    IB_00241 = "IB-00241", Binding, Warning, "an identifier type outside identifier-type where the binding is extensible (Claim, Coverage, Encounter, CoverageEligibilityRequest identifiers)";
}
