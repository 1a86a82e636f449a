"""factory_boy factories for every model the spine owns."""

import factory
from django.contrib.auth import get_user_model

from meshutaf.core.access import Role
from meshutaf.directory.models import Affiliation, Organisation, Person, Sector
from meshutaf.initiatives.models import Group, GroupMember, Initiative, Membership, Phase

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    first_name = factory.Faker("first_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_he = factory.Sequence(lambda n: f"ארגון {n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    sector = Sector.CIVIL_SOCIETY


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"אדם {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role_title = "מנכ״ל"


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    kind = "roundtable"
    name = factory.Sequence(lambda n: f"שולחן עגול {n}")
    status = "active"


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    initiative = factory.SubFactory(InitiativeFactory)
    order = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"שלב {n}")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    initiative = factory.SubFactory(InitiativeFactory)
    kind = "working_group"
    name = factory.Sequence(lambda n: f"צוות {n}")


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(GroupFactory)
    person = factory.SubFactory(PersonFactory)
    role = "member"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    initiative = factory.SubFactory(InitiativeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PARTNER
