"""Three years of a roundtable's meetings for the demo workspace: a monthly series with
agendas, minutes, attendance, decisions, action items (done, open and overdue), insights and
speaking turns, so the meeting pages, the search, the charts and the summary report have
something real-looking to show. Part of `meshutaf demo`; deterministic for a given seed."""

import datetime as dt
import random
import zoneinfo

from django.utils import timezone

from meshutaf.initiatives.models import Initiative, Membership, Role
from meshutaf.initiatives.services import membership_add
from meshutaf.knowledge.services import insight_create
from meshutaf.meetings import services
from meshutaf.meetings.models import ActionStatus, MeetingStatus, Outcome, OutcomeKind
from meshutaf.directory.models import Person

ZONE = zoneinfo.ZoneInfo("Asia/Jerusalem")

TEMPLATE = [
    {"title": "פתיחה ועדכונים מהשותפים", "minutes": 15},
    {"title": "מעקב אחר משימות פתוחות", "minutes": 15},
    {"title": "נושא מרכזי", "minutes": 60},
    {"title": "סיכום, החלטות והמשך", "minutes": 15},
]

# (topic, minutes of the main item, a decision, an action item) — written for the demo.
TOPICS = [
    (
        "מיפוי שירותי הסיוע ברשויות המקומיות",
        "הוצגה טיוטת מיפוי של שירותי הסיוע לניצולים ב-40 רשויות. עלה כי ברשויות הקטנות אין "
        "איש קשר קבוע, והמידע על זכויות מגיע לניצולים בעיקר דרך עמותות.",
        "השולחן מאמץ את המיפוי כבסיס לתוכנית העבודה השנתית.",
        "להשלים את נתוני הרשויות בצפון ולהפיץ לחברי השולחן",
    ),
    (
        "מיצוי זכויות: חסמים בירוקרטיים",
        "נציגי הארגונים תיארו מקרים שבהם ניצולים ויתרו על הטבות בגלל טפסים מורכבים. נציגת "
        "הרשות לזכויות ניצולים הציגה את תהליך הפישוט שהחל בשנה שעברה.",
        "יוקם צוות משותף לפישוט טופס הבקשה למענק השנתי.",
        "לרכז רשימת טפסים שדורשים פישוט, עם דוגמאות מהשטח",
    ),
    (
        "בדידות בקרב ניצולים המתגוררים לבדם",
        "מחקר שהוצג בשולחן מצא כי כשליש מהניצולים המתגוררים לבדם אינם פוגשים אדם אחר במשך "
        "שבוע שלם. הפילנתרופיה הציעה מימון תואם לתוכנית מתנדבים.",
        "השולחן ימליץ על הרחבת תוכנית הביקורים הביתיים לשלוש ערים נוספות.",
        "לנסח מסמך המלצה לתוכנית הביקורים ולהעבירו להערות",
    ),
    (
        "שיתוף מידע בין משרדי הממשלה",
        "נדונו האפשרויות להעברת מידע בין המשרדים בלי לפגוע בפרטיות. היועצת המשפטית הבהירה "
        "מה מותר כיום ומה דורש הסכמה מפורשת של הניצול.",
        "יוכן נוהל הסכמה אחיד לשיתוף מידע בין הגופים המשתתפים.",
        "להכין טיוטת נוהל הסכמה ולהציגה בפגישה הבאה",
    ),
    (
        "היערכות לחורף ולמצבי חירום",
        "הרשויות המקומיות עדכנו על מוכנות המוקדים. עלה צורך ברשימה מעודכנת של ניצולים "
        "המתגוררים בקומות גבוהות ללא מעלית.",
        "הרשויות יעבירו עד סוף החודש רשימות מעודכנות למוקדי החירום.",
        "לתאם עם המוקדים העירוניים את העברת הרשימות",
    ),
    (
        "הכשרת מתנדבים צעירים",
        "תנועות הנוער ומכינות קדם-צבאיות הציגו מודלים של מפגשים בין-דוריים. הוסכם שהכשרה "
        "משותפת תחסוך כפילויות.",
        "תיבנה תוכנית הכשרה משותפת למתנדבים, בהובלת העמותות.",
        "לגבש סילבוס להכשרת המתנדבים",
    ),
    (
        "מדידה: מה השתנה בשלוש השנים",
        "הוצגו נתוני המעקב: עלייה במספר הניצולים שמימשו את זכויותיהם וירידה בזמן הטיפול "
        "בבקשות. הנתונים על בדידות עדיין חלקיים.",
        "השולחן יפרסם דוח ציבורי קצר על ההישגים והפערים.",
        "לאסוף את נתוני המדדים מכל השותפים לדוח הציבורי",
    ),
    (
        "רפואה ושיניים: פערים בנגישות",
        "קופות החולים הציגו את היקף השימוש בטיפולי שיניים מסובסדים. בפריפריה הנגישות נמוכה בהרבה.",
        "תוגש בקשה משותפת להרחבת השירות הנייד לפריפריה.",
        "לכתוב את הבקשה המשותפת לשירות הנייד",
    ),
]

INSIGHTS = [
    (
        "אמון נבנה במעקב, לא בהצהרות",
        "מאז שהתחלנו לפתוח כל פגישה במעקב אחר המשימות, השותפים מגיעים מוכנים יותר והמשימות "
        "נסגרות מהר יותר.",
        ["תהליך", "משימות"],
        True,
    ),
    (
        "הרשויות הקטנות צריכות איש קשר אחד",
        "בכל פעם שהיה איש קשר קבוע ברשות, הפניות טופלו בתוך שבוע. בלי איש קשר, חודשים.",
        ["רשויות מקומיות"],
        True,
    ),
    (
        "פרטיות היא תנאי לשיתוף מידע, לא מכשול",
        "נוהל ההסכמה האחיד הפך את הדיון מוויכוח משפטי לעבודה מעשית.",
        ["מידע", "פרטיות"],
        False,
    ),
    (
        "קול הניצולים עצמם חסר בשולחן",
        "רוב הדיונים מתנהלים בין נותני השירות. הוחלט להזמין נציגי ניצולים אחת לרבעון.",
        ["השתתפות"],
        True,
    ),
]


def _people(initiative: Initiative) -> list[Person]:
    """The people who sit at this roundtable: its groups' members and its members' entries."""
    people = {
        member.person
        for group in initiative.groups.prefetch_related("memberships__person")
        for member in group.memberships.all()
    }
    people |= set(Person.objects.filter(user__memberships__initiative=initiative))
    return sorted(people, key=lambda person: person.pk)


def build_meetings(*, initiative: Initiative, facilitator, partner, rng: random.Random) -> None:
    """Meetings every five to seven weeks from three years ago until two upcoming ones."""
    if not Membership.objects.filter(initiative=initiative, user=partner).exists():
        membership_add(initiative=initiative, by=facilitator, user=partner, role=Role.PARTICIPANT)
    partner_person = services.person_for_user(user=partner, by=facilitator)
    series = services.series_create(
        initiative=initiative,
        by=facilitator,
        title="מליאת השולחן העגול",
        recurrence="monthly",
        duration_minutes=120,
        venue="משרד הרווחה, ירושלים",
        agenda_template=TEMPLATE,
    )
    people = _people(initiative)
    today = timezone.localdate()
    day = today - dt.timedelta(days=3 * 365)
    number = 0
    while day < today + dt.timedelta(days=60):
        number += 1
        start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=ZONE)
        held = start < timezone.now()
        topic, minutes, decision, action = TOPICS[(number - 1) % len(TOPICS)]
        meeting = services.meeting_create(
            initiative=initiative,
            by=facilitator,
            series=series,
            title=f"מליאה {number}: {topic}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
            description=f"הנושא המרכזי: {topic}.",
        )
        invited = [person for person in people if person.user_id]
        users = [
            person.user
            for person in invited
            if person.user.memberships.filter(initiative=initiative).exists()
        ]
        services.invitees_add(meeting=meeting, by=facilitator, users=users, send=False)
        if not held:
            day += dt.timedelta(days=rng.choice((35, 42, 49)))
            continue
        present = rng.sample(people, k=max(3, int(len(people) * rng.uniform(0.55, 0.9))))
        if partner_person not in present and rng.random() < 0.6:
            present.append(partner_person)
        services.attendance_set(meeting=meeting, by=facilitator, people=present)
        items = list(meeting.agenda_items.order_by("position"))
        main = next(item for item in items if item.title == "נושא מרכזי")
        services.agenda_item_update(
            item=main, by=facilitator, data={"title": topic, "minutes": minutes}
        )
        services.outcome_create(
            meeting=meeting,
            by=facilitator,
            kind=OutcomeKind.DECISION,
            text=decision,
            agenda_item=main,
        )
        services.outcome_create(
            meeting=meeting,
            by=facilitator,
            kind=OutcomeKind.INFORMATION,
            text=f"נכחו {len(present)} משתתפים.",
        )
        owners = [partner_person] if number % 3 == 0 else []
        owners.append(rng.choice(present))
        for owner in owners:
            item = services.outcome_create(
                meeting=meeting,
                by=facilitator,
                kind=OutcomeKind.ACTION,
                text=action,
                agenda_item=main,
                owner=owner,
                due_date=day + dt.timedelta(days=rng.choice((14, 21, 30))),
            )
            age = (today - day).days
            # Older items were mostly closed; the last few months' are still moving.
            if (age > 120 and rng.random() < 0.85) or (age > 45 and rng.random() < 0.5):
                status = ActionStatus.DONE if rng.random() < 0.9 else ActionStatus.DROPPED
                services.action_item_set_status(item=item, by=facilitator, status=status)
                closed = dt.datetime.combine(
                    day + dt.timedelta(days=rng.randint(7, 40)), dt.time(12), tzinfo=ZONE
                )
                Outcome.objects.filter(pk=item.pk).update(closed_at=min(closed, timezone.now()))
            elif rng.random() < 0.3:
                services.action_item_set_status(
                    item=item, by=facilitator, status=ActionStatus.IN_PROGRESS
                )
        speakers = present[:]
        for _turn in range(rng.randint(15, 30)):
            # A few voices dominate, as they tend to.
            person = speakers[min(int(rng.expovariate(0.5)), len(speakers) - 1)]
            services.speaking_turn_add(meeting=meeting, by=facilitator, person=person)
        day += dt.timedelta(days=rng.choice((35, 42, 49)))
    for index, (title, body, tags, key) in enumerate(INSIGHTS):
        meeting = initiative.meetings.filter(status=MeetingStatus.HELD).order_by("starts_at")[
            index * 5
        ]
        insight_create(
            initiative=initiative,
            by=facilitator,
            title=title,
            body=body,
            tags=tags,
            is_key=key,
            meeting=meeting,
        )
