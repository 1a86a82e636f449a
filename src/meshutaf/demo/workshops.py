"""The joint-move workshop's day for the demo workspace: a price / opportunity canvas filled by
four working groups (mostly Hebrew, a few notes in Arabic), some notes hidden or merged as a
facilitator would, and themes found by the clustering and named. Written for the demo, in the
spirit of the workshop the seeds describe (data/workshop.toml); deterministic for a given seed."""

import datetime as dt
import random
import zoneinfo
from typing import NamedTuple

from meshutaf.demo.data import data_read, strings, text
from meshutaf.initiatives.models import Initiative
from meshutaf.meetings.models import MeetingKind
from meshutaf.workshops import services
from meshutaf.workshops.models import CanvasTemplate, Contribution, Theme

ZONE = zoneinfo.ZoneInfo("Asia/Jerusalem")
WORKSHOP_DAY = dt.datetime(2026, 11, 5, 10, 30, tzinfo=ZONE)

# The canvas cells the data file names: (section, row, column) of the price / opportunity
# template.
CELLS = {
    "organisation_price": ("matrix", "organisation", "price"),
    "organisation_opportunity": ("matrix", "organisation", "opportunity"),
    "move_price": ("matrix", "move", "price"),
    "move_opportunity": ("matrix", "move", "opportunity"),
    "practices": ("practices", "", ""),
    "questions": ("questions", "", ""),
}


class WorkshopGroup(NamedTuple):
    name: str
    people: tuple[str, ...]  # display names; "" joined anonymously
    notes: tuple[tuple[tuple[str, str, str], str], ...]  # (cell, text), in the order written


class Moderation(NamedTuple):
    hidden: tuple[str, ...]
    duplicates_merged: tuple[str, ...]
    merged: tuple[tuple[str, str], ...]  # (target, duplicate)
    unthemed: tuple[str, ...]


def workshop_groups() -> tuple[WorkshopGroup, ...]:
    return tuple(
        WorkshopGroup(
            name=text(group, "name"),
            people=strings(group["people"]),
            notes=tuple(
                (CELLS[cell], note)
                for cell, notes in group["notes"].items()
                for note in strings(notes)
            ),
        )
        for group in data_read("workshop")["group"]
    )


def moderation() -> Moderation:
    table = data_read("workshop")["moderation"]
    return Moderation(
        hidden=strings(table.get("hidden", [])),
        duplicates_merged=strings(table.get("duplicates_merged", [])),
        merged=tuple((target, duplicate) for target, duplicate in map(strings, table["merged"])),
        unthemed=strings(table.get("unthemed", [])),
    )


def theme_names() -> tuple[tuple[str, str], ...]:
    """Suggested matrix themes renamed, by a word their notes share: (word, name)."""
    return tuple(
        (text(theme, "word"), text(theme, "name")) for theme in data_read("workshop")["theme"]
    )


def build_workshop(*, initiative: Initiative, facilitator, rng: random.Random) -> None:
    services.builtin_templates_ensure()
    template = CanvasTemplate.objects.get(initiative=None, key="price-opportunity")
    written = workshop_groups()
    meeting = initiative.meetings.filter(kind=MeetingKind.WORKSHOP).first()
    session = services.workshop_session_create(
        initiative=initiative,
        by=facilitator,
        title="יום הסדנה: כיצד אוכל לרתום את הארגון שלי למהלך משותף?",
        template=template,
        groups=[group.name for group in written],
        instructions=(
            "כל קבוצה ממלאת את המטריצה: מה המחיר ומה ההזדמנות, לארגון שלי ולמהלך המשותף. "
            "פתק אחד לכל רעיון, קצר ככל האפשר."
        ),
        meeting=meeting,
    )
    groups = list(session.groups.order_by("position"))
    added: list[Contribution] = []
    for group, (_name, people, notes) in zip(groups, written, strict=True):
        participants = [
            services.participant_join(group=group, display_name=person, anonymous=not person)
            for person in people
        ]
        for (section_key, row, column), note in notes:
            added.append(
                services.contribution_add(
                    group=group,
                    section_key=section_key,
                    row_key=row,
                    column_key=column,
                    text=note,
                    participant=rng.choice(participants),
                )
            )
    # Spread the notes over the working hour of the workshop day.
    for minute, contribution in enumerate(added):
        Contribution.objects.filter(pk=contribution.pk).update(
            created_at=WORKSHOP_DAY + dt.timedelta(minutes=minute, seconds=rng.randint(0, 59)),
            updated_at=WORKSHOP_DAY + dt.timedelta(minutes=minute + 1),
        )

    # Moderation: an off-topic note hidden, exact duplicates merged, and near ones.
    moderated = moderation()
    by_text = {contribution.text: contribution for contribution in added}
    for hidden in moderated.hidden:
        services.contribution_set_hidden(contribution=by_text[hidden], by=facilitator, hidden=True)
    for duplicated in moderated.duplicates_merged:
        duplicates = [c for c in added if c.text == duplicated]
        services.contributions_merge(
            target=duplicates[0], duplicates=duplicates[1:], by=facilitator
        )
    for target, duplicate in moderated.merged:
        services.contributions_merge(
            target=by_text[target], duplicates=[by_text[duplicate]], by=facilitator
        )

    # Themes: suggested by the clustering for every section, the main ones renamed.
    for section in session.sections():
        services.themes_suggest(session=session, section_key=section.key, by=facilitator)
    for theme in Theme.objects.filter(session=session, section_key="matrix"):
        texts = " ".join(theme.contributions.values_list("text", flat=True))
        for word, name in theme_names():
            if word in texts:
                services.theme_rename(theme=theme, by=facilitator, name=name)
                break
    # The clustering put a note about partners with the exclusivity notes; the facilitator
    # takes it out.
    for unthemed in moderated.unthemed:
        stray = Contribution.objects.get(pk=by_text[unthemed].pk)
        if stray.theme_id is not None:
            services.contribution_set_theme(contribution=stray, theme=None, by=facilitator)
    # Left open, so a visitor can scan a group's QR code and add a note to the demo.
    type(session).objects.filter(pk=session.pk).update(
        created_at=WORKSHOP_DAY - dt.timedelta(days=2)
    )
