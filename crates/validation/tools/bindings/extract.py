#!/usr/bin/env python3
"""Extracts the terminology the binding (IB) checks need into terminology/codes.tsv.

Regenerate (from the repository root):

    python3 crates/validation/tools/bindings/extract.py \
        /work/shared/reference/nphies/code-systems-v5.3 \
        > crates/validation/terminology/codes.tsv

Sources: the NPHIES CodeableConcept workbook v5.3 as CSV (`nphies-codesystems.csv`: a code
system URL in one row, its codes in the following rows; `nphies-valuesets.csv`: a value set URL,
then the code systems it includes, with an optional restriction to some codes) and its
appendices (practice codes, body sites, FDI tooth regions and surfaces).

Only the value sets in VALUE_SETS are written, with the code systems they include. Output:

    CS   <system>  <code> <code> ...   an enumerated code system (tab-separated codes)
    CS*  <system>                      a code system whose codes are published elsewhere
                                       (billing codes, ICD-10-AM, v2-0203 ...): any code passes,
                                       only the system is checked
    VS   <value set> <system> [<code> ...]
                                       one include of a value set: the whole system, or only
                                       the listed codes

Corrections to the workbook are listed in FIXES and EXTRA below, each with its reason.
"""

import csv
import re
import sys
from collections import OrderedDict
from pathlib import Path

NPHIES_VS = "http://nphies.sa/terminology/ValueSet/"
NPHIES_CS = "http://nphies.sa/terminology/CodeSystem/"

# The value sets the checks in src/rules/bindings.rs bind elements to.
VALUE_SETS = [
    # Claim
    NPHIES_VS + "claim-type",
    NPHIES_VS + "claim-subtype",
    "http://hl7.org/fhir/ValueSet/claim-use",
    "http://hl7.org/fhir/ValueSet/fm-status",
    "http://hl7.org/fhir/ValueSet/process-priority",
    "http://hl7.org/fhir/ValueSet/payeetype",
    NPHIES_VS + "related-claim-relationship",
    "http://hl7.org/fhir/ValueSet/claim-careteamrole",
    NPHIES_VS + "practice-codes",
    NPHIES_VS + "claim-information-category",
    NPHIES_VS + "visit-reason",
    NPHIES_VS + "investigation-result",
    NPHIES_VS + "info-reason",
    NPHIES_VS + "missing-tooth-reason",
    NPHIES_VS + "weight-absence-reason",
    NPHIES_VS + "blood-pressure-absence-reason",
    NPHIES_VS + "height-absence-reason",
    NPHIES_VS + "temperature-absence-reason",
    NPHIES_VS + "pulse-absence-reason",
    NPHIES_VS + "oxygen-saturation-absence-reason",
    NPHIES_VS + "respiratory-rate-absence-reason",
    NPHIES_VS + "diagnosis-icd-10-am",
    NPHIES_VS + "diagnosis-type",
    NPHIES_VS + "diagnosis-on-admission",
    NPHIES_VS + "condition-onset",
    "http://terminology.hl7.org/ValueSet/v3-ActIncidentCode",
    NPHIES_VS + "professional-billing",
    NPHIES_VS + "institutional-billing",
    NPHIES_VS + "dental-billing",
    NPHIES_VS + "pharmacy-billing",
    NPHIES_VS + "vision-billing",
    NPHIES_VS + "prescriber-billing",
    NPHIES_VS + "body-site",
    NPHIES_VS + "institutional-body-site",
    NPHIES_VS + "fdi-oral-region",
    NPHIES_VS + "subsite",
    NPHIES_VS + "fdi-tooth-surface",
    NPHIES_VS + "pharmacist-selection-reason",
    NPHIES_VS + "pharmacist-substitute",
    # Patient, Practitioner
    "http://hl7.org/fhir/ValueSet/administrative-gender",
    NPHIES_VS + "ksa-administrative-gender",
    NPHIES_VS + "ksa-marital-status",
    NPHIES_VS + "patient-identifier-type",
    NPHIES_VS + "occupation",
    NPHIES_VS + "religion",
    # Coverage
    NPHIES_VS + "coverage-type",
    "http://hl7.org/fhir/ValueSet/subscriber-relationship",
    "http://hl7.org/fhir/ValueSet/coverage-class",
    NPHIES_VS + "coverage-copay-type",
    # Organization
    NPHIES_VS + "organization-type",
    NPHIES_VS + "organization-identifier-type",
    "http://nphies.sa/terminology/valueSet/policyholder-identifiertype",
    NPHIES_VS + "provider-type",
    # Encounter
    NPHIES_VS + "encounter-class",
    "http://hl7.org/fhir/ValueSet/encounter-status",
    NPHIES_VS + "service-type",
    NPHIES_VS + "v3-ActPriority",
    NPHIES_VS + "admit-source",
    "http://terminology.hl7.org/ValueSet/v2-0092",
    NPHIES_VS + "encounter-discharge-disposition",
    NPHIES_VS + "emergency-arrival-code",
    NPHIES_VS + "emergency-department-disposition",
    NPHIES_VS + "triage-category",
    NPHIES_VS + "service-event-type",
    NPHIES_VS + "intended-length-of-stay",
    # CoverageEligibilityRequest, Location
    "http://hl7.org/fhir/ValueSet/eligibilityrequest-purpose",
    "http://hl7.org/fhir/ValueSet/location-status",
    "http://hl7.org/fhir/ValueSet/identifier-type",
]

# Spelling slips in the workbook, corrected on the way in (wrong -> right).
FIXES = {
    # The value set row lacks "/ValueSet/"; the profiles (nphies-fs) bind Patient.maritalStatus to
    # http://nphies.sa/terminology/ValueSet/ksa-marital-status.
    "http://nphies.sa/terminology/ksa-marital-status": NPHIES_VS + "ksa-marital-status",
    # The missing-tooth-reason value set names its system without dashes.
    NPHIES_CS + "missingtoothreason": NPHIES_CS + "missing-tooth-reason",
    # encounter-discharge-disposition includes the HL7 system under a truncated URL ...
    "http://terminology.hl7.g/CodeSystem/discharge-disposition":
        "http://terminology.hl7.org/CodeSystem/discharge-disposition",
    # ... and restricts it to "aadvise", a code the HL7 system spells "aadvice".
    "aadvise": "aadvice",
}

# Value set includes the workbook does not carry.
EXTRA = [
    # FHIR R4 http://hl7.org/fhir/ValueSet/identifier-type (the nphies-fs profiles bind
    # Practitioner.identifier.type and Location.identifier.type to it, required; other
    # Identifier.type elements keep the base extensible binding).
    ("http://hl7.org/fhir/ValueSet/identifier-type", "http://terminology.hl7.org/CodeSystem/v2-0203",
     ["DL", "PPN", "BRN", "MR", "MCN", "EN", "TAX", "NIIP", "PRN", "MD", "DR", "ACSN", "UDI",
      "SNO", "SB", "PLAC", "FILL", "JHN"]),
    # The workbook keeps rule IB-00345 (type JHN goes with system .../identifier/healthid) active
    # but leaves JHN out of the patient-identifier-type restriction (PRC, PPN, NI, VP, MR).
    (NPHIES_VS + "patient-identifier-type", "http://terminology.hl7.org/CodeSystem/v2-0203", ["JHN"]),
]

# Code systems listed in the workbook as "---" whose codes are in an appendix.
APPENDICES = {
    NPHIES_CS + "practice-codes": "appendix-specialty.csv",
    # The appendix names the system ".../CodeSystem/bodysite"; the code system list, the value
    # sets and the nphies-fs package (CodeSystem-body-site.json) call it ".../body-site".
    NPHIES_CS + "body-site": "appendix-body-site.csv",
    NPHIES_CS + "fdi-oral-region": "appendix-fdi-oral-region.csv",
    NPHIES_CS + "fdi-tooth-surface": "appendix-fdi-tooth-surface.csv",
}

PLACEHOLDERS = {"---", "- - -", "-------", ""}


def clean(text):
    """Trims a cell and the stray quotes some workbook cells carry, then applies FIXES."""
    text = text.strip().strip('"').strip()
    return FIXES.get(text, text)


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def code_systems(folder):
    """Code system URL -> codes (None when the codes are published elsewhere)."""
    systems = OrderedDict()
    current = None
    for row in read(folder / "nphies-codesystems.csv")[1:]:
        if len(row) < 11:
            continue
        if clean(row[1]):
            current = clean(row[1])
            systems.setdefault(current, [])
        if current is None:
            continue
        code = row[10].strip()
        # A "code" with a space in a system whose other codes have none is a note, e.g. the
        # v2-0203 row ("This Code System is utilized ...").
        if code in PLACEHOLDERS or len(code) > 40:
            continue
        if code not in systems[current]:
            systems[current].append(code)
    for system, appendix in APPENDICES.items():
        rows = read(folder / appendix)
        systems[system] = [r[0].strip() for r in rows[1:] if r and r[0].strip()]
    return OrderedDict((s, c or None) for s, c in systems.items())


def restriction(text):
    """The codes a value set restriction lists, or None when it is not a code list."""
    text = text.strip()
    if not text:
        return None
    if "(" in text and ")" in text:
        text = text[text.index("(") + 1:text.rindex(")")]
    codes = [clean(t) for t in re.split(r"[,|]", text)]
    if not codes or any(not c or re.search(r"\s", c) for c in codes):
        return None
    return codes


def value_sets(folder):
    """Value set URL -> [(system, codes or None)]."""
    sets = OrderedDict()
    current = None
    for row in read(folder / "nphies-valuesets.csv")[1:]:
        if len(row) < 11:
            continue
        if clean(row[1]):
            current = clean(row[1])
            sets.setdefault(current, [])
        if current is None or not clean(row[10]):
            continue
        sets[current].append((clean(row[10]), restriction(row[8])))
    for vs, system, codes in EXTRA:
        includes = sets.setdefault(vs, [])
        for i, (s, existing) in enumerate(includes):
            if s == system and existing is not None:
                includes[i] = (s, existing + [c for c in codes if c not in existing])
                break
        else:
            includes.append((system, codes))
    return sets


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/reference/nphies/code-systems-v5.3")
    systems = code_systems(folder)
    sets = value_sets(folder)
    out = [
        "# Terminology for the binding (IB) checks. Generated by tools/bindings/extract.py from the",
        "# NPHIES CodeableConcept workbook v5.3 (code systems, value sets, appendices); do not edit.",
        "# Regenerate: python3 crates/validation/tools/bindings/extract.py <code-systems-v5.3 folder>",
        "#   > crates/validation/terminology/codes.tsv",
        "# CS <system> <codes...> | CS* <system> (codes published elsewhere) | VS <value set> <system> [<codes...>]",
    ]
    used = OrderedDict()
    vs_lines = []
    for vs in VALUE_SETS:
        includes = sets.get(vs)
        if not includes:
            sys.exit(f"value set {vs} is not in the workbook")
        for system, codes in includes:
            used.setdefault(system, None)
            vs_lines.append("\t".join(["VS", vs, system] + (codes or [])))
    for system in used:
        codes = systems.get(system)
        if codes:
            out.append("\t".join(["CS", system] + codes))
        else:
            out.append("\t".join(["CS*", system]))
    out.extend(vs_lines)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
