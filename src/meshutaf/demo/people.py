"""The invented people of the demo workspace: one per role title of each organisation, with a
name from the pools, an email address, a start date and sometimes an earlier job elsewhere."""

import datetime as dt
import random
import re
from collections import defaultdict
from dataclasses import dataclass

from meshutaf.demo.specs import name_pools, organisation_specs
from meshutaf.demo.users import DEMO_USERS
from meshutaf.directory.models import Sector

_GENDERED = re.compile(r"\{([^|{}]*)\|([^|{}]*)\}")


def _gendered(template: str, *, female: bool) -> str:
    return _GENDERED.sub(lambda match: match.group(2 if female else 1), template)


@dataclass
class PersonPlan:
    org: str
    full_name: str
    first_name: str
    last_name: str
    email: str
    role_title: str
    start: dt.date
    previous: tuple[str, str, dt.date, dt.date] | None = None  # org, role, from, to
    username: str = ""


def people_plan(rng: random.Random) -> dict[str, list[PersonPlan]]:
    """Invent the same people every time: names, emails, titles and careers."""
    taken_names = {(user.first_name, user.last_name) for user in DEMO_USERS}
    taken_emails: set[str] = {user.email for user in DEMO_USERS}
    plans: dict[str, list[PersonPlan]] = defaultdict(list)
    pools = name_pools()
    for org in organisation_specs():
        for template in org.roles:
            female = org.women_only or rng.random() < 0.55
            arab = rng.random() < org.arab_share
            pool = pools["arab" if arab else "jewish"]
            firsts, surnames = (pool.women if female else pool.men), pool.surnames
            while True:
                first, last = rng.choice(firsts), rng.choice(surnames)
                if (first[0], last[0]) not in taken_names:
                    break
            taken_names.add((first[0], last[0]))
            local = f"{first[1]}.{last[1]}"
            email, n = f"{local}@example.org", 1
            while email in taken_emails:
                n += 1
                email = f"{local}{n}@example.org"
            taken_emails.add(email)
            start = dt.date(rng.randint(2005, 2022), rng.randint(1, 12), 1)
            previous = None
            if rng.random() < 0.18:
                # Careers cross sectors, but a resident group is no one's previous employer.
                other = rng.choice(
                    [
                        o
                        for o in organisation_specs()
                        if o.sector not in (org.sector, Sector.COMMUNITY)
                        and (female or not o.women_only)
                    ]
                )
                begun = dt.date(start.year - rng.randint(3, 8), rng.randint(1, 12), 1)
                previous = (
                    other.key,
                    _gendered(other.roles[-1], female=female),
                    begun,
                    start - dt.timedelta(days=1),
                )
            plans[org.key].append(
                PersonPlan(
                    org=org.key,
                    full_name=f"{first[0]} {last[0]}",
                    first_name=first[0],
                    last_name=last[0],
                    email=email,
                    role_title=_gendered(template, female=female),
                    start=start,
                    previous=previous,
                )
            )
    # Everyone at the table has an account (without a password), so that member lists look
    # like a real workspace's.
    for org_plans in plans.values():
        for plan in org_plans:
            plan.username = plan.email.split("@")[0]
    return plans
