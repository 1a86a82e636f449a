"""The joint-move workshop's day for the demo workspace: a price / opportunity canvas filled by
four working groups (mostly Hebrew, a few notes in Arabic), some notes hidden or merged as a
facilitator would, and themes found by the clustering and named. Written for the demo, in the
spirit of the workshop the seeds describe; deterministic for a given seed."""

import datetime as dt
import random
import zoneinfo

from meshutaf.initiatives.models import Initiative
from meshutaf.meetings.models import MeetingKind
from meshutaf.workshops import services
from meshutaf.workshops.models import CanvasTemplate, Contribution, Theme

ZONE = zoneinfo.ZoneInfo("Asia/Jerusalem")
WORKSHOP_DAY = dt.datetime(2026, 11, 5, 10, 30, tzinfo=ZONE)

ORGANISATION_PRICE = ("matrix", "organisation", "price")
ORGANISATION_OPPORTUNITY = ("matrix", "organisation", "opportunity")
MOVE_PRICE = ("matrix", "move", "price")
MOVE_OPPORTUNITY = ("matrix", "move", "opportunity")
PRACTICES = ("practices", "", "")
QUESTIONS = ("questions", "", "")

# Per group: who joined (a name, or "" for anonymous) and what they wrote, by cell.
GROUPS = [
    (
        "קבוצה א׳ – ממשלה ושלטון מקומי",
        ["מיכל (משרד החינוך)", "יוסי (עיריית באר שבע)", ""],
        [
            (ORGANISATION_PRICE, "ויתור על בלעדיות בידע שצברנו"),
            (ORGANISATION_PRICE, "השקעה של זמן ומשאבים של הצוות"),
            (ORGANISATION_PRICE, "לוחות זמנים של תקציב המדינה לא מתאימים לקצב של השותפים"),
            (ORGANISATION_OPPORTUNITY, "מידע מהשטח שלא מגיע אלינו בערוצים הרגילים"),
            (ORGANISATION_OPPORTUNITY, "חיבור הצוות סביב מטרה משותפת"),
            (MOVE_PRICE, "מורכבות ובירוקרטיה בקבלת החלטות"),
            (MOVE_PRICE, "אג'נדות נוספות סביב השולחן"),
            (MOVE_OPPORTUNITY, "פתרונות מזוויות שונות"),
            (MOVE_OPPORTUNITY, "מדיניות שנבנית יחד עם מי שמיישם אותה"),
            (PRACTICES, "תיאום ציפיות והגדרת גבולות לפני הכניסה לשותפות"),
            (QUESTIONS, "איך מתגברים על יחסי הכוח בין משרד ממשלתי לעמותה קטנה?"),
            (QUESTIONS, "מתי יש הפסקת קפה?"),
        ],
    ),
    (
        "קבוצה ב׳ – חברה אזרחית",
        ["רונית (עמותת לתת)", "סמיר (שתי״ל)", "", ""],
        [
            (ORGANISATION_PRICE, "ויתור על הבלעדיות על הידע שלנו"),
            (ORGANISATION_PRICE, "זמן ומשאבים שיוצאים מהעבודה השוטפת"),
            (ORGANISATION_PRICE, "פשרה על פתרון שיהיה מוסכם על כולם"),
            (ORGANISATION_PRICE, "מוניטין ואגו: הקרדיט מתחלק בין כולם"),
            (ORGANISATION_OPPORTUNITY, "התפתחות והתחדשות של הארגון"),
            (ORGANISATION_OPPORTUNITY, "חיבור הצוות למטרה משותפת"),
            (MOVE_PRICE, "ויתור על שותפים שלא מזדהים עם המהלך"),
            (MOVE_PRICE, "בירוקרטיה ומורכבות"),
            (MOVE_OPPORTUNITY, "גיוון דעות והצעות"),
            (MOVE_OPPORTUNITY, "זיהוי צרכים הדדי בין הארגונים"),
            (PRACTICES, "להדגיש את היתרון ואת התועלת לכל ארגון"),
            (PRACTICES, "תיאום ציפיות וגבולות ארגוניים מראש"),
            (QUESTIONS, "האם המהלך הוא מרק או סלט של ארגונים?"),
        ],
    ),
    (
        "קבוצה ג׳ – עסקים ופילנתרופיה",
        ["דנה (קרן)", "עמית (שטראוס)", ""],
        [
            (ORGANISATION_PRICE, "השקעת זמן ומשאבים ניהוליים"),
            (ORGANISATION_PRICE, "מוניטין: החשש שהמותג ייקשר בכישלון"),
            (ORGANISATION_OPPORTUNITY, "תועלת לארגון ולעובדים"),
            (ORGANISATION_OPPORTUNITY, "השפעה רחבה יותר מכל מענק לבד"),
            (MOVE_PRICE, "קצב איטי של קבלת החלטות ובירוקרטיה"),
            (MOVE_OPPORTUNITY, "שותפות אינטרסים בין המגזרים"),
            (MOVE_OPPORTUNITY, "גיוון ערכים ודעות במהלך"),
            (PRACTICES, "להגדיר מדדי הצלחה משותפים כבר בהתחלה"),
            (QUESTIONS, "מה המחיר של גמישות מול שמירה על האג'נדה שלנו?"),
            (QUESTIONS, "איך מודדים הצלחה של מהלך משותף?"),
        ],
    ),
    (
        "קבוצה ד׳ – קבוצה מעורבת",
        ["נאדיה (עיריית רהט)", "גל (אוניברסיטת בן-גוריון)", ""],
        [
            (ORGANISATION_PRICE, "التنازل عن الحصرية في المعرفة"),
            (ORGANISATION_PRICE, "الوقت والموارد المطلوبة من الطاقم"),
            (ORGANISATION_PRICE, "ויתור על בלעדיות"),
            (ORGANISATION_OPPORTUNITY, "חיבור הצוות סביב מטרה משותפת אחת"),
            (ORGANISATION_OPPORTUNITY, "التعلم من قطاعات أخرى"),
            (MOVE_PRICE, "בירוקרטיה ומורכבות של שותפות רב-מגזרית"),
            (MOVE_OPPORTUNITY, "פתרונות מזוויות שונות"),
            (MOVE_OPPORTUNITY, "صوت المجتمع العربي حاضر على الطاولة"),
            (PRACTICES, "להקדיש יותר זמן ליישום הפתרון ולא רק להסכמה על הבעיה"),
            (QUESTIONS, "האם כל הגורמים מבינים שזו שותפות ולא התייעצות?"),
            (QUESTIONS, "כيف نضمن أن تبقى الشراكة متساوية؟"),
        ],
    ),
]

# Suggested themes of the matrix renamed by the facilitator, by a word their notes share.
THEME_NAMES = [
    ("בלעדיות", "ויתור על בלעדיות וידע"),
    ("משאבים", "זמן ומשאבים"),
    ("בירוקרטיה", "בירוקרטיה ומורכבות"),
    ("חיבור הצוות", "חיבור הצוות למטרה משותפת"),
]


def build_workshop(*, initiative: Initiative, facilitator, rng: random.Random) -> None:
    services.builtin_templates_ensure()
    template = CanvasTemplate.objects.get(initiative=None, key="price-opportunity")
    meeting = initiative.meetings.filter(kind=MeetingKind.WORKSHOP).first()
    session = services.workshop_session_create(
        initiative=initiative,
        by=facilitator,
        title="יום הסדנה: כיצד אוכל לרתום את הארגון שלי למהלך משותף?",
        template=template,
        groups=[name for name, _people, _notes in GROUPS],
        instructions=(
            "כל קבוצה ממלאת את המטריצה: מה המחיר ומה ההזדמנות, לארגון שלי ולמהלך המשותף. "
            "פתק אחד לכל רעיון, קצר ככל האפשר."
        ),
        meeting=meeting,
    )
    groups = list(session.groups.order_by("position"))
    added: list[Contribution] = []
    for group, (_name, people, notes) in zip(groups, GROUPS, strict=True):
        participants = [
            services.participant_join(group=group, display_name=person, anonymous=not person)
            for person in people
        ]
        for (section, row, column), text in notes:
            added.append(
                services.contribution_add(
                    group=group,
                    section_key=section,
                    row_key=row,
                    column_key=column,
                    text=text,
                    participant=rng.choice(participants),
                )
            )
    # Spread the notes over the working hour of the workshop day.
    for minute, contribution in enumerate(added):
        Contribution.objects.filter(pk=contribution.pk).update(
            created_at=WORKSHOP_DAY + dt.timedelta(minutes=minute, seconds=rng.randint(0, 59)),
            updated_at=WORKSHOP_DAY + dt.timedelta(minutes=minute + 1),
        )

    # Moderation: an off-topic note hidden, two exact duplicates merged.
    by_text = {contribution.text: contribution for contribution in added}
    services.contribution_set_hidden(
        contribution=by_text["מתי יש הפסקת קפה?"], by=facilitator, hidden=True
    )
    duplicates = [c for c in added if c.text == "פתרונות מזוויות שונות"]
    services.contributions_merge(target=duplicates[0], duplicates=duplicates[1:], by=facilitator)
    services.contributions_merge(
        target=by_text["תיאום ציפיות והגדרת גבולות לפני הכניסה לשותפות"],
        duplicates=[by_text["תיאום ציפיות וגבולות ארגוניים מראש"]],
        by=facilitator,
    )

    # Themes: suggested by the clustering for every section, the main ones renamed.
    for section in session.sections():
        services.themes_suggest(session=session, section_key=section.key, by=facilitator)
    for theme in Theme.objects.filter(session=session, section_key="matrix"):
        texts = " ".join(theme.contributions.values_list("text", flat=True))
        for word, name in THEME_NAMES:
            if word in texts:
                services.theme_rename(theme=theme, by=facilitator, name=name)
                break
    # The clustering put a note about partners with the exclusivity notes; the facilitator
    # takes it out.
    stray = Contribution.objects.get(pk=by_text["ויתור על שותפים שלא מזדהים עם המהלך"].pk)
    if stray.theme_id is not None:
        services.contribution_set_theme(contribution=stray, theme=None, by=facilitator)
    # Left open, so a visitor can scan a group's QR code and add a note to the demo.
    type(session).objects.filter(pk=session.pk).update(
        created_at=WORKSHOP_DAY - dt.timedelta(days=2)
    )
