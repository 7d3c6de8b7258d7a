//! Cardinality (IC) and data types (DT) per NPHIES profile.
//!
//! Each resource is checked against the profile its `meta.profile` names (a Claim without one
//! against the profile its type and use imply; an Organization by its type code); resources of
//! profiles outside the request-side table are left alone. The table in `elements/table.rs` is
//! generated from the NPHIES profile sheets by `tools/elements/generate.py`.
//!
//! For each element of the profile: a required element missing (absent, `null` or `[]`) is an
//! IC finding at its path, as is a repeating element with more entries than the profile allows
//! or a single element given as a list; a value of the wrong JSON type or format is a DT
//! finding. Messages name the element and the profile, never the value (it may be patient data).
//!
//! Speed: each object is read in one pass over its keys (no lookup per element), data types
//! are checked in one pass over their fields, and one path buffer is extended only when a
//! finding is reported or a backbone element is entered: nothing is allocated but findings.

#[path = "elements/table.rs"]
mod table;

use crate::node::{CLAIM_TYPE_SYSTEM, Entries, STRUCTURE_DEFINITION, code_in, list, text};
use crate::{Context, Findings, Rule};
use chrono::{DateTime, NaiveDate};
use serde_json::{Map, Value};

/// A request-side NPHIES profile and the elements checked in it.
struct Profile {
    /// The id in `meta.profile`, e.g. `professional-claim`.
    name: &'static str,
    resource: &'static str,
    /// At most 64 per level (the generator checks): presence is tracked in a `u64`.
    elements: &'static [Element],
}

/// An element of a profile, with the rules that cover it.
struct Element {
    /// The JSON key (for an extension, its id).
    key: &'static str,
    /// `Resource.path` as the profile sheets write it, for messages.
    label: &'static str,
    slot: Slot,
    min: u32,
    /// The profile's maximum ([`MANY`] for `*`).
    max: u32,
    /// Whether FHIR makes the element a JSON array (whatever the profile's maximum).
    repeats: bool,
    kind: Kind,
    ic: Option<&'static Rule>,
    dt: Option<&'static Rule>,
    /// Required only when the resource has this top-level element.
    only_if: Option<&'static str>,
    /// First-level children of a backbone element.
    children: &'static [Element],
}

const MANY: u32 = u32::MAX;

/// Where an element's value sits in the JSON.
enum Slot {
    /// Under its own key.
    Field,
    /// In the `extension` array (at most once), under `value`, for the entry with this `url`.
    Extension {
        url: &'static str,
        value: &'static str,
    },
    /// In the `extension` array of a primitive's `_field` companion (`holder`).
    PrimitiveExtension {
        holder: &'static str,
        field: &'static str,
        url: &'static str,
        value: &'static str,
    },
}

/// The data types the table uses, as NPHIES profiles them (data types sheet).
#[derive(Clone, Copy)]
enum Kind {
    Backbone,
    String,
    Code,
    Uri,
    Boolean,
    PositiveInt,
    Decimal,
    Date,
    DateTime,
    Coding,
    CodeableConcept,
    Identifier,
    Reference,
    Money,
    Quantity,
    Period,
    PeriodStart,
    PeriodStartEnd,
    HumanName,
}

impl Kind {
    /// What a value of this kind must be, for messages.
    fn expected(self) -> &'static str {
        match self {
            Kind::Backbone => "a JSON object",
            Kind::String => "a non-empty string",
            Kind::Code => "a code: a non-empty string without surrounding spaces",
            Kind::Uri => "a URI: a non-empty string without spaces",
            Kind::Boolean => "true or false",
            Kind::PositiveInt => "a positive whole number",
            Kind::Decimal => "a JSON number",
            Kind::Date => "a full date (YYYY-MM-DD)",
            Kind::DateTime => {
                "a full date (YYYY-MM-DD) or a date-time with seconds and a time zone"
            }
            Kind::Coding => "a Coding: an object with a system URI and a code",
            Kind::CodeableConcept => {
                "a CodeableConcept: an object whose coding list holds codings with a system and a code"
            }
            Kind::Identifier => "an Identifier: an object whose system and value are strings",
            Kind::Reference => "a Reference: an object with a reference string or an identifier",
            Kind::Money => "a Money: an object with a numeric value and a currency code",
            Kind::Quantity => "a Quantity: an object with a numeric value",
            Kind::Period => "a Period: an object whose start and end are dates or date-times",
            Kind::PeriodStart => "a Period with a start date or date-time",
            Kind::PeriodStartEnd => "a Period with a start and an end date or date-time",
            Kind::HumanName => "a HumanName: an object whose text and family are strings",
        }
    }

    fn accepts(self, value: &Value) -> bool {
        match self {
            Kind::Backbone => value.is_object(),
            Kind::String => value.as_str().is_some_and(|s| !s.is_empty()),
            Kind::Code => value.as_str().is_some_and(is_code),
            Kind::Uri => value.as_str().is_some_and(is_uri),
            Kind::Boolean => value.is_boolean(),
            Kind::PositiveInt => value.as_u64().is_some_and(|n| n >= 1),
            Kind::Decimal => value.is_number(),
            Kind::Date => value.as_str().is_some_and(is_date),
            Kind::DateTime => value.as_str().is_some_and(is_date_time),
            Kind::Coding => value.as_object().is_some_and(is_coding),
            Kind::CodeableConcept => value.as_object().is_some_and(is_concept),
            Kind::Identifier => value.as_object().is_some_and(is_identifier),
            Kind::Reference => value.as_object().is_some_and(is_reference),
            Kind::Money => value.as_object().is_some_and(is_money),
            Kind::Quantity => value.as_object().is_some_and(is_quantity),
            Kind::Period => value
                .as_object()
                .is_some_and(|p| is_period(p, false, false)),
            Kind::PeriodStart => value.as_object().is_some_and(|p| is_period(p, true, false)),
            Kind::PeriodStartEnd => value.as_object().is_some_and(|p| is_period(p, true, true)),
            Kind::HumanName => value.as_object().is_some_and(is_human_name),
        }
    }
}

/// FHIR `code`: non-empty, no whitespace but single inner spaces.
fn is_code(text: &str) -> bool {
    if text.is_ascii() {
        let b = text.as_bytes();
        !b.is_empty()
            && b.iter().all(|&c| c == b' ' || !c.is_ascii_whitespace())
            && b.first() != Some(&b' ')
            && b.last() != Some(&b' ')
            && !b.windows(2).any(|w| w == b"  ")
    } else {
        !text.is_empty() && text.trim() == text && !text.contains("  ")
    }
}

/// FHIR `uri`: non-empty, no whitespace. ASCII text (nearly every URI) is scanned by byte,
/// without an early exit so that the loop vectorises; control characters count as spaces.
fn is_uri(text: &str) -> bool {
    let (mut space, mut ascii) = (false, true);
    for &b in text.as_bytes() {
        space |= b <= b' ';
        ascii &= b.is_ascii();
    }
    if ascii {
        !text.is_empty() && !space
    } else {
        !text.chars().any(|c| c.is_whitespace() || c.is_control())
    }
}

fn is_string(value: &Value) -> bool {
    value.as_str().is_some_and(|s| !s.is_empty())
}

/// A full date, `YYYY-MM-DD`, that exists in the calendar.
fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(y), Some(m), Some(d)) => {
            i32::try_from(y).is_ok_and(|y| NaiveDate::from_ymd_opt(y, m, d).is_some())
        }
        _ => false,
    }
}

/// A full date, or a date-time with `T`, seconds and a time zone.
fn is_date_time(text: &str) -> bool {
    if text.len() == 10 {
        return is_date(text);
    }
    text.get(..10).is_some_and(is_date)
        && text.as_bytes().get(10) == Some(&b'T')
        && DateTime::parse_from_rfc3339(text).is_ok()
}

fn is_coding(coding: &Map<String, Value>) -> bool {
    let (mut system, mut code) = (false, false);
    for (key, value) in coding {
        match key.as_str() {
            "system" => system = Kind::Uri.accepts(value),
            "code" => code = Kind::Code.accepts(value),
            _ => {}
        }
    }
    system && code
}

fn is_concept(concept: &Map<String, Value>) -> bool {
    let mut coded = false;
    for (key, value) in concept {
        match key.as_str() {
            "coding" => match value.as_array() {
                Some(codings) if !codings.is_empty() => {
                    if !codings.iter().all(|c| c.as_object().is_some_and(is_coding)) {
                        return false;
                    }
                    coded = true;
                }
                _ => return false,
            },
            "text" if !is_string(value) => return false,
            _ => {}
        }
    }
    coded
}

fn is_identifier(identifier: &Map<String, Value>) -> bool {
    identifier.iter().all(|(key, value)| match key.as_str() {
        "system" => Kind::Uri.accepts(value),
        "value" => is_string(value),
        _ => true,
    })
}

fn is_reference(reference: &Map<String, Value>) -> bool {
    let mut points = false;
    for (key, value) in reference {
        let valid = match key.as_str() {
            "reference" => is_string(value),
            "identifier" => value.as_object().is_some_and(is_identifier),
            "type" => Kind::Uri.accepts(value),
            _ => continue,
        };
        if !valid {
            return false;
        }
        points |= key != "type";
    }
    points
}

fn is_money(money: &Map<String, Value>) -> bool {
    let (mut amount, mut currency) = (false, false);
    for (key, value) in money {
        match key.as_str() {
            "value" => amount = value.is_number(),
            "currency" => currency = Kind::Code.accepts(value),
            _ => {}
        }
    }
    amount && currency
}

fn is_quantity(quantity: &Map<String, Value>) -> bool {
    let mut amount = false;
    for (key, value) in quantity {
        let valid = match key.as_str() {
            "value" => {
                amount = value.is_number();
                amount
            }
            "unit" => is_string(value),
            "system" => Kind::Uri.accepts(value),
            "code" => Kind::Code.accepts(value),
            _ => true,
        };
        if !valid {
            return false;
        }
    }
    amount
}

fn is_period(period: &Map<String, Value>, start_required: bool, end_required: bool) -> bool {
    let (mut start, mut end) = (false, false);
    for (key, value) in period {
        match key.as_str() {
            "start" => start = true,
            "end" => end = true,
            _ => continue,
        }
        if !Kind::DateTime.accepts(value) {
            return false;
        }
    }
    (start || !start_required) && (end || !end_required)
}

fn is_human_name(name: &Map<String, Value>) -> bool {
    name.iter().all(|(key, value)| match key.as_str() {
        "text" | "family" => is_string(value),
        _ => true,
    })
}

/// Whether a value counts as given: not `null`, not an empty list.
fn given(value: &Value) -> bool {
    !value.is_null() && value.as_array().is_none_or(|items| !items.is_empty())
}

fn push_key(path: &mut String, key: &str) {
    path.push('.');
    path.push_str(key);
}

/// Appends `[n]` without the formatting machinery.
fn push_index(path: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        // A single decimal digit: the cast cannot truncate.
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    path.push('[');
    path.extend(digits[at..].iter().map(|&d| char::from(d)));
    path.push(']');
}

pub(super) fn check(entries: &Entries, ctx: &Context, out: &mut Findings) {
    let _ = ctx; // Cardinality and types do not depend on the time of receipt.
    let mut path = String::with_capacity(128);
    for (i, resource) in entries.resources.iter().enumerate() {
        let Some(resource) = resource else { continue };
        let Some(profile) = profile_of(resource) else {
            continue;
        };
        path.clear();
        path.push_str("Bundle.entry");
        push_index(&mut path, i);
        path.push_str(".resource");
        let walk = Walk {
            profile,
            root: resource,
        };
        walk.object(resource, profile.elements, &mut path, out);
    }
}

/// The table profile a resource claims, or for a resource without `meta.profile` the one it
/// implies. A resource that names a profile outside the table is not checked here.
fn profile_of(resource: &Value) -> Option<&'static Profile> {
    let kind = text(resource, "resourceType")?;
    let declared = resource
        .get("meta")
        .map(|m| list(m, "profile"))
        .unwrap_or_default();
    let mut names = declared.iter().filter_map(Value::as_str).peekable();
    if names.peek().is_some() {
        return names.find_map(|url| {
            let id = url.strip_prefix(STRUCTURE_DEFINITION)?;
            let id = id.split_once('|').map_or(id, |(id, _)| id);
            table::PROFILES
                .iter()
                .find(|p| p.name == id && p.resource == kind)
        });
    }
    match kind {
        "Claim" => {
            let claim_type = resource
                .get("type")
                .and_then(|t| code_in(t, CLAIM_TYPE_SYSTEM))?;
            let suffix = match text(resource, "use")? {
                "claim" => "claim",
                "preauthorization" => "priorauth",
                _ => return None,
            };
            table::PROFILES.iter().find(|p| {
                p.resource == "Claim"
                    && p.name
                        .strip_prefix(claim_type)
                        .and_then(|rest| rest.strip_prefix('-'))
                        == Some(suffix)
            })
        }
        "Organization" => {
            let name = match list(resource, "type")
                .iter()
                .find_map(|t| code_in(t, ORGANIZATION_TYPE_SYSTEM))?
            {
                "prov" => "provider-organization",
                "ins" => "insurer-organization",
                _ => return None,
            };
            table::PROFILES.iter().find(|p| p.name == name)
        }
        _ => table::PROFILES.iter().find(|p| p.resource == kind),
    }
}

const ORGANIZATION_TYPE_SYSTEM: &str = "http://nphies.sa/terminology/CodeSystem/organization-type";

/// One resource being checked against its profile.
struct Walk<'a> {
    profile: &'static Profile,
    root: &'a Value,
}

impl Walk<'_> {
    /// Checks the elements of one object (a resource or a backbone entry) at `path`.
    fn object(&self, object: &Value, elements: &[Element], path: &mut String, out: &mut Findings) {
        let Some(map) = object.as_object() else {
            return;
        };
        // Bit i: element i was given.
        let mut seen = 0u64;
        for (key, value) in map {
            if key == "extension" {
                self.extensions(value, elements, None, &mut seen, path, out);
                continue;
            }
            for (i, element) in elements.iter().enumerate() {
                match element.slot {
                    Slot::Field if element.key == key => {
                        if given(value) {
                            seen |= 1 << i;
                            self.field(value, element, path, out);
                        }
                    }
                    Slot::PrimitiveExtension { holder, field, .. } if holder == key => {
                        let len = path.len();
                        path.push('.');
                        path.push_str(field);
                        let list = value.get("extension").unwrap_or(&Value::Null);
                        self.extensions(list, elements, Some(holder), &mut seen, path, out);
                        path.truncate(len);
                    }
                    _ => continue,
                }
                break;
            }
        }
        for (i, element) in elements.iter().enumerate() {
            if seen & (1 << i) == 0 {
                self.missing(element, path, out);
            }
        }
    }

    /// Checks an element given under its own key. The path is extended (with the key, and the
    /// index in a list) only to report a finding or to enter a backbone element.
    fn field(&self, value: &Value, element: &Element, path: &mut String, out: &mut Findings) {
        let len = path.len();
        match value.as_array() {
            Some(_) if !element.repeats => {
                if let Some(rule) = element.ic {
                    push_key(path, element.key);
                    let message = format!(
                        "{} takes a single value, not a list, in the {} profile",
                        element.label, self.profile.name
                    );
                    out.add(rule, path.as_str(), message);
                }
            }
            Some(items) => {
                if items.len() > element.max as usize
                    && let Some(rule) = element.ic
                {
                    push_key(path, element.key);
                    let message = format!(
                        "the {} profile allows at most {} {}, found {}",
                        self.profile.name,
                        element.max,
                        element.label,
                        items.len()
                    );
                    out.add(rule, path.as_str(), message);
                    path.truncate(len);
                }
                for (n, item) in items.iter().enumerate() {
                    let valid = element.kind.accepts(item);
                    if valid && element.children.is_empty() {
                        continue;
                    }
                    push_key(path, element.key);
                    push_index(path, n);
                    self.value(item, valid, element, path, out);
                    path.truncate(len);
                }
            }
            None if element.repeats => {
                if let Some(rule) = element.dt {
                    push_key(path, element.key);
                    let message = format!("{} must be a list", element.label);
                    out.add(rule, path.as_str(), message);
                }
            }
            None => {
                let valid = element.kind.accepts(value);
                if valid && element.children.is_empty() {
                    return;
                }
                push_key(path, element.key);
                self.value(value, valid, element, path, out);
            }
        }
        path.truncate(len);
    }

    /// Reports a value (one entry of a list) of the wrong type, or checks the children of a
    /// backbone element; `path` names the value.
    fn value(
        &self,
        value: &Value,
        valid: bool,
        element: &Element,
        path: &mut String,
        out: &mut Findings,
    ) {
        if !valid {
            if let Some(rule) = element.dt {
                let message = format!("{} must be {}", element.label, element.kind.expected());
                out.add(rule, path.as_str(), message);
            }
        } else if !element.children.is_empty() {
            self.object(value, element.children, path, out);
        }
    }

    /// Checks the extension slices of `elements` found in `list` (an `extension` array);
    /// `holder` selects the slices of a primitive's companion instead of the object's own.
    fn extensions(
        &self,
        list: &Value,
        elements: &[Element],
        holder: Option<&str>,
        seen: &mut u64,
        path: &mut String,
        out: &mut Findings,
    ) {
        let Some(list) = list.as_array() else {
            return;
        };
        for (n, extension) in list.iter().enumerate() {
            let Some(url) = text(extension, "url") else {
                continue;
            };
            let Some((i, element, value_key)) =
                elements.iter().enumerate().find_map(|(i, element)| {
                    match (&element.slot, holder) {
                        (Slot::Extension { url: u, value }, None) if *u == url => {
                            Some((i, element, *value))
                        }
                        (
                            Slot::PrimitiveExtension {
                                holder: h,
                                url: u,
                                value,
                                ..
                            },
                            Some(wanted),
                        ) if *h == wanted && *u == url => Some((i, element, *value)),
                        _ => None,
                    }
                })
            else {
                continue;
            };
            let len = path.len();
            path.push_str(".extension");
            push_index(path, n);
            if *seen & (1 << i) != 0 {
                // Every extension slice of the table is 0..1 or 1..1.
                if let Some(rule) = element.ic {
                    let message = format!(
                        "the {} profile allows {} once",
                        self.profile.name, element.label
                    );
                    out.add(rule, path.as_str(), message);
                }
            } else if let Some(rule) = element.dt {
                match extension.get(value_key) {
                    Some(value) if element.kind.accepts(value) => {}
                    Some(_) => {
                        path.push('.');
                        path.push_str(value_key);
                        let message =
                            format!("{} must be {}", element.label, element.kind.expected());
                        out.add(rule, path.as_str(), message);
                    }
                    None => {
                        let message = format!("{} must carry a {value_key}", element.label);
                        out.add(rule, path.as_str(), message);
                    }
                }
            }
            *seen |= 1 << i;
            path.truncate(len);
        }
    }

    /// Reports a required element that is missing; `path` is its parent's.
    fn missing(&self, element: &Element, path: &mut String, out: &mut Findings) {
        let Some(rule) = element.ic else { return };
        let required = element.min > 0
            && element
                .only_if
                .is_none_or(|key| self.root.get(key).is_some_and(given));
        if !required {
            return;
        }
        let len = path.len();
        let message = match element.slot {
            Slot::Field => {
                path.push('.');
                path.push_str(element.key);
                format!(
                    "{} is required by the {} profile",
                    element.label, self.profile.name
                )
            }
            Slot::Extension { .. } | Slot::PrimitiveExtension { .. } => {
                if let Slot::PrimitiveExtension { field, .. } = element.slot {
                    path.push('.');
                    path.push_str(field);
                }
                path.push_str(".extension");
                format!(
                    "{} ({}) is required by the {} profile",
                    element.label, element.key, self.profile.name
                )
            }
        };
        out.add(rule, path.as_str(), message);
        path.truncate(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_and_times() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-2-28"));
        assert!(!is_date("2023-02-2x"));
        assert!(is_date_time("2023-12-04"));
        assert!(is_date_time("2023-12-04T08:00:00+03:00"));
        assert!(is_date_time("2023-12-04T08:00:00.123Z"));
        assert!(!is_date_time("2023-12-04T08:00:00"));
        assert!(!is_date_time("2023-12-04 08:00:00+03:00"));
        assert!(!is_date_time("2023-12"));
    }

    #[test]
    fn complex_types() {
        let coding = json!({"system": "http://x", "code": "a"});
        assert!(Kind::Coding.accepts(&coding));
        assert!(!Kind::Coding.accepts(&json!({"code": "a"})));
        assert!(Kind::CodeableConcept.accepts(&json!({"coding": [coding], "text": "A"})));
        assert!(!Kind::CodeableConcept.accepts(&json!({"text": "A"})));
        assert!(!Kind::CodeableConcept.accepts(&json!({"coding": []})));
        assert!(Kind::Reference.accepts(&json!({"reference": "Patient/1"})));
        assert!(
            Kind::Reference.accepts(&json!({"type": "Organization", "identifier": {"value": "1"}}))
        );
        assert!(!Kind::Reference.accepts(&json!({"type": "Organization"})));
        assert!(!Kind::Reference.accepts(&json!({"reference": 1})));
        assert!(Kind::Money.accepts(&json!({"value": 0, "currency": "SAR"})));
        assert!(!Kind::Money.accepts(&json!({"value": "1", "currency": "SAR"})));
        assert!(Kind::Quantity.accepts(&json!({"value": 1.5, "code": "d"})));
        assert!(!Kind::Quantity.accepts(&json!({"unit": "d"})));
        assert!(Kind::PeriodStart.accepts(&json!({"start": "2023-01-01"})));
        assert!(!Kind::PeriodStartEnd.accepts(&json!({"start": "2023-01-01"})));
        assert!(!Kind::Period.accepts(&json!({"end": "01/01/2023"})));
        assert!(Kind::Code.accepts(&json!("fatal-error")));
        assert!(Kind::Code.accepts(&json!("not in force")));
        assert!(!Kind::Code.accepts(&json!(" ok")));
        assert!(!Kind::Code.accepts(&json!("o\tk")));
        assert!(!Kind::Code.accepts(&json!("o  k")));
        assert!(!Kind::Code.accepts(&json!("ok\u{a0}")));
        assert!(Kind::Uri.accepts(&json!("http://nphies.sa/license/payer-license")));
        assert!(!Kind::Uri.accepts(&json!("http://nphies.sa/ x")));
        assert!(!Kind::Uri.accepts(&json!("http://nphies.sa/\u{a0}x")));
        assert!(!Kind::PositiveInt.accepts(&json!(0)));
        assert!(!Kind::PositiveInt.accepts(&json!(1.0)));
    }

    #[test]
    fn profiles_are_declared_or_implied() {
        let name = |resource: Value| profile_of(&resource).map(|p| p.name);
        let declared = |url: &str| json!({"resourceType": "Claim", "meta": {"profile": [url]}});
        assert_eq!(
            name(declared(&format!(
                "{STRUCTURE_DEFINITION}oral-priorauth|1.0.0"
            ))),
            Some("oral-priorauth")
        );
        // Another profile (or another resource's) is not checked against ours.
        assert_eq!(
            name(declared(&format!(
                "{STRUCTURE_DEFINITION}encounter-auth-SS|1.0.0"
            ))),
            None
        );
        assert_eq!(
            name(declared(&format!("{STRUCTURE_DEFINITION}patient|1.0.0"))),
            None
        );
        let claim = json!({
            "resourceType": "Claim",
            "type": {"coding": [{"system": CLAIM_TYPE_SYSTEM, "code": "vision"}]},
            "use": "claim"
        });
        assert_eq!(name(claim), Some("vision-claim"));
        let organization = json!({
            "resourceType": "Organization",
            "type": [{"coding": [{"system": ORGANIZATION_TYPE_SYSTEM, "code": "ins"}]}]
        });
        assert_eq!(name(organization), Some("insurer-organization"));
        assert_eq!(name(json!({"resourceType": "Patient"})), Some("patient"));
        assert_eq!(name(json!({"resourceType": "Task"})), None);
    }

    #[test]
    fn indices() {
        for n in [0, 7, 10, 123, usize::MAX] {
            let mut path = String::from("x");
            push_index(&mut path, n);
            assert_eq!(path, format!("x[{n}]"));
        }
    }

    #[test]
    fn every_level_fits_the_presence_mask() {
        fn level(elements: &[Element]) {
            assert!(elements.len() <= 64);
            for element in elements {
                level(element.children);
                if !matches!(element.slot, Slot::Field) {
                    assert_eq!(element.max, 1, "{}", element.label);
                }
            }
        }
        for profile in table::PROFILES {
            level(profile.elements);
        }
    }
}
