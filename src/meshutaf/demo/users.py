"""The three demo logins, their shared password and the organisation that facilitates every
demo initiative. Kept in Python: the descriptions are translated (sign-in help, `meshutaf demo`)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Published in the README on purpose: the demo is for trying Meshutaf out, never a live site.
DEMO_PASSWORD = "meshutaf-demo-2026"
FACILITATING_ORGANISATION = "sheatufim"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    email: str
    is_backbone: bool
    organisation: str
    role_title: str
    bio: str
    description: object  # a lazy translation


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        username="facilitator",
        first_name="דנה",
        last_name="כרמלי",
        email="facilitator@example.org",
        is_backbone=True,
        organisation="sheatufim",
        role_title="מנחת תהליכים בכירה",
        bio="מלווה שולחנות עגולים ומהלכים משותפים בין ממשלה, רשויות, ארגונים וקרנות.",
        description=_("backbone staff; facilitator of every demo initiative"),
    ),
    DemoUser(
        username="partner",
        first_name="מיכל",
        last_name="שרעבי",
        email="partner@example.org",
        is_backbone=False,
        organisation="lautman",
        role_title="מנהלת תכניות שיח ציבורי",
        bio="אחראית בקרן על התמיכה במיזמים לשיח מכבד ברשת ובמרחב הציבורי.",
        description=_(
            "partner in “Different Speech” and in the town’s collective-impact programme, "
            "where she reports for the community centre; participant in the PM Office roundtable"
        ),
    ),
    DemoUser(
        username="outsider",
        first_name="סאמר",
        last_name="חדאד",
        email="outsider@example.org",
        is_backbone=False,
        organisation="haifa",
        role_title="חוקר ביחידה לחקר התקשורת",
        bio="חוקר שיח ברשתות החברתיות בעברית ובערבית.",
        description=_("member of no initiative, so sees none"),
    ),
)
