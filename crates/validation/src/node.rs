//! Reading JSON the way the checks need it: tolerant of wrong types (a wrong type is some other
//! rule's finding, never a panic here), with FHIR decimals and dates.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashMap;
use std::str::FromStr;

pub const EVENT_SYSTEM: &str = "http://nphies.sa/terminology/CodeSystem/ksa-message-events";
pub const CLAIM_TYPE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/claim-type";
pub const CLAIM_SUBTYPE_SYSTEM: &str = "http://nphies.sa/terminology/CodeSystem/claim-subtype";
pub const STRUCTURE_DEFINITION: &str = "http://nphies.sa/fhir/ksa/nphies-fs/StructureDefinition/";

/// `value[key]` as a string.
pub fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// `value[key]` as an array; empty when absent or not an array.
pub fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The code of the first coding from `system` in a CodeableConcept.
pub fn code_in<'a>(concept: &'a Value, system: &str) -> Option<&'a str> {
    list(concept, "coding")
        .iter()
        .find(|c| text(c, "system") == Some(system))
        .and_then(|c| text(c, "code"))
}

/// The code of the first coding with a code, whatever its system.
pub fn any_code(concept: &Value) -> Option<&str> {
    list(concept, "coding").iter().find_map(|c| text(c, "code"))
}

/// A JSON number as an exact decimal (through its shortest text, never f64 arithmetic).
pub fn decimal(value: &Value) -> Option<Decimal> {
    let number = value.as_number()?;
    if let Some(i) = number.as_i64() {
        return Some(Decimal::from(i));
    }
    if let Some(u) = number.as_u64() {
        return Some(Decimal::from(u));
    }
    let text = number.to_string();
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}

/// 32 hex digits in the 8-4-4-4-12 pattern.
pub fn is_guid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

pub fn is_url(text: &str) -> bool {
    (text.starts_with("http://") || text.starts_with("https://"))
        && text.len() > "https://".len()
        && !text.chars().any(char::is_whitespace)
}

/// A FHIR `date` (YYYY-MM-DD). Partial dates (YYYY, YYYY-MM) are valid FHIR but NPHIES asks for
/// full dates, so they do not parse here.
pub fn date(text: &str) -> Option<NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A FHIR `dateTime` with time and zone, or a full date.
pub fn date_or_time(text: &str) -> Option<DateOrTime> {
    if let Some(d) = date(text) {
        return Some(DateOrTime::Date(d));
    }
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(DateOrTime::Time)
}

#[derive(Debug, Clone, Copy)]
pub enum DateOrTime {
    Date(NaiveDate),
    Time(DateTime<FixedOffset>),
}

impl DateOrTime {
    /// The calendar day, in the value's own zone.
    pub fn day(self) -> NaiveDate {
        match self {
            DateOrTime::Date(d) => d,
            DateOrTime::Time(t) => t.date_naive(),
        }
    }
}

/// The entries of a bundle, found by the references that point at them.
pub struct Entries<'a> {
    pub resources: Vec<Option<&'a Value>>,
    by_url: HashMap<&'a str, usize>,
    by_type_id: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> Entries<'a> {
    pub fn new(bundle: &'a Value) -> Self {
        let entries = list(bundle, "entry");
        let mut by_url = HashMap::with_capacity(entries.len());
        let mut by_type_id = HashMap::with_capacity(entries.len());
        let mut resources = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            if let Some(url) = text(entry, "fullUrl") {
                by_url.entry(url).or_insert(i);
            }
            let resource = entry.get("resource").filter(|r| r.is_object());
            if let Some(r) = resource
                && let (Some(kind), Some(id)) = (text(r, "resourceType"), text(r, "id"))
            {
                by_type_id.entry((kind, id)).or_insert(i);
            }
            resources.push(resource);
        }
        Entries {
            resources,
            by_url,
            by_type_id,
        }
    }

    /// The entry a literal reference points at: its `fullUrl`, or `Type/id` (relative, or the
    /// last two segments of an absolute URL).
    pub fn resolve(&self, reference: &str) -> Option<usize> {
        if let Some(&i) = self.by_url.get(reference) {
            return Some(i);
        }
        let mut segments = reference.rsplit('/');
        let id = segments.next()?;
        let kind = segments.next()?;
        self.by_type_id.get(&(kind, id)).copied()
    }

    /// The resource a Reference element points at.
    pub fn target(&self, reference: &Value) -> Option<(usize, &'a Value)> {
        let i = self.resolve(text(reference, "reference")?)?;
        Some((i, self.resources.get(i).copied().flatten()?))
    }

    /// Indexes and resources of one type.
    pub fn of_type<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = (usize, &'a Value)> + 's {
        self.resources.iter().enumerate().filter_map(move |(i, r)| {
            r.filter(|r| text(r, "resourceType") == Some(kind))
                .map(|r| (i, r))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(decimal(&json!(121.9)), Some(Decimal::new(1219, 1)));
        assert_eq!(decimal(&json!(15)), Some(Decimal::from(15)));
        assert_eq!(decimal(&json!("15")), None);
    }

    #[test]
    fn guids() {
        assert!(is_guid("9004205a-65cc-4b97-af94-a04cb5e96260"));
        assert!(!is_guid("9004205a65cc4b97af94a04cb5e96260"));
        assert!(!is_guid("9004205a-65cc-4b97-af94-a04cb5e9626g"));
    }

    #[test]
    fn dates() {
        assert!(date("2022-02-05").is_some());
        assert!(date("2022-02").is_none());
        assert!(date("2022-02-30").is_none());
        assert!(matches!(
            date_or_time("2021-06-30T11:05:48+03:00"),
            Some(DateOrTime::Time(_))
        ));
        assert!(date_or_time("2021-06-30T11:05:48").is_none());
    }
}
