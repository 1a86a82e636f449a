import pytest

from meshutaf.workshops import services

from .factories import GRID_SCHEMA


@pytest.fixture
def template(initiative, owner):
    return services.canvas_template_create(
        initiative=initiative, by=owner, title="Matrix", schema=GRID_SCHEMA
    )


@pytest.fixture
def session(initiative, owner, template):
    return services.workshop_session_create(
        initiative=initiative,
        by=owner,
        title="Joint-move workshop",
        template=template,
        groups=["Group A", "Group B"],
    )


@pytest.fixture
def group_a(session):
    return session.groups.order_by("position").first()


@pytest.fixture
def joined(group_a):
    """Someone who joined group A by its link (not to be confused with the `participant` user)."""
    return services.participant_join(group=group_a, display_name="Dana")


def add(group, joined, text, cell=("matrix", "organisation", "price")):
    section, row, column = cell
    return services.contribution_add(
        group=group,
        section_key=section,
        row_key=row,
        column_key=column,
        text=text,
        participant=joined,
    )
