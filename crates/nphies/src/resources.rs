//! The FHIR resources ClaimLinc reads from NPHIES messages.
//!
//! Only the elements we act on are named; the rest of each resource stays in `extra`, so nothing a
//! sender wrote is dropped. [`Resource`] dispatches on `resourceType` and keeps resources we do
//! not model as raw JSON.

use crate::datatypes::*;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry: Vec<BundleEntry>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Resource>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageHeader {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_coding: Option<Coding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destination: Vec<MessageDestination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<MessageSource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub focus: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<MessageResponse>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDestination {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<Reference>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<CodeableConcept>,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub claim_use: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurer: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub care_team: Vec<ClaimCareTeam>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporting_info: Vec<ClaimSupportingInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnosis: Vec<ClaimDiagnosis>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insurance: Vec<ClaimInsurance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ClaimItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Money>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimCareTeam {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualification: Option<CodeableConcept>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimSupportingInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeableConcept>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimDiagnosis {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis_codeable_concept: Option<CodeableConcept>,
    #[serde(default, rename = "type", skip_serializing_if = "Vec::is_empty")]
    pub kind: Vec<CodeableConcept>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimInsurance {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focal: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pre_auth_ref: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A billed line. Details and sub-details share this shape.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub care_team_sequence: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnosis_sequence: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub information_sequence: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_or_service: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serviced_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serviced_period: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Money>,
    #[serde(
        default,
        with = "crate::decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub factor: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net: Option<Money>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detail: Vec<ClaimItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_detail: Vec<ClaimItem>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl ClaimItem {
    /// The VAT carried by `extension-tax`, included in `net`.
    pub fn tax(&self) -> Option<&Money> {
        find_extension(&self.extension, "extension-tax").and_then(|e| e.value_money.as_ref())
    }

    /// The patient's share carried by `extension-patient-share`.
    pub fn patient_share(&self) -> Option<&Money> {
        find_extension(&self.extension, "extension-patient-share")
            .and_then(|e| e.value_money.as_ref())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub name: Vec<HumanName>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub telecom: Vec<ContactPoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriber: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payor: Vec<Reference>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    #[serde(default, rename = "type", skip_serializing_if = "Vec::is_empty")]
    pub kind: Vec<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Practitioner {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub name: Vec<HumanName>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Encounter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<Coding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managing_organization: Option<Reference>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Any resource inside a bundle entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    Bundle(Box<Bundle>),
    MessageHeader(Box<MessageHeader>),
    Claim(Box<Claim>),
    Patient(Box<Patient>),
    Coverage(Box<Coverage>),
    Organization(Box<Organization>),
    Practitioner(Box<Practitioner>),
    Encounter(Box<Encounter>),
    Location(Box<Location>),
    /// A resource type we do not model, kept whole (including its `resourceType`).
    Other(Map<String, Value>),
}

/// Where inside a resource a JSON value failed to read, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct FieldError {
    /// Dotted FHIR path relative to the value that was read, e.g. `item[0].net.value`.
    pub path: String,
    pub message: String,
}

impl FieldError {
    fn from_serde(err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = err.path().to_string();
        let message = crate::message::strip_position(err.into_inner().to_string());
        FieldError {
            path: if path == "." { String::new() } else { path },
            message,
        }
    }
}

fn typed<T: DeserializeOwned>(map: Map<String, Value>) -> Result<Box<T>, FieldError> {
    serde_path_to_error::deserialize(Value::Object(map))
        .map(Box::new)
        .map_err(FieldError::from_serde)
}

impl Resource {
    /// Reads a resource from JSON, reporting the path of the first element of the wrong type.
    pub fn from_json(value: Value) -> Result<Resource, FieldError> {
        let Value::Object(mut map) = value else {
            return Err(FieldError {
                path: String::new(),
                message: "a resource must be a JSON object".into(),
            });
        };
        let kind = match map.get("resourceType") {
            Some(Value::String(kind)) => kind.clone(),
            Some(_) => {
                return Err(FieldError {
                    path: "resourceType".into(),
                    message: "resourceType must be a string".into(),
                });
            }
            None => {
                return Err(FieldError {
                    path: "resourceType".into(),
                    message: "a resource needs a resourceType".into(),
                });
            }
        };
        if !matches!(
            kind.as_str(),
            "Bundle"
                | "MessageHeader"
                | "Claim"
                | "Patient"
                | "Coverage"
                | "Organization"
                | "Practitioner"
                | "Encounter"
                | "Location"
        ) {
            return Ok(Resource::Other(map));
        }
        map.remove("resourceType");
        Ok(match kind.as_str() {
            "Bundle" => Resource::Bundle(typed(map)?),
            "MessageHeader" => Resource::MessageHeader(typed(map)?),
            "Claim" => Resource::Claim(typed(map)?),
            "Patient" => Resource::Patient(typed(map)?),
            "Coverage" => Resource::Coverage(typed(map)?),
            "Organization" => Resource::Organization(typed(map)?),
            "Practitioner" => Resource::Practitioner(typed(map)?),
            "Encounter" => Resource::Encounter(typed(map)?),
            _ => Resource::Location(typed(map)?),
        })
    }

    pub fn resource_type(&self) -> &str {
        match self {
            Resource::Bundle(_) => "Bundle",
            Resource::MessageHeader(_) => "MessageHeader",
            Resource::Claim(_) => "Claim",
            Resource::Patient(_) => "Patient",
            Resource::Coverage(_) => "Coverage",
            Resource::Organization(_) => "Organization",
            Resource::Practitioner(_) => "Practitioner",
            Resource::Encounter(_) => "Encounter",
            Resource::Location(_) => "Location",
            Resource::Other(map) => map
                .get("resourceType")
                .and_then(Value::as_str)
                .unwrap_or("Resource"),
        }
    }

    pub fn id(&self) -> Option<&str> {
        match self {
            Resource::Bundle(r) => r.id.as_deref(),
            Resource::MessageHeader(r) => r.id.as_deref(),
            Resource::Claim(r) => r.id.as_deref(),
            Resource::Patient(r) => r.id.as_deref(),
            Resource::Coverage(r) => r.id.as_deref(),
            Resource::Organization(r) => r.id.as_deref(),
            Resource::Practitioner(r) => r.id.as_deref(),
            Resource::Encounter(r) => r.id.as_deref(),
            Resource::Location(r) => r.id.as_deref(),
            Resource::Other(map) => map.get("id").and_then(Value::as_str),
        }
    }

    fn to_json(&self) -> Result<Value, serde_json::Error> {
        let inner = match self {
            Resource::Bundle(r) => serde_json::to_value(r)?,
            Resource::MessageHeader(r) => serde_json::to_value(r)?,
            Resource::Claim(r) => serde_json::to_value(r)?,
            Resource::Patient(r) => serde_json::to_value(r)?,
            Resource::Coverage(r) => serde_json::to_value(r)?,
            Resource::Organization(r) => serde_json::to_value(r)?,
            Resource::Practitioner(r) => serde_json::to_value(r)?,
            Resource::Encounter(r) => serde_json::to_value(r)?,
            Resource::Location(r) => serde_json::to_value(r)?,
            Resource::Other(map) => return Ok(Value::Object(map.clone())),
        };
        let mut map = Map::new();
        map.insert(
            "resourceType".into(),
            Value::String(self.resource_type().into()),
        );
        if let Value::Object(fields) = inner {
            map.extend(fields);
        }
        Ok(Value::Object(map))
    }
}

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json()
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Resource::from_json(value).map_err(serde::de::Error::custom)
    }
}
