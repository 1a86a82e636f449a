"""Shared fixtures. Permission tests name three people: the owner (the initiative's
facilitator), a member (a partner) and an outsider; participants and observers where the
role matters."""

import pytest
from django.test import Client
from django.utils import translation

from meshutaf.core.access import Role

from .factories import (
    GroupFactory,
    GroupMemberFactory,
    InitiativeFactory,
    MembershipFactory,
    PhaseFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Service-level messages in English unless a test asks otherwise; requests still pick
    their language themselves. (A request can leave its language active in the thread.)"""
    with translation.override("en"):
        yield


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", is_backbone=True, first_name="Noa")


@pytest.fixture
def member(db):
    return UserFactory(username="member", first_name="Amir")


@pytest.fixture
def participant(db):
    return UserFactory(username="participant")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", first_name="Omer")


@pytest.fixture
def initiative(owner, member, participant):
    initiative = InitiativeFactory(name="שולחן עגול לחינוך", created_by=owner)
    MembershipFactory(initiative=initiative, user=owner, role=Role.FACILITATOR)
    MembershipFactory(initiative=initiative, user=member, role=Role.PARTNER)
    MembershipFactory(initiative=initiative, user=participant, role=Role.PARTICIPANT)
    return initiative


@pytest.fixture
def phase(initiative):
    return PhaseFactory(initiative=initiative, name="מיפוי")


@pytest.fixture
def group(initiative):
    group = GroupFactory(initiative=initiative, name="ועדת היגוי", kind="steering_committee")
    GroupMemberFactory(group=group, role="chair")
    return group


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_user():
    return client_for


@pytest.fixture(scope="session")
def _migrated_site(tmp_path_factory):
    """One migrated database for every `site`, copied for each (migrating takes seconds)."""
    import os

    from .site_process import Site, create_database, drop_database

    server_url = os.environ.get("DATABASE_URL")
    database_url = create_database(server_url) if server_url else None
    template = Site(tmp_path_factory.mktemp("site-template"), database_url)
    try:
        template.command("migrate")
        yield template
    finally:
        if database_url:
            drop_database(database_url)


@pytest.fixture
def make_site(tmp_path, _migrated_site):
    """Makes migrated Meshutaf sites run in other processes (see tests/site_process.py), each
    with its own data folder and database; stops and removes them after the test."""
    import shutil

    from .site_process import Site, create_database, drop_database

    made = []

    def make(name: str = "site"):
        data_dir = tmp_path / name
        data_dir.mkdir(mode=0o700)
        database_url = None
        if _migrated_site.database_url:
            database_url = create_database(_migrated_site.database_url, template=True)
        else:
            shutil.copy2(
                _migrated_site.data_dir / "meshutaf.sqlite3", data_dir / "meshutaf.sqlite3"
            )
        made.append(Site(data_dir, database_url))
        return made[-1]

    try:
        yield make
    finally:
        for running in made:
            running.stop_all()
            if running.database_url:
                drop_database(running.database_url)


@pytest.fixture
def site(make_site):
    """A migrated Meshutaf site run in other processes (see tests/site_process.py)."""
    return make_site()
