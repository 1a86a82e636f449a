"""The demo workspace's organisations, name pools and initiatives, read from `data/*.toml`
into typed, frozen specs; vocabulary values (sectors, kinds, roles) become their enums."""

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from meshutaf.core.access import Role
from meshutaf.demo.data import data_read, strings, text
from meshutaf.directory.models import Sector
from meshutaf.initiatives.models import (
    GroupKind,
    InitiativeKind,
    InitiativeStatus,
)

# A name as (Hebrew spelling, Latin spelling for the email address).
Name = tuple[str, str]


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    sector: Sector
    he: str
    en: str = ""
    ar: str = ""
    about: str = ""
    roles: tuple[str, ...] = ()  # "{masculine|feminine}" where Hebrew agrees with the person
    arab_share: float = 0.15
    women_only: bool = False


@dataclass(frozen=True)
class NamePool:
    women: tuple[Name, ...]
    men: tuple[Name, ...]
    surnames: tuple[Name, ...]


@dataclass(frozen=True)
class PhaseSpec:
    name: str
    goals: str
    start: dt.date
    end: dt.date
    outcome: str = ""


@dataclass(frozen=True)
class GroupSpec:
    kind: GroupKind
    name: str
    purpose: str
    slots: tuple[str, ...]  # see data/initiatives.toml


@dataclass(frozen=True)
class InitiativeSpec:
    kind: InitiativeKind
    status: InitiativeStatus
    name: str
    short: str
    vision: str
    situation: str
    audience: str
    start: dt.date
    end: dt.date | None
    leads: tuple[str, ...]
    phases: tuple[PhaseSpec, ...]
    groups: tuple[GroupSpec, ...]
    members: tuple[tuple[str, Role], ...] = ()  # (slot, role)


def _date(table: dict[str, Any], key: str) -> dt.date:
    value = table[key]
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise TypeError(f"Expected a date for {key!r} in the demo data, not {value!r}")
    return value


def _names(values: Any) -> tuple[Name, ...]:
    return tuple((hebrew, latin) for hebrew, latin in map(strings, values))


@functools.cache
def organisation_specs() -> tuple[OrganisationSpec, ...]:
    return tuple(
        OrganisationSpec(
            key=text(org, "key"),
            sector=Sector(text(org, "sector")),
            he=text(org, "he"),
            en=text(org, "en", ""),
            ar=text(org, "ar", ""),
            about=text(org, "about", ""),
            roles=strings(org.get("roles", [])),
            arab_share=float(org.get("arab_share", 0.15)),
            women_only=bool(org.get("women_only", False)),
        )
        for org in data_read("organisations")["organisation"]
    )


@functools.cache
def name_pools() -> dict[str, NamePool]:
    """The pools by background: "jewish" and "arab"."""
    return {
        background: NamePool(
            women=_names(pool["women"]),
            men=_names(pool["men"]),
            surnames=_names(pool["surnames"]),
        )
        for background, pool in data_read("names").items()
    }


@functools.cache
def initiative_specs() -> tuple[InitiativeSpec, ...]:
    return tuple(_initiative(table) for table in data_read("initiatives")["initiative"])


def _initiative(table: dict[str, Any]) -> InitiativeSpec:
    return InitiativeSpec(
        kind=InitiativeKind(text(table, "kind")),
        status=InitiativeStatus(text(table, "status")),
        name=text(table, "name"),
        short=text(table, "short"),
        vision=text(table, "vision"),
        situation=text(table, "situation"),
        audience=text(table, "audience"),
        start=_date(table, "start"),
        end=_date(table, "end") if "end" in table else None,
        leads=strings(table["leads"]),
        phases=tuple(
            PhaseSpec(
                name=text(phase, "name"),
                goals=text(phase, "goals"),
                start=_date(phase, "start"),
                end=_date(phase, "end"),
                outcome=text(phase, "outcome", ""),
            )
            for phase in table.get("phase", [])
        ),
        groups=tuple(
            GroupSpec(
                kind=GroupKind(text(group, "kind")),
                name=text(group, "name"),
                purpose=text(group, "purpose"),
                slots=strings(group["slots"]),
            )
            for group in table.get("group", [])
        ),
        members=tuple(
            (text(member, "slot"), Role(text(member, "role")))
            for member in table.get("members", [])
        ),
    )
