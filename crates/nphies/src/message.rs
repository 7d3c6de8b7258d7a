//! Reading a message bundle: from raw JSON to a [`Bundle`], and from a claim-bearing bundle to
//! the [`ClaimSubmission`] the rest of ClaimLinc trusts.
//!
//! This is the one place where a received message is checked enough to be stored: the event is
//! one we accept, the focal Claim and the resources it points at are inside the bundle, and the
//! facts we index (claim number, licenses, amounts, patient identifier) are present. The full
//! NPHIES rule set is the validator's job.

use crate::datatypes::*;
use crate::outcome::{IssueCode, OperationOutcome, OutcomeIssue, Severity};
use crate::resources::*;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashMap;

pub const EVENT_SYSTEM: &str = "http://nphies.sa/terminology/CodeSystem/ksa-message-events";
pub const CLAIM_TYPE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/claim-type";
pub const CLAIM_SUBTYPE_SYSTEM: &str = "http://nphies.sa/terminology/CodeSystem/claim-subtype";
pub const PROVIDER_LICENSE_SYSTEM: &str = "http://nphies.sa/license/provider-license";
pub const PAYER_LICENSE_SYSTEM: &str = "http://nphies.sa/license/payer-license";

/// One thing wrong with a received message, located by a FHIRPath expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub code: IssueCode,
    pub expression: String,
    pub message: String,
}

impl Problem {
    fn new(code: IssueCode, expression: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            code,
            expression: expression.into(),
            message: message.into(),
        }
    }
}

/// Problems as the OperationOutcome a client receives.
pub fn outcome_of(problems: &[Problem]) -> OperationOutcome {
    OperationOutcome::new(
        problems
            .iter()
            .map(|p| OutcomeIssue {
                severity: Severity::Error,
                code: p.code,
                details: None,
                diagnostics: p.message.clone(),
                expression: vec![p.expression.clone()],
            })
            .collect(),
    )
}

/// Reads a Bundle from JSON. A value of the wrong type is reported with its full path, such as
/// `Bundle.entry[1].resource.total.value`.
pub fn parse_bundle(value: Value) -> Result<Bundle, Problem> {
    let structure = |path: String, message: String| {
        let expression = if path.is_empty() {
            "Bundle".to_owned()
        } else {
            format!("Bundle.{path}")
        };
        Problem::new(IssueCode::Structure, expression, message)
    };
    let Value::Object(mut map) = value else {
        return Err(structure(
            String::new(),
            "the body must be a JSON object".into(),
        ));
    };
    match map.get("resourceType") {
        Some(Value::String(kind)) if kind == "Bundle" => {}
        Some(Value::String(kind)) => {
            return Err(Problem::new(
                IssueCode::NotSupported,
                "Bundle.resourceType",
                format!("expected a Bundle, got a {kind}"),
            ));
        }
        _ => {
            return Err(structure(
                "resourceType".into(),
                "resourceType must be \"Bundle\"".into(),
            ));
        }
    }
    let entries = match map.remove("entry") {
        None => Vec::new(),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err(structure("entry".into(), "entry must be an array".into())),
    };
    map.remove("resourceType");
    let mut bundle: Bundle = serde_path_to_error::deserialize(Value::Object(map)).map_err(|e| {
        let path = e.path().to_string();
        structure(path, strip_position(e.into_inner().to_string()))
    })?;
    for (i, entry) in entries.into_iter().enumerate() {
        let Value::Object(mut entry) = entry else {
            return Err(structure(
                format!("entry[{i}]"),
                "an entry must be an object".into(),
            ));
        };
        let resource = entry.remove("resource");
        let mut parsed: BundleEntry = serde_path_to_error::deserialize(Value::Object(entry))
            .map_err(|e| {
                let path = format!("entry[{i}].{}", e.path());
                structure(path, strip_position(e.into_inner().to_string()))
            })?;
        if let Some(resource) = resource {
            let resource = Resource::from_json(resource).map_err(|e| {
                let path = if e.path.is_empty() {
                    format!("entry[{i}].resource")
                } else {
                    format!("entry[{i}].resource.{}", e.path)
                };
                structure(path, e.message)
            })?;
            parsed.resource = Some(resource);
        }
        bundle.entry.push(parsed);
    }
    Ok(bundle)
}

/// A serde message made fit to show: without the meaningless position, and without the quoted
/// input (serde quotes the offending value, which may be a patient's name or identifier).
pub(crate) fn strip_position(message: String) -> String {
    let message = match message.find(" at line ") {
        Some(cut) => &message[..cut],
        None => message.as_str(),
    };
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

/// `Claim.use`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimUse {
    Claim,
    Preauthorization,
    Predetermination,
}

impl ClaimUse {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "claim" => Some(ClaimUse::Claim),
            "preauthorization" => Some(ClaimUse::Preauthorization),
            "predetermination" => Some(ClaimUse::Predetermination),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimUse::Claim => "claim",
            ClaimUse::Preauthorization => "preauthorization",
            ClaimUse::Predetermination => "predetermination",
        }
    }
}

/// `Claim.type`: the five NPHIES claim types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimType {
    Institutional,
    Professional,
    Pharmacy,
    Oral,
    Vision,
}

impl ClaimType {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "institutional" => Some(ClaimType::Institutional),
            "professional" => Some(ClaimType::Professional),
            "pharmacy" => Some(ClaimType::Pharmacy),
            "oral" => Some(ClaimType::Oral),
            "vision" => Some(ClaimType::Vision),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimType::Institutional => "institutional",
            ClaimType::Professional => "professional",
            ClaimType::Pharmacy => "pharmacy",
            ClaimType::Oral => "oral",
            ClaimType::Vision => "vision",
        }
    }
}

/// The message events whose focus is a Claim that ClaimLinc stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimEvent {
    ClaimRequest,
    PriorAuthRequest,
}

impl ClaimEvent {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "claim-request" => Some(ClaimEvent::ClaimRequest),
            "priorauth-request" => Some(ClaimEvent::PriorAuthRequest),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimEvent::ClaimRequest => "claim-request",
            ClaimEvent::PriorAuthRequest => "priorauth-request",
        }
    }
}

/// The patient a claim is for, as the bundle describes them. This is PHI.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientRecord {
    pub identifier_system: String,
    pub identifier_value: String,
    /// `Identifier.type` code: NI (national ID), PRC (iqama), PPN (passport), BN, ...
    pub identifier_type: Option<String>,
    pub name_en: Option<String>,
    pub name_ar: Option<String>,
    pub birth_date: Option<String>,
    pub gender: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
}

/// One billed line of the claim.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimLine {
    /// Unique within the claim, at most `i32::MAX` (checked on reading).
    pub sequence: i32,
    pub service_system: Option<String>,
    pub service_code: Option<String>,
    pub service_display: Option<String>,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub factor: Option<Decimal>,
    pub tax: Option<Decimal>,
    pub patient_share: Option<Decimal>,
    pub net: Option<Decimal>,
    /// `servicedDate`, or the start of `servicedPeriod`.
    pub serviced: Option<String>,
}

/// A claim or prior-authorization request, read from its message bundle: the facts ClaimLinc
/// stores and indexes.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimSubmission {
    /// `Bundle.id`: the submission id, and the idempotency key of the request.
    pub bundle_id: String,
    pub event: ClaimEvent,
    pub claim_system: Option<String>,
    /// The Claim's business identifier value.
    pub claim_number: String,
    pub claim_use: ClaimUse,
    pub claim_type: ClaimType,
    pub sub_type: Option<String>,
    pub provider_license: String,
    pub payer_license: String,
    /// The reference to the Encounter, as written in `extension-encounter`.
    pub encounter: Option<String>,
    pub total: Decimal,
    pub currency: String,
    pub items: Vec<ClaimLine>,
    pub patient: PatientRecord,
}

/// Finds resources in a bundle by the references that point at them.
pub struct BundleIndex<'a> {
    bundle: &'a Bundle,
    by_url: HashMap<&'a str, usize>,
    by_type_id: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> BundleIndex<'a> {
    pub fn new(bundle: &'a Bundle) -> Self {
        let mut by_url = HashMap::new();
        let mut by_type_id = HashMap::new();
        for (i, entry) in bundle.entry.iter().enumerate() {
            if let Some(url) = entry.full_url.as_deref() {
                by_url.entry(url).or_insert(i);
            }
            if let Some(resource) = &entry.resource
                && let Some(id) = resource.id()
            {
                by_type_id
                    .entry((resource.resource_type(), id))
                    .or_insert(i);
            }
        }
        BundleIndex {
            bundle,
            by_url,
            by_type_id,
        }
    }

    /// The entry index a literal reference points at: the entry's `fullUrl`, or `Type/id`
    /// (relative, or as the last two segments of an absolute URL).
    pub fn resolve(&self, reference: &str) -> Option<usize> {
        if let Some(&i) = self.by_url.get(reference) {
            return Some(i);
        }
        let mut segments = reference.rsplit('/');
        let id = segments.next()?;
        let kind = segments.next()?;
        self.by_type_id.get(&(kind, id)).copied()
    }

    pub fn resource(&self, index: usize) -> Option<&'a Resource> {
        self.bundle
            .entry
            .get(index)
            .and_then(|e| e.resource.as_ref())
    }
}

impl ClaimSubmission {
    /// Reads the claim a `claim-request` or `priorauth-request` bundle carries. Every problem
    /// found is returned, each with the path of the element at fault.
    pub fn from_bundle(bundle: &Bundle) -> Result<ClaimSubmission, Vec<Problem>> {
        let mut problems = Vec::new();
        if bundle.kind.as_deref() != Some("message") {
            problems.push(Problem::new(
                IssueCode::Value,
                "Bundle.type",
                "an NPHIES message bundle must have type \"message\"",
            ));
        }
        let bundle_id = bundle
            .id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if bundle_id.is_none() {
            problems.push(Problem::new(
                IssueCode::Required,
                "Bundle.id",
                "the bundle needs an id: it identifies the submission",
            ));
        }
        let header = match bundle.entry.first().and_then(|e| e.resource.as_ref()) {
            Some(Resource::MessageHeader(h)) => h,
            _ => {
                problems.push(Problem::new(
                    IssueCode::Structure,
                    "Bundle.entry[0].resource",
                    "the first entry of a message bundle must be its MessageHeader",
                ));
                return Err(problems);
            }
        };
        let event_code = header.event_coding.as_ref().and_then(|c| c.code.as_deref());
        let event = match event_code {
            Some(code) => match ClaimEvent::parse(code) {
                Some(event) => Some(event),
                None => {
                    problems.push(Problem::new(
                        IssueCode::NotSupported,
                        "Bundle.entry[0].resource.eventCoding.code",
                        format!(
                            "event \"{code}\" is not accepted here: POST /claims takes \
                             claim-request and priorauth-request messages"
                        ),
                    ));
                    None
                }
            },
            None => {
                problems.push(Problem::new(
                    IssueCode::Required,
                    "Bundle.entry[0].resource.eventCoding",
                    "the MessageHeader needs an eventCoding",
                ));
                None
            }
        };
        let index = BundleIndex::new(bundle);
        let claim_at = header
            .focus
            .first()
            .and_then(|f| f.reference.as_deref())
            .and_then(|r| index.resolve(r))
            .filter(|&i| matches!(index.resource(i), Some(Resource::Claim(_))))
            .or_else(|| {
                bundle
                    .entry
                    .iter()
                    .position(|e| matches!(e.resource, Some(Resource::Claim(_))))
            });
        let (claim_at, claim) = match claim_at.map(|i| (i, index.resource(i))) {
            Some((i, Some(Resource::Claim(claim)))) => (i, claim),
            _ => {
                problems.push(Problem::new(
                    IssueCode::Required,
                    "Bundle.entry",
                    "the message carries no Claim",
                ));
                return Err(problems);
            }
        };
        let at = |path: &str| format!("Bundle.entry[{claim_at}].resource.{path}");

        let identifier = claim
            .identifier
            .iter()
            .find(|i| i.value.as_deref().is_some_and(|v| !v.trim().is_empty()));
        if identifier.is_none() {
            problems.push(Problem::new(
                IssueCode::Required,
                at("identifier"),
                "the Claim needs a business identifier with a value (the claim number)",
            ));
        }
        let claim_use = match claim.claim_use.as_deref() {
            Some(code) => {
                let parsed = ClaimUse::parse(code);
                if parsed.is_none() {
                    problems.push(Problem::new(
                        IssueCode::CodeInvalid,
                        at("use"),
                        format!(
                            "\"{code}\" is not a claim use (claim, preauthorization, predetermination)"
                        ),
                    ));
                }
                parsed
            }
            None => {
                problems.push(Problem::new(
                    IssueCode::Required,
                    at("use"),
                    "Claim.use is required",
                ));
                None
            }
        };
        let type_code = claim.kind.as_ref().and_then(|t| {
            t.code_in(CLAIM_TYPE_SYSTEM)
                .or_else(|| t.first_coding().and_then(|c| c.code.as_deref()))
        });
        let claim_type = match type_code {
            Some(code) => {
                let parsed = ClaimType::parse(code);
                if parsed.is_none() {
                    problems.push(Problem::new(
                        IssueCode::CodeInvalid,
                        at("type"),
                        format!(
                            "\"{code}\" is not an NPHIES claim type (institutional, professional, \
                             pharmacy, oral, vision)"
                        ),
                    ));
                }
                parsed
            }
            None => {
                problems.push(Problem::new(
                    IssueCode::Required,
                    at("type"),
                    "Claim.type is required",
                ));
                None
            }
        };
        let sub_type = claim.sub_type.as_ref().and_then(|t| {
            t.code_in(CLAIM_SUBTYPE_SYSTEM)
                .or_else(|| t.first_coding().and_then(|c| c.code.as_deref()))
                .map(str::to_owned)
        });
        let (total, currency) = match &claim.total {
            Some(Money {
                value: Some(value),
                currency: Some(currency),
                ..
            }) => (Some(*value), Some(currency.clone())),
            Some(Money { value: None, .. }) => {
                problems.push(Problem::new(
                    IssueCode::Required,
                    at("total.value"),
                    "Claim.total needs a value",
                ));
                (None, None)
            }
            Some(_) => {
                problems.push(Problem::new(
                    IssueCode::Required,
                    at("total.currency"),
                    "Claim.total needs a currency",
                ));
                (None, None)
            }
            None => {
                problems.push(Problem::new(
                    IssueCode::Required,
                    at("total"),
                    "Claim.total is required",
                ));
                (None, None)
            }
        };

        let provider_license = license_of(
            &index,
            claim.provider.as_ref(),
            PROVIDER_LICENSE_SYSTEM,
            header.sender.as_ref(),
        );
        if provider_license.is_none() {
            problems.push(Problem::new(
                IssueCode::Required,
                at("provider"),
                "no provider license: the provider Organization (or MessageHeader.sender) needs \
                 an identifier in http://nphies.sa/license/provider-license",
            ));
        }
        let receiver = header.destination.first().and_then(|d| d.receiver.as_ref());
        let payer_license = license_of(
            &index,
            claim.insurer.as_ref(),
            PAYER_LICENSE_SYSTEM,
            receiver,
        );
        if payer_license.is_none() {
            problems.push(Problem::new(
                IssueCode::Required,
                at("insurer"),
                "no payer license: the insurer Organization (or MessageHeader.destination.receiver) \
                 needs an identifier in http://nphies.sa/license/payer-license",
            ));
        }

        let patient = read_patient(&index, claim, &at, &mut problems);
        let encounter = find_extension(&claim.extension, "extension-encounter")
            .and_then(|e| e.value_reference.as_ref())
            .and_then(|r| r.reference.clone());
        if claim.item.is_empty() {
            problems.push(Problem::new(
                IssueCode::Required,
                at("item"),
                "the Claim has no items",
            ));
        }
        let mut items: Vec<ClaimLine> = Vec::with_capacity(claim.item.len());
        for (i, item) in claim.item.iter().enumerate() {
            let sequence = match item.sequence.map(i32::try_from) {
                Some(Ok(sequence)) if sequence > 0 => sequence,
                Some(_) => {
                    problems.push(Problem::new(
                        IssueCode::Value,
                        at(&format!("item[{i}].sequence")),
                        "an item sequence is a positive integer below 2147483648",
                    ));
                    continue;
                }
                None => {
                    problems.push(Problem::new(
                        IssueCode::Required,
                        at(&format!("item[{i}].sequence")),
                        "every item needs a sequence",
                    ));
                    continue;
                }
            };
            if items.iter().any(|line| line.sequence == sequence) {
                problems.push(Problem::new(
                    IssueCode::Invariant,
                    at(&format!("item[{i}].sequence")),
                    format!("item sequence {sequence} is used twice: sequences must be unique"),
                ));
                continue;
            }
            let service = item
                .product_or_service
                .as_ref()
                .and_then(|p| p.first_coding());
            items.push(ClaimLine {
                sequence,
                service_system: service.and_then(|c| c.system.clone()),
                service_code: service.and_then(|c| c.code.clone()),
                service_display: service.and_then(|c| c.display.clone()),
                quantity: item.quantity.as_ref().and_then(|q| q.value),
                unit_price: item.unit_price.as_ref().and_then(|m| m.value),
                factor: item.factor,
                tax: item.tax().and_then(|m| m.value),
                patient_share: item.patient_share().and_then(|m| m.value),
                net: item.net.as_ref().and_then(|m| m.value),
                serviced: item
                    .serviced_date
                    .clone()
                    .or_else(|| item.serviced_period.as_ref().and_then(|p| p.start.clone())),
            });
        }

        match (
            problems.is_empty(),
            bundle_id,
            event,
            identifier.and_then(|i| i.value.as_deref()),
            claim_use,
            claim_type,
            provider_license,
            payer_license,
            total,
            currency,
            patient,
        ) {
            (
                true,
                Some(bundle_id),
                Some(event),
                Some(number),
                Some(claim_use),
                Some(claim_type),
                Some(provider_license),
                Some(payer_license),
                Some(total),
                Some(currency),
                Some(patient),
            ) => Ok(ClaimSubmission {
                bundle_id: bundle_id.to_owned(),
                event,
                claim_system: identifier.and_then(|i| i.system.clone()),
                claim_number: number.trim().to_owned(),
                claim_use,
                claim_type,
                sub_type,
                provider_license,
                payer_license,
                encounter,
                total,
                currency,
                items,
                patient,
            }),
            _ => Err(problems),
        }
    }
}

/// A license number: from the identifier of the Organization the claim references, else from the
/// MessageHeader's sender or receiver.
fn license_of(
    index: &BundleIndex,
    reference: Option<&Reference>,
    system: &str,
    header_party: Option<&Reference>,
) -> Option<String> {
    let license_in = |ids: &[Identifier]| {
        ids.iter()
            .find(|i| i.system.as_deref() == Some(system))
            .and_then(|i| i.value.as_deref())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let from_org = reference
        .and_then(|r| r.reference.as_deref())
        .and_then(|r| index.resolve(r))
        .and_then(|i| match index.resource(i) {
            Some(Resource::Organization(org)) => license_in(&org.identifier),
            _ => None,
        });
    let from_identifier = || {
        reference
            .and_then(|r| r.identifier.as_ref())
            .and_then(|i| license_in(std::slice::from_ref(i)))
    };
    let from_header = || {
        header_party
            .and_then(|p| p.identifier.as_ref())
            .and_then(|i| license_in(std::slice::from_ref(i)))
    };
    from_org.or_else(from_identifier).or_else(from_header)
}

fn read_patient(
    index: &BundleIndex,
    claim: &Claim,
    at: &dyn Fn(&str) -> String,
    problems: &mut Vec<Problem>,
) -> Option<PatientRecord> {
    let Some(reference) = claim.patient.as_ref().and_then(|p| p.reference.as_deref()) else {
        problems.push(Problem::new(
            IssueCode::Required,
            at("patient"),
            "the Claim must reference its Patient",
        ));
        return None;
    };
    let patient = match index.resolve(reference).and_then(|i| index.resource(i)) {
        Some(Resource::Patient(p)) => p,
        _ => {
            problems.push(Problem::new(
                IssueCode::NotFound,
                at("patient.reference"),
                "the referenced Patient is not in the bundle",
            ));
            return None;
        }
    };
    let identifier = patient.identifier.iter().find(|i| {
        i.system.as_deref().is_some_and(|s| !s.is_empty())
            && i.value.as_deref().is_some_and(|v| !v.trim().is_empty())
    });
    let Some(identifier) = identifier else {
        problems.push(Problem::new(
            IssueCode::Required,
            at("patient"),
            "the Patient needs an identifier with a system and a value",
        ));
        return None;
    };
    let mut name_en = None;
    let mut name_ar = None;
    for name in &patient.name {
        if let Some(text) = name.display() {
            let slot = if is_arabic(&text) {
                &mut name_ar
            } else {
                &mut name_en
            };
            if slot.is_none() {
                *slot = Some(text);
            }
        }
    }
    let contact = |system: &str| {
        patient
            .telecom
            .iter()
            .find(|t| t.system.as_deref() == Some(system))
            .and_then(|t| t.value.clone())
    };
    Some(PatientRecord {
        identifier_system: identifier.system.clone().unwrap_or_default(),
        identifier_value: identifier
            .value
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_owned(),
        identifier_type: identifier
            .kind
            .as_ref()
            .and_then(|k| k.first_coding())
            .and_then(|c| c.code.clone()),
        name_en,
        name_ar,
        birth_date: patient.birth_date.clone(),
        gender: patient.gender.clone(),
        mobile: contact("phone"),
        email: contact("email"),
    })
}

/// True when the text is mostly written in Arabic script.
fn is_arabic(text: &str) -> bool {
    let (arabic, letters) = text
        .chars()
        .filter(|c| c.is_alphabetic())
        .fold((0usize, 0usize), |(a, n), c| {
            let is_ar = matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF);
            (a + usize::from(is_ar), n + 1)
        });
    letters > 0 && arabic * 2 >= letters
}

/// The canonical text of a JSON value: object keys sorted, no insignificant white space. Two
/// bundles with the same content have the same canonical text, whatever their formatting or key
/// order. Keys are sorted here rather than trusting `Map`'s order, which a dependency could change
/// by enabling serde_json's `preserve_order`.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (n, key) in keys.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}
