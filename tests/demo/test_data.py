"""The demo's data files load into their typed specs, and what they refer to exists."""

import datetime as dt
import tomllib

import pytest

from meshutaf.core.access import Role
from meshutaf.demo import DEMO_USERS, corpus, deliberation, maps, meetings, workshops
from meshutaf.demo.data import DATA_DIR
from meshutaf.demo.specs import (
    GroupSpec,
    InitiativeSpec,
    OrganisationSpec,
    PhaseSpec,
    initiative_specs,
    name_pools,
    organisation_specs,
)
from meshutaf.demo.users import FACILITATING_ORGANISATION
from meshutaf.directory.models import Sector
from meshutaf.initiatives.models import GroupKind, InitiativeKind, InitiativeStatus


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.toml")), ids=lambda path: path.name)
def test_every_data_file_is_utf8_toml(path):
    assert tomllib.loads(path.read_text(encoding="utf-8"))


def test_organisations_load_with_sectors_as_enums():
    organisations = organisation_specs()
    assert all(isinstance(org, OrganisationSpec) for org in organisations)
    keys = [org.key for org in organisations]
    assert len(keys) == len(set(keys))
    assert FACILITATING_ORGANISATION in keys
    assert {user.organisation for user in DEMO_USERS} <= set(keys)
    assert all(type(org.sector) is Sector for org in organisations)
    assert set(Sector) - {Sector.OTHER} <= {org.sector for org in organisations}
    assert all(0 <= org.arab_share <= 1 and org.roles and org.he for org in organisations)
    pmo = next(org for org in organisations if org.key == "pmo")
    assert (pmo.sector, pmo.en) == (Sector.GOVERNMENT, "Prime Minister's Office")
    assert pmo.arab_share == 0.15  # the default, when the file leaves it out
    assert any(org.women_only for org in organisations)


def test_name_pools_pair_hebrew_with_latin_spellings():
    pools = name_pools()
    assert set(pools) == {"jewish", "arab"}
    for pool in pools.values():
        for names in (pool.women, pool.men, pool.surnames):
            assert len(names) >= 10
            assert all(
                isinstance(name, tuple) and len(name) == 2 and name[1].isascii() for name in names
            )
    assert pools["jewish"].women[0] == ("נועה", "noa")


def test_initiatives_load_with_enums_dates_and_slots_that_resolve():
    roles_by_org = {org.key: len(org.roles) for org in organisation_specs()}
    demo_users = {user.username for user in DEMO_USERS}

    def resolves(slot: str) -> bool:
        if slot.startswith("@"):
            return slot[1:] in demo_users
        org, _hash, index = slot.partition("#")
        return org in roles_by_org and (not index or int(index) < roles_by_org[org])

    initiatives = initiative_specs()
    assert len(initiatives) == 9
    for spec in initiatives:
        assert isinstance(spec, InitiativeSpec)
        assert type(spec.kind) is InitiativeKind
        assert type(spec.status) is InitiativeStatus
        assert isinstance(spec.start, dt.date)
        assert spec.end is None or spec.start <= spec.end
        assert set(spec.leads) <= set(roles_by_org), spec.name
        for phase in spec.phases:
            assert isinstance(phase, PhaseSpec)
            assert phase.start <= phase.end, phase.name
        for group in spec.groups:
            assert isinstance(group, GroupSpec)
            assert type(group.kind) is GroupKind
            assert all(resolves(slot) for slot in group.slots), group.name
        for slot, role in spec.members:
            assert type(role) is Role
            assert resolves(slot), slot
            assert slot.startswith("@") or "#" in slot, slot
    assert sum(spec.end is None for spec in initiatives) >= 1
    different_speech = initiatives[0]
    assert different_speech.name == "דיבור אחר – מתינות וסובלנות ברשת"
    assert different_speech.start == dt.date(2016, 1, 1)
    assert different_speech.members[0] == ("@partner", Role.PARTNER)


def test_the_other_demo_tables_load_and_agree_with_the_code():
    assert len(maps.sensitive_notes()) == 3
    assert [entry.follow_up_in_days for entry in maps.engagement_specs()] == [None, -5, 10]
    assert len(maps.readiness_specs()) == 5

    assert meetings.main_item_title() in [item["title"] for item in meetings.agenda_template()]
    assert len(meetings.topics()) == 8
    assert all(isinstance(insight.key, bool) for insight in meetings.insights())

    groups = workshops.workshop_groups()
    assert len(groups) == 4
    notes = [note for group in groups for _cell, note in group.notes]
    assert all(cell in workshops.CELLS.values() for group in groups for cell, _note in group.notes)
    moderation = workshops.moderation()
    for text in (*moderation.hidden, *moderation.unthemed, *sum(moderation.merged, ())):
        assert text in notes
    assert all(notes.count(text) >= 2 for text in moderation.duplicates_merged)

    statements = deliberation.statements()
    assert len(statements) == 22
    assert {camp for _text, camp in statements} == {*deliberation.CAMPS, "all"}

    languages = {"he", "ar", "en"}
    assert set(corpus.topics()) == languages
    assert set(corpus.quote_prefix()) == set(corpus.counter()) == languages
    for language, by_dimension in corpus.phrases().items():
        assert set(by_dimension) == {*corpus.INCIVILITY, *corpus.DIFFERENT}, language


def test_the_synthetic_corpus_is_the_same_for_a_seed():
    first, again = corpus.synthetic_posts(50, seed=3), corpus.synthetic_posts(50, seed=3)
    assert [post.text for post in first] == [post.text for post in again]
    assert {post.language for post in corpus.synthetic_posts(200, seed=1)} >= {"he", "ar"}
