"""Importing a stakeholder list (CSV or XLSX): read, map columns, validate, match, apply.

Reading, validating and matching write nothing; `import_apply` writes everything in one
transaction or nothing at all. Names are compared after normalize_name, so "משרד החינוך",
"מִשְׂרַד הַחִינּוּךְ" and "משרד החינוך." are the same organisation, and near matches are
offered to the user to confirm rather than merged silently. The pages run these steps through
the staged-upload wizard of `core.imports` (`PROFILES_IMPORT`); the command line calls them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from meshutaf.core import imports
from meshutaf.core.tables import TableFileError
from meshutaf.core.text import normalize_name
from meshutaf.directory.models import Affiliation, Organisation, Person, Sector
from meshutaf.directory.permissions import organisations_visible_to, people_visible_to
from meshutaf.stakeholder_map.models import Consent, Engagement, IAP2Level, StakeholderProfile

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
SUGGESTION_CUTOFF = 85  # rapidfuzz ratio, 0–100

# The mapping form shows the fields by these names. Header names in Hebrew, Arabic or English.
_GUESSES = {
    "name": ("name", "full name", "שם", "שם מלא", "الاسم", "اسم"),
    "kind": ("kind", "type", "סוג", "النوع"),
    "sector": ("sector", "מגזר", "القطاع", "قطاع"),
    "organisation": ("organisation", "organization", "org", "ארגון", "المنظمة", "منظمة"),
    "role_title": ("role", "title", "role title", "position", "תפקיד", "المنصب", "الوظيفة"),
    "email": ("email", "e-mail", "mail", "דואל", "אימייל", "البريد الإلكتروني", "بريد"),
    "phone": ("phone", "telephone", "mobile", "טלפון", "נייד", "الهاتف", "هاتف"),
    "power": ("power", "כוח", "השפעה", "القوة"),
    "interest": ("interest", "עניין", "הענין", "الاهتمام"),
    "consent": ("consent", "הסכמה", "الموافقة"),
    "engagement_current": ("engagement", "engagement now", "מעורבות", "الانخراط"),
    "engagement_desired": ("engagement wanted", "desired engagement", "מעורבות רצויה"),
    "iap2_level": ("iap2", "iap2 level", "רמת שיתוף"),
    "notes": ("notes", "הערות", "ملاحظات"),
}
# None is required of the file: a row without a name is that row's problem.
IMPORT_FIELDS = tuple(
    imports.Field(name, name, guesses=guesses) for name, guesses in _GUESSES.items()
)
FIELDS = [field.name for field in IMPORT_FIELDS]


# Words people write in the sector column besides the labels themselves.
SECTOR_SYNONYMS = {
    "government": ["government", "ממשלה ארצית", "ממשל", "משרד ממשלתי", "حكومة", "وزارة"],
    "local_authority": ["municipality", "local government", "עירייה", "מועצה", "بلدية"],
    "civil_society": ["ngo", "nonprofit", "עמותה", "מגזר שלישי", "جمعية"],
    "business": ["company", "private sector", "חברה", "עסקי", "شركة"],
    "philanthropy": ["foundation", "fund", "קרן", "مؤسسة خيرية"],
    "academia": ["university", "research", "אוניברסיטה", "מחקר", "جامعة"],
    "community": ["residents", "תושבים", "קהילה", "سكان"],
    "media": ["press", "תקשורת", "إعلام"],
}


ImportFileError = TableFileError


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB."))
    return PROFILES_IMPORT.read(data, filename)


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Which column holds which field, from the headers (Hebrew, Arabic or English)."""
    return PROFILES_IMPORT.guess(headers)


def _choice_lookup(choices) -> dict[str, str]:
    """Accept a code or its label in any of the interface languages."""
    from django.utils import translation

    lookup = {}
    for value, label in choices:
        lookup[normalize_name(value)] = value
        for language in ("he", "ar", "en"):
            with translation.override(language):
                lookup[normalize_name(str(label))] = value
    return lookup


def _label(name: str) -> str:
    """The field's name as the reader's interface calls it."""
    return str(StakeholderProfile._meta.get_field(name).verbose_name)


@dataclass
class RowResult(imports.ImportRow):
    # number: as the spreadsheet numbers it, the header is row 1
    existing: dict | None = None  # {"kind", "id", "name"} of an exact match
    suggestions: list[dict] = field(default_factory=list)
    on_map: bool = False

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "values": self.values,
            "errors": self.errors,
            "existing": self.existing,
            "suggestions": self.suggestions,
            "on_map": self.on_map,
        }


def validate_rows(rows: list[list[str]], mapping: dict[str, int]) -> list[RowResult]:
    sectors = _choice_lookup(Sector.choices)
    for value, words in SECTOR_SYNONYMS.items():
        sectors.update(dict.fromkeys(map(normalize_name, words), value))
    consents = _choice_lookup(Consent.choices)
    engagements = _choice_lookup(Engagement.choices)
    levels = _choice_lookup(IAP2Level.choices)
    kinds = {
        **dict.fromkeys(
            map(normalize_name, ["organisation", "organization", "org", "ארגון", "منظمة"]),
            "organisation",
        ),
        **dict.fromkeys(map(normalize_name, ["person", "אדם", "איש קשר", "شخص"]), "person"),
    }
    results = []
    seen: dict[tuple[str, str], int] = {}
    for offset, row in enumerate(rows):
        number = offset + 2
        raw = {name: row[index] if index < len(row) else "" for name, index in mapping.items()}
        errors: list[str] = []
        values: dict = {}
        name = raw.get("name", "").strip()
        if not name:
            errors.append(_("The name is missing."))
        elif len(name) > 200:
            errors.append(_("The name is longer than 200 characters."))
        values["name"] = name
        kind_text = normalize_name(raw.get("kind", ""))
        if kind_text:
            kind = kinds.get(kind_text)
            if kind is None:
                errors.append(_("Kind must be organisation or person."))
        else:
            kind = "person" if raw.get("organisation", "").strip() else "organisation"
        values["kind"] = kind or "organisation"
        sector_text = normalize_name(raw.get("sector", ""))
        if sector_text:
            values["sector"] = sectors.get(sector_text)
            if values["sector"] is None:
                errors.append(_("Unknown sector “%(value)s”.") % {"value": raw["sector"]})
        elif values["kind"] == "organisation" and name:
            errors.append(_("An organisation needs a sector."))
        for key in ("power", "interest"):
            text = raw.get(key, "").strip()
            if text:
                try:
                    number_value = int(float(text))
                except ValueError:
                    number_value = 0
                if not 1 <= number_value <= 5 or float(text) != number_value:
                    errors.append(
                        _("%(field)s must be a whole number from 1 to 5.") % {"field": _label(key)}
                    )
                else:
                    values[key] = number_value
        for key, lookup in (
            ("consent", consents),
            ("engagement_current", engagements),
            ("engagement_desired", engagements),
            ("iap2_level", levels),
        ):
            text = normalize_name(raw.get(key, ""))
            if text:
                values[key] = lookup.get(text)
                if values[key] is None:
                    errors.append(
                        _("Unknown value “%(value)s” for %(field)s.")
                        % {"value": raw[key], "field": _label(key)}
                    )
        email = raw.get("email", "").strip()
        if email:
            try:
                validate_email(email)
                values["email"] = email.lower()
            except ValidationError:
                errors.append(_("“%(value)s” is not an email address.") % {"value": email})
        for key in ("organisation", "role_title", "phone", "notes"):
            if raw.get(key, "").strip():
                values[key] = raw[key].strip()
        if name:
            key = (values["kind"], normalize_name(name))
            if key in seen:
                errors.append(_("The same name appears in row %(row)s.") % {"row": seen[key]})
            else:
                seen[key] = number
        results.append(RowResult(number=number, values=values, errors=errors))
    return results


def match_rows(results: list[RowResult], *, initiative, organisations, people) -> None:
    """Find each valid row's organisation or person in the directory: exact matches after
    normalisation are linked, near matches are offered as suggestions."""
    from rapidfuzz import fuzz, process

    organisation_keys: dict[str, Organisation] = {}
    for organisation in organisations:
        for name in (organisation.name_he, organisation.name_ar, organisation.name_en):
            if name:
                organisation_keys.setdefault(normalize_name(name), organisation)
    person_keys = {normalize_name(person.full_name): person for person in people}
    person_emails = {person.email.lower(): person for person in people if person.email}
    on_map = set(
        StakeholderProfile.objects.filter(initiative=initiative).values_list(
            "organisation_id", "person_id"
        )
    )
    organisation_choices = list(organisation_keys)
    person_choices = list(person_keys)
    for result in results:
        if result.errors:
            continue
        key = normalize_name(result.values["name"])
        if result.values["kind"] == "organisation":
            found = organisation_keys.get(key)
            choices, objects, kind = organisation_choices, organisation_keys, "organisation"
        else:
            found = person_emails.get(result.values.get("email", "")) or person_keys.get(key)
            choices, objects, kind = person_choices, person_keys, "person"
        if found is not None:
            result.existing = {"kind": kind, "id": found.pk, "name": str(found)}
            pair = (found.pk, None) if kind == "organisation" else (None, found.pk)
            result.on_map = pair in on_map
            continue
        for choice, score, _index in process.extract(
            key, choices, scorer=fuzz.ratio, score_cutoff=SUGGESTION_CUTOFF, limit=3
        ):
            candidate = objects[choice]
            result.suggestions.append(
                {"id": candidate.pk, "name": str(candidate), "score": round(score)}
            )


@dataclass
class ImportOutcome:
    created_profiles: int = 0
    created_organisations: int = 0
    created_people: int = 0
    linked_existing: int = 0
    skipped: int = 0


PROFILE_ATTRIBUTES = (
    "power",
    "interest",
    "consent",
    "engagement_current",
    "engagement_desired",
    "iap2_level",
    "notes",
)


def _checked(obj, number: int):
    """Field validation in Python (the database's constraints still guard the rest)."""
    # Links are to objects this import just chose, so skip the query per link that
    # validating a foreign key would make.
    links = [field.name for field in obj._meta.fields if field.is_relation]
    try:
        obj.full_clean(exclude=links, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(
            _("Row %(row)s: %(reason)s") % {"row": number, "reason": " ".join(error.messages)}
        ) from error
    return obj


@transaction.atomic
def import_apply(
    *,
    initiative,
    by,
    results: list[dict],
    decisions: dict[int, str],
    organisations=None,
    people=None,
) -> ImportOutcome:
    """Write the valid rows: link or create each organisation or person, then put it on the
    map. `decisions` maps a row number to "new" or the id of a suggested match. Rows are
    written in bulk (with their history); any failure rolls everything back."""
    from django.db import IntegrityError
    from simple_history.utils import bulk_create_with_history

    outcome = ImportOutcome()
    # Matches may only be with entries the importer may see (all of them for the operator's
    # console, which passes the querysets itself).
    visible_organisations = (
        organisations if organisations is not None else organisations_visible_to(user=by)
    )
    visible_people = people if people is not None else people_visible_to(user=by)
    plans = []  # (row, kind, existing subject or None)
    wanted_ids: dict[str, set[int]] = {"organisation": set(), "person": set()}
    for row in results:
        if row["errors"] or row["on_map"]:
            outcome.skipped += 1
            continue
        kind = row["values"]["kind"]
        choice = decisions.get(row["number"], "")
        subject_id = None
        if row["existing"]:
            subject_id = row["existing"]["id"]
        elif choice and choice != "new" and any(str(s["id"]) == choice for s in row["suggestions"]):
            subject_id = int(choice)
        if subject_id is not None:
            wanted_ids[kind].add(subject_id)
        plans.append((row, kind, subject_id))
    found = {
        "organisation": visible_organisations.in_bulk(wanted_ids["organisation"]),
        "person": visible_people.in_bulk(wanted_ids["person"]),
    }

    new_organisations: dict[str, Organisation] = {}
    new_people: dict[int, Person] = {}
    for row, kind, subject_id in plans:
        values = row["values"]
        if subject_id is not None:
            if subject_id not in found[kind]:
                raise ValidationError(
                    _("Row %(row)s: the matched entry is no longer available.")
                    % {"row": row["number"]}
                )
            continue
        if kind == "organisation":
            new_organisations[normalize_name(values["name"])] = _checked(
                Organisation(name_he=values["name"], sector=values["sector"], created_by=by),
                row["number"],
            )
        else:
            new_people[row["number"]] = _checked(
                Person(
                    full_name=values["name"],
                    email=values.get("email", ""),
                    phone=values.get("phone", "")[:40],
                    created_by=by,
                ),
                row["number"],
            )
    try:
        bulk_create_with_history(
            list(new_organisations.values()), Organisation, batch_size=500, default_user=by
        )
        bulk_create_with_history(list(new_people.values()), Person, batch_size=500, default_user=by)
    except IntegrityError as error:
        raise ValidationError(_("The directory changed while importing; try again.")) from error
    outcome.created_organisations = len(new_organisations)
    outcome.created_people = len(new_people)

    organisation_by_key: dict[str, Organisation] | None = None
    affiliations, profiles = [], []
    for row, kind, subject_id in plans:
        values = row["values"]
        if subject_id is not None:
            subject = found[kind][subject_id]
            outcome.linked_existing += 1
        elif kind == "organisation":
            subject = new_organisations[normalize_name(values["name"])]
        else:
            subject = new_people[row["number"]]
            if values.get("organisation"):
                key = normalize_name(values["organisation"])
                if organisation_by_key is None:
                    organisation_by_key = {
                        normalize_name(name): candidate
                        for candidate in visible_organisations
                        for name in (candidate.name_he, candidate.name_ar, candidate.name_en)
                        if name
                    }
                organisation = new_organisations.get(key) or organisation_by_key.get(key)
                if organisation is not None:
                    affiliations.append(
                        _checked(
                            Affiliation(
                                person=subject,
                                organisation=organisation,
                                role_title=values.get("role_title", "")[:200],
                            ),
                            row["number"],
                        )
                    )
        attributes = {key: values[key] for key in PROFILE_ATTRIBUTES if key in values}
        profiles.append(
            _checked(
                StakeholderProfile(
                    initiative=initiative,
                    organisation=subject if kind == "organisation" else None,
                    person=subject if kind == "person" else None,
                    **attributes,
                ),
                row["number"],
            )
        )
    try:
        bulk_create_with_history(affiliations, Affiliation, batch_size=500, default_user=by)
        bulk_create_with_history(profiles, StakeholderProfile, batch_size=500, default_user=by)
    except IntegrityError as error:
        raise ValidationError(
            _("Some of these stakeholders were put on the map meanwhile; check the file again.")
        ) from error
    outcome.created_profiles = len(profiles)
    return outcome


# --- The wizard's importer (core.imports) ------------------------------------------------------


def _check(table: imports.Table, *, initiative, user) -> list[RowResult]:
    """Every row checked, and matched with the directory entries `user` may see."""

    results = validate_rows(table.rows, table.mapping)
    match_rows(
        results,
        initiative=initiative,
        organisations=organisations_visible_to(user=user),
        people=people_visible_to(user=user),
    )
    return results


def _apply(checked: imports.Checked, *, initiative, by, decisions: dict[int, str]):
    return import_apply(
        initiative=initiative,
        by=by,
        results=[result.as_dict() for result in checked.rows],
        decisions=decisions,
    )


PROFILES_IMPORT = imports.ImportSpec(
    key="stakeholder_map.profiles",
    fields=IMPORT_FIELDS,
    check=_check,
    apply=_apply,
    max_bytes=MAX_BYTES,
    max_rows=MAX_ROWS,
    rows_required=False,  # a header alone comes to the preview: "No row can be imported yet"
)
