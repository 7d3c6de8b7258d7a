//! Patient rules: identifiers and birth date. Messages name the rule, never the value (PHI).

use crate::catalogue::*;
use crate::node::{Entries, date, date_or_time, list, text};
use crate::{Context, Findings};
use chrono::NaiveDate;
use serde_json::Value;

fn ten_digits_starting_with(value: &str, first: u8) -> bool {
    value.len() == 10 && value.as_bytes()[0] == first && value.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn check(
    patient: &Value,
    at: &str,
    entries: &Entries,
    ctx: &Context,
    out: &mut Findings,
) {
    for (n, id) in list(patient, "identifier").iter().enumerate() {
        let here = format!("{at}.identifier[{n}]");
        let kind = id
            .get("type")
            .and_then(|t| list(t, "coding").first())
            .and_then(|c| text(c, "code"));
        let system = text(id, "system");
        let value = text(id, "value");
        if kind.is_none() || system.is_none() || value.is_none_or(|v| v.trim().is_empty()) {
            out.add(
                &CL_00014,
                here.clone(),
                "a patient identifier needs a type, a system and a value",
            );
        }
        if let Some(value) = value {
            match kind {
                Some("NI") if !ten_digits_starting_with(value, b'1') => {
                    out.add(
                        &BV_00797,
                        format!("{here}.value"),
                        "a national ID is 10 digits starting with 1",
                    );
                }
                Some("PRC") if !ten_digits_starting_with(value, b'2') => {
                    out.add(
                        &BV_00798,
                        format!("{here}.value"),
                        "an iqama number is 10 digits starting with 2",
                    );
                }
                _ => {}
            }
        }
        let passport =
            kind == Some("PPN") || system == Some("http://nphies.sa/identifier/passportnumber");
        let has_country = list(id, "extension")
            .iter()
            .any(|e| text(e, "url").is_some_and(|u| u.ends_with("/extension-identifier-country")));
        if passport && !has_country {
            out.add(
                &BV_00481,
                format!("{here}.extension"),
                "a passport number needs the issuing country (extension-identifier-country)",
            );
        }
    }

    let Some(birth) = text(patient, "birthDate") else {
        return;
    };
    let Some(birth) = date(birth) else {
        out.add(
            &CL_00013,
            format!("{at}.birthDate"),
            "birthDate must be a full date (YYYY-MM-DD)",
        );
        return;
    };
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1);
    if earliest.is_some_and(|e| birth <= e) || birth > ctx.received.date_naive() {
        out.add(
            &BV_00848,
            format!("{at}.birthDate"),
            "birthDate must be after 1900-01-01 and not in the future",
        );
    }
    // The encounters of this patient must not start before they were born.
    let id = text(patient, "id");
    for (_, encounter) in entries.of_type("Encounter") {
        let subject = encounter
            .get("subject")
            .and_then(|s| entries.target(s))
            .map(|(_, r)| r);
        let same_patient = subject.is_some_and(|s| text(s, "id") == id);
        if !same_patient {
            continue;
        }
        if let Some(start) = encounter
            .get("period")
            .and_then(|p| text(p, "start"))
            .and_then(date_or_time)
            && start.day() < birth
        {
            out.add(
                &BV_00851,
                format!("{at}.birthDate"),
                "birthDate is after the start of the patient's encounter",
            );
        }
    }
}
