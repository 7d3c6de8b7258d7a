#!/usr/bin/env python3
"""Generates the NPHIES element table: cardinality (IC) and data type (DT) rules per profile.

Reads the NPHIES profiles workbook (v5.2, one CSV per sheet) and the validation-rule workbook
(v2.6) and writes two committed Rust files:

* crates/validation/src/rules/elements/table.rs  - the profiles and their elements
* crates/validation/src/catalogue/elements.rs    - the IC-/DT- rules those elements cite

Regenerate from the repository root, then format:

    python3 crates/validation/tools/elements/generate.py \
        --reference /work/shared/reference/nphies
    rustfmt --edition 2024 crates/validation/src/rules/elements/table.rs \
        crates/validation/src/catalogue/elements.rs

Only the elements listed in SELECT are covered: the top-level elements of each request-side
profile and the first-level children of its backbone elements, plus the required extensions.
Cardinalities come from the profile sheets; rule ids from the workbook row whose
"Rule Related Message/Resource/Element" names the element (deactivated rules are skipped).
The few places where the sheets are wrong or silent are corrected below, each with its reason.
"""

import argparse
import csv
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[4]
TABLE = ROOT / "crates/validation/src/rules/elements/table.rs"
CATALOGUE = ROOT / "crates/validation/src/catalogue/elements.rs"

BASE = "http://nphies.sa/fhir/ksa/nphies-fs/StructureDefinition/"

# (profile id as in meta.profile, resource type, sheet)
PROFILES = [
    ("message-header", "MessageHeader", "messageheader"),
    ("institutional-claim", "Claim", "claim-institutional"),
    ("professional-claim", "Claim", "claim-professional"),
    ("pharmacy-claim", "Claim", "claim-pharmacy"),
    ("oral-claim", "Claim", "claim-dental"),
    ("vision-claim", "Claim", "claim-vision"),
    ("institutional-priorauth", "Claim", "authorization-institutional"),
    ("professional-priorauth", "Claim", "authorization-professional"),
    ("pharmacy-priorauth", "Claim", "authorization-pharmacy"),
    ("oral-priorauth", "Claim", "authorization-dental"),
    ("vision-priorauth", "Claim", "authorization-vision"),
    ("eligibility-request", "CoverageEligibilityRequest", "eligibility-request"),
    ("patient", "Patient", "patient"),
    ("coverage", "Coverage", "coverage"),
    ("provider-organization", "Organization", "organization-provider"),
    ("insurer-organization", "Organization", "organization-payer"),
    ("practitioner", "Practitioner", "practitioner"),
    ("encounter", "Encounter", "encounter"),
    ("location", "Location", "location-department"),
]

# Elements covered, per resource type: resource-relative path as in the sheets, and options:
#   dt=False / ic=False: do not check that rule, because another module's rule already reports
#     every such fault (so that one fault yields one finding; the comment names that rule);
#   only_if="x": the element is required only when the resource has element x.
SELECT = {
    # Bundle.id/type/timestamp/entry are checked by rules/message.rs (BV-00341, BV-00130,
    # CL-00001, CL-00002); MessageHeader.id, destination.endpoint, source.endpoint and focus too
    # (BV-00168, BV-00218, BV-00177, BV-00221). Bundle.meta is out of reach: the element
    # checks are given the entries, not the bundle.
    "MessageHeader": [
        ("eventCoding", {}),
        ("destination", {}),
        # CL-00007 / CL-00006 (rules/message.rs) reject any party but a license identifier.
        ("destination.receiver", {"dt": False}),
        ("sender", {"dt": False}),
        # BV-00177 (rules/message.rs) rejects a source without a URL endpoint.
        ("source", {"dt": False}),
    ],
    "Claim": [
        ("extension.episode", {}),
        ("extension.reference.encounter", {}),
        ("extension.newborn", {}),
        ("identifier", {}),
        ("status", {}),
        ("type", {}),
        ("subType", {}),
        ("use", {}),
        ("patient", {}),
        ("created", {}),
        ("insurer", {}),
        ("provider", {}),
        ("priority", {}),
        ("payee", {}),
        ("payee.type", {}),
        ("careTeam", {}),
        ("careTeam.sequence", {}),
        ("careTeam.provider", {}),
        ("careTeam.role", {}),
        ("careTeam.qualification", {}),
        ("supportingInfo", {}),
        ("supportingInfo.sequence", {}),
        ("supportingInfo.category", {}),
        ("diagnosis", {}),
        ("diagnosis.extension.conditionOnset", {}),
        ("diagnosis.sequence", {}),
        ("diagnosis.diagnosisCodeableConcept", {}),
        ("diagnosis.type", {}),
        ("insurance", {}),
        ("insurance.sequence", {}),
        ("insurance.focal", {}),
        ("insurance.coverage", {}),
        ("item", {}),
        ("item.extension.patientShare", {}),
        ("item.extension.patientInvoice", {}),
        ("item.extension.maternity", {}),
        ("item.sequence", {}),
        # Without a careTeam there is nothing to point at: the missing careTeam is the one
        # finding, not one more per item.
        ("item.careTeamSequence", {"only_if": "careTeam"}),
        ("item.diagnosisSequence", {}),
        ("item.informationSequence", {}),
        ("item.productOrService", {}),
        ("item.servicedDate", {}),
        ("item.servicedPeriod", {}),
        ("item.quantity", {}),
        ("item.unitPrice", {}),
        ("item.factor", {}),
        ("item.net", {}),
        ("total", {}),
    ],
    "CoverageEligibilityRequest": [
        ("identifier", {}),
        ("status", {}),
        ("priority", {}),
        ("purpose", {}),
        ("patient", {}),
        ("servicedDate", {}),
        ("servicedPeriod", {}),
        ("created", {}),
        ("provider", {}),
        ("insurer", {}),
        ("insurance", {}),
        ("insurance.coverage", {}),
    ],
    "Patient": [
        ("extension.occupation", {}),
        ("identifier", {}),
        ("active", {}),
        ("name", {}),
        ("gender", {}),
        ("gender.extension.ksa-administrative-gender", {}),
        ("birthDate", {}),
        ("maritalStatus", {}),
    ],
    "Coverage": [
        ("identifier", {}),
        ("status", {}),
        ("type", {}),
        ("policyHolder", {}),
        ("beneficiary", {}),
        ("relationship", {}),
        ("period", {}),
        ("payor", {}),
        ("class", {}),
        ("class.type", {}),
        ("class.value", {}),
    ],
    "Organization": [
        ("extension.providerType", {}),
        ("identifier", {}),
        ("active", {}),
        ("type", {}),
    ],
    "Practitioner": [
        ("identifier", {}),
        ("active", {}),
    ],
    "Encounter": [
        ("identifier", {}),
        ("status", {}),
        ("class", {}),
        ("subject", {}),
        ("period", {}),
        ("serviceProvider", {}),
    ],
    "Location": [
        ("status", {}),
        ("type", {}),
        ("managingOrganization", {}),
    ],
}

# Extensions: sheet path -> extension id (the URL is BASE + id). The sheets name some of them
# differently from the URLs (and give shifted URLs for the item extensions); these are the URLs
# the implementation guide and every sample use.
EXTENSIONS = {
    "extension.episode": "extension-episode",
    "extension.reference.encounter": "extension-encounter",
    "extension.newborn": "extension-newborn",
    "extension.transfer": "extension-transfer",
    "extension.occupation": "extension-occupation",
    "extension.providerType": "extension-provider-type",
    "diagnosis.extension.conditionOnset": "extension-condition-onset",
    "item.extension.patientShare": "extension-patient-share",
    "item.extension.patientInvoice": "extension-patientInvoice",
    "item.extension.maternity": "extension-maternity",
    "gender.extension.ksa-administrative-gender": "extension-ksa-administrative-gender",
}

# Elements that repeat in FHIR R4 (base max *): JSON arrays whatever the profile's max.
REPEATS = {
    "MessageHeader": {"destination", "focus"},
    "Claim": {
        "identifier", "careTeam", "supportingInfo", "diagnosis", "diagnosis.type", "insurance",
        "insurance.preAuthRef", "item", "item.careTeamSequence", "item.diagnosisSequence",
        "item.informationSequence", "related",
    },
    "CoverageEligibilityRequest": {"identifier", "purpose", "insurance", "item", "supportingInfo"},
    "Patient": {"identifier", "name", "telecom", "address"},
    "Coverage": {"identifier", "payor", "class", "costToBeneficiary"},
    "Organization": {"identifier", "type", "address", "contact"},
    "Practitioner": {"identifier", "name"},
    "Encounter": {"identifier"},
    "Location": {"identifier", "type"},
}

# FHIR R4 base elements a sheet leaves out: (resource, path) -> (min, max, type).
BASE_REQUIRED = {
    # The MessageHeader sheet lists only source.endpoint; source itself is 1..1 in FHIR R4.
    ("MessageHeader", "source"): ("1", "1", "BackboneElement"),
    # The pharmacy claim sheet has no Claim.item.sequence row; it is 1..1 in FHIR R4 and in
    # every other claim sheet.
    ("Claim", "item.sequence"): ("1", "1", "positiveInt"),
}

# Rule choices where the workbook has two active rules for one element.
PREFER = {
    # The careTeam rule that states the pharmacy exception, as the sheets do.
    "Claim.careTeam": "IC-01426",
}

# Types whose format another module checks: only the JSON type is checked here.
JSON_STRING_ONLY = {
    # rules/patient.rs (CL-00013) reports a birthDate that is not a full date.
    ("Patient", "birthDate"),
}

# Sheet type -> table kind.
def kind_of(resource, path, sheet_type, ref):
    t = sheet_type.split("\n")[0].strip()
    low = t.lower()
    ref = ref.replace("\n", " ").strip().lower()
    if (resource, path) in JSON_STRING_ONLY:
        return "String"
    if low.startswith("reference"):
        return "Reference"
    if low.startswith("codeableconcept"):
        return "CodeableConcept"
    if low.startswith("period"):
        ref = f"{low} {ref}"
        if "period 2" in ref:
            return "PeriodStartEnd"
        if "period 3" in ref:
            return "PeriodStart"
        return "Period"
    simple = {
        "backboneelement": "Backbone",
        "string": "String",
        "code": "Code",
        "uri": "Uri",
        "url": "Uri",
        "boolean": "Boolean",
        "positiveint": "PositiveInt",
        "decimal": "Decimal",
        "date": "Date",
        "datetime": "DateTime",
        "coding": "Coding",
        "identifier": "Identifier",
        "money": "Money",
        "quantity": "Quantity",
        "simplequantity": "Quantity",
        "humanname": "HumanName",
    }
    if low in simple:
        return simple[low]
    sys.exit(f"unknown sheet type {t!r} for {resource}.{path}")

# How each kind is named in the catalogue and in messages.
KIND_TEXT = {
    "Backbone": "an object",
    "String": "a non-empty string",
    "Code": "a code (a string without surrounding spaces)",
    "Uri": "a URI (a string without spaces)",
    "Boolean": "a JSON boolean",
    "PositiveInt": "a positive whole JSON number",
    "Decimal": "a JSON number",
    "Date": "a full date (YYYY-MM-DD)",
    "DateTime": "a full date or a date-time with seconds and a time zone",
    "Coding": "a Coding (system and code)",
    "CodeableConcept": "a CodeableConcept (codings with system and code)",
    "Identifier": "an Identifier (an object; system and value are strings)",
    "Reference": "a Reference (a reference string or an identifier)",
    "Money": "a Money (a numeric value and a currency code)",
    "Quantity": "a Quantity (a numeric value)",
    "Period": "a Period (start and end are date-times)",
    "PeriodStart": "a Period with a start",
    "PeriodStartEnd": "a Period with a start and an end",
    "HumanName": "a HumanName (an object; text and family are strings)",
}

VALUE_KEY = {
    "Identifier": "valueIdentifier",
    "Reference": "valueReference",
    "Boolean": "valueBoolean",
    "CodeableConcept": "valueCodeableConcept",
    "Money": "valueMoney",
}


def read_sheet(reference, sheet):
    path = reference / "profiles-v5.2" / f"{sheet}.csv"
    with open(path, newline="", encoding="utf-8") as f:
        next(f)  # the sheet title
        rows = {}
        for row in csv.DictReader(f):
            full = row["Path"].strip()
            if "." not in full:
                continue
            rows[full.split(".", 1)[1]] = row
        return rows


def read_rules(reference):
    """(group, 'Resource.path') -> [(id, description, raw path)] for active IC/DT rules."""
    path = reference / "validation-rules-v2.6/nphies-rules-and-codes-oba.csv"
    rules = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            group = row["Rule Type"].strip()
            if group not in ("IC", "DT") or row["Rule Deactivation Date"].strip():
                continue
            raw = row["Rule Related Message/Resource/Element"].strip()
            key = normalise(raw)
            rules.setdefault((group, key), []).append((row["Rule ID"].strip(), row["Description"], raw))
    return rules


def normalise(raw):
    head, _, rest = raw.partition(".")
    if head.lower() == "coverage":
        head = "Coverage"
    # "Claim.item.serviced[x]:servicedDate" -> "Claim.item.servicedDate"
    parts = []
    for part in rest.split("."):
        if "[x]:" in part:
            part = part.split(":", 1)[1]
        parts.append(part)
    rest = ".".join(parts).replace("extension:", "extension.")
    return f"{head}.{rest}" if rest else head


# Elements the workbook names differently from the sheets: sheet path -> workbook path.
ALIASES = {
    "Patient.extension.occupation": "Patient.extension.Patient-occupation",
}


def pick(rules, group, resource, path):
    full = f"{resource}.{path}"
    candidates = rules.get((group, full), []) or rules.get((group, ALIASES.get(full)), [])
    if not candidates:
        return None
    if full in PREFER and group == PREFER[full][:2]:
        return PREFER[full]
    def score(c):
        rid, desc, raw = c
        canonical = "within the message profile" in desc or "valid Data Type" in desc
        return (raw not in (full, ALIASES.get(full)), not canonical, rid)
    return sorted(candidates, key=score)[0][0]


def card(min_, max_):
    return f"{min_}..{max_}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference", default="/work/shared/reference/nphies", type=pathlib.Path)
    args = parser.parse_args()
    rules = read_rules(args.reference)

    used = {}  # rule id -> (group, label, {card or kind: [profiles]}, repeats)
    cards = {}  # label -> {card: [profiles]}, in every profile that has the element
    of_resource = {}  # resource -> [profiles]
    profiles_out = []
    for profile, resource, sheet in PROFILES:
        rows = read_sheet(args.reference, sheet)
        of_resource.setdefault(resource, []).append(profile)
        elements = []
        for path, opts in SELECT[resource]:
            row = rows.get(path) or rows.get(path[0].lower() + path[1:])
            if row is None and (resource, path) in BASE_REQUIRED:
                mn, mx, ty = BASE_REQUIRED[(resource, path)]
                row = {"Min": mn, "Max": mx, "Type": ty, "Data type Ref": ""}
            if row is None:
                continue  # not in this profile
            mn = int(row["Min"].strip())
            mx = row["Max"].strip()
            repeats = path in REPEATS.get(resource, set())
            # A sheet max of * on an element that does not repeat in FHIR is a typo (e.g.
            # careTeam.sequence 1..* in the institutional claim sheet): it is 1.
            if not repeats or mx == "1":
                mx = "1"
            kind = kind_of(resource, path, row["Type"], row["Data type Ref"])
            label = f"{resource}.{path}"
            cards.setdefault(label, {}).setdefault(card(mn, mx), []).append(profile)
            ic = pick(rules, "IC", resource, path) if opts.get("ic", True) else None
            dt = pick(rules, "DT", resource, path) if opts.get("dt", True) else None
            # An IC rule is only checkable when the profile constrains something: a minimum
            # of 1, or a maximum below what FHIR allows.
            constrains = mn >= 1 or (repeats and mx == "1")
            if not constrains:
                ic = None
            elif ic is None and opts.get("ic", True):
                print(f"note: {profile}: {resource}.{path} {mn}..{mx} has no IC rule", file=sys.stderr)
            if dt is None and opts.get("dt", True):
                print(f"note: {profile}: {resource}.{path} has no DT rule", file=sys.stderr)
            if ic is None and dt is None:
                continue
            if ic:
                used.setdefault(ic, ("IC", label, {}, repeats))[2].setdefault(card(mn, mx), []).append(profile)
            if dt:
                used.setdefault(dt, ("DT", label, {}, repeats))[2].setdefault(kind, []).append(profile)
            elements.append(
                dict(path=path, min=mn, max=mx, repeats=repeats, kind=kind, ic=ic, dt=dt,
                     only_if=opts.get("only_if"), label=label)
            )
        profiles_out.append((profile, resource, elements))

    write_table(profiles_out)
    write_catalogue(used, cards, of_resource)
    ic = sum(1 for v in used.values() if v[0] == "IC")
    dt = sum(1 for v in used.values() if v[0] == "DT")
    print(f"{len(profiles_out)} profiles, {ic} IC rules, {dt} DT rules")


def const(rule):
    return f"Some(&{rule.replace('-', '_')})" if rule else "None"


def tree(elements):
    """Nests first-level children under their parents; extension slices become slots."""
    top = []
    by_path = {}
    for e in elements:
        path = e["path"]
        if path in EXTENSIONS:
            holder, _, _ = path.rpartition(".extension.")
            holder = "" if path.startswith("extension.") else holder
            if path.startswith("gender.extension."):
                e["slot"] = ("PrimitiveExtension", "_gender", "gender")
                holder = ""
            else:
                e["slot"] = ("Extension",)
            e["url"] = BASE + EXTENSIONS[path]
            e["value"] = VALUE_KEY[e["kind"]]
            e["key"] = EXTENSIONS[path]
        else:
            holder, _, key = path.rpartition(".")
            e["slot"] = ("Field",)
            e["key"] = key
        e["children"] = []
        by_path[path] = e
        if holder:
            parent = by_path.get(holder)
            if parent is None:
                sys.exit(f"{e['label']}: parent {holder} is not selected")
            parent["children"].append(e)
        else:
            top.append(e)
    return top


def render(e, indent):
    pad = "    " * indent
    kind = f"Kind::{e['kind']}"
    mx = "MANY" if e["max"] == "*" else e["max"]
    only_if = f'Some("{e["only_if"]}")' if e["only_if"] else "None"
    slot = e["slot"]
    if slot[0] == "Field":
        slot_text = "Slot::Field"
    elif slot[0] == "Extension":
        slot_text = f'Slot::Extension {{ url: "{e["url"]}", value: "{e["value"]}" }}'
    else:
        slot_text = (
            f'Slot::PrimitiveExtension {{ holder: "{slot[1]}", field: "{slot[2]}", '
            f'url: "{e["url"]}", value: "{e["value"]}" }}'
        )
    lines = [
        f"{pad}Element {{",
        f'{pad}    key: "{e["key"]}",',
        f'{pad}    label: "{e["label"]}",',
        f"{pad}    slot: {slot_text},",
        f"{pad}    min: {e['min']},",
        f"{pad}    max: {mx},",
        f"{pad}    repeats: {'true' if e['repeats'] else 'false'},",
        f"{pad}    kind: {kind},",
        f"{pad}    ic: {const(e['ic'])},",
        f"{pad}    dt: {const(e['dt'])},",
        f"{pad}    only_if: {only_if},",
    ]
    if e["children"]:
        lines.append(f"{pad}    children: &[")
        for c in e["children"]:
            lines.extend(render(c, indent + 2))
        lines.append(f"{pad}    ],")
    else:
        lines.append(f"{pad}    children: &[],")
    lines.append(f"{pad}}},")
    return lines


HEADER = """// @generated by crates/validation/tools/elements/generate.py from the NPHIES profiles
// workbook v5.2 and validation-rule workbook v2.6. Do not edit by hand: change the script and
// regenerate (see its docstring).
"""


def write_table(profiles):
    out = [HEADER]
    out.append("use super::{Element, Kind, MANY, Profile, Slot};")
    out.append("use crate::catalogue::*;")
    out.append("")
    out.append("/// The request-side profiles, with the elements ClaimLinc checks in each.")
    out.append("pub(super) static PROFILES: &[Profile] = &[")
    for name, resource, elements in profiles:
        out.append("    Profile {")
        out.append(f'        name: "{name}",')
        out.append(f'        resource: "{resource}",')
        out.append("        elements: &[")
        for e in tree(elements):
            out.extend(render(e, 3))
        out.append("        ],")
        out.append("    },")
    out.append("];")
    TABLE.write_text("\n".join(out) + "\n", encoding="utf-8")


def summary(group, label, variants, repeats, cards, of_resource):
    if group == "IC":
        variants = cards[label]
        profiles = of_resource[label.split(".")[0]]
        absent = [p for p in profiles if not any(p in v for v in variants.values())]
        if len(variants) == 1 and not absent:
            (c,) = variants
            return f"{label} has the cardinality its profile sets ({c})"
        parts = []
        for c, profs in sorted(variants.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            parts.append(f"{c} in {', '.join(profs)}")
        if absent:
            parts.append(f"not in {', '.join(absent)}")
        return f"{label} has the cardinality its profile sets ({'; '.join(parts)})"
    ranked = sorted(variants.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    text = KIND_TEXT[ranked[0][0]]
    if repeats:
        text = f"a list; each entry is {text}"
    for k, profs in ranked[1:]:
        text += f" ({KIND_TEXT[k]} in {', '.join(profs)})"
    return f"{label} is {text}"


def write_catalogue(used, cards, of_resource):
    out = [
        "//! Cardinality (IC) and data type (DT) rules of the NPHIES profiles, for the elements in",
        "//! `rules/elements/table.rs`.",
        "//!",
        "//! Generated with the table by `tools/elements/generate.py`; do not edit by hand.",
        "",
        "catalogue! {",
    ]
    for group, title in (("IC", "Cardinality."), ("DT", "Data types.")):
        out.append(f"    // {title}")
        for rid in sorted(r for r, v in used.items() if v[0] == group):
            _, label, variants, repeats = used[rid]
            text = summary(group, label, variants, repeats, cards, of_resource).replace('"', '\\"')
            kind = "Cardinality" if group == "IC" else "DataType"
            out.append(f'    {rid.replace("-", "_")} = "{rid}", {kind}, Error, "{text}";')
        if group == "IC":
            out.append("")
    out.append("}")
    CATALOGUE.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
