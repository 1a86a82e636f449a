"""Demo data for deliberation: an open conversation in the joint-move studio, with statements
written for the demo and a few hundred generated votes from three opinion camps, so the map
shows clear groups and some common ground. The votes are invented; nobody cast them."""

import datetime as dt
import random

from django.utils import timezone

from meshutaf.deliberation.models import (
    Conversation,
    ConversationStatus,
    Moderation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from meshutaf.deliberation.services import conversation_analyze

QUESTION = "מה יגרום לארגון שלכם להצטרף למהלך משותף ולהישאר בו לאורך זמן?"

# (text, camp that agrees: "gov" — government and authorities, "civ" — civil society,
#  "biz" — business and philanthropy, "all" — common ground)
STATEMENTS = [
    ("מהלך משותף צריך יעד מדיד אחד שכל השותפים מתחייבים אליו בכתב.", "gov"),
    ("ארגונים קטנים צריכים לקבל מימון ייעודי לזמן שהם משקיעים בשולחן.", "civ"),
    ("השותף העסקי צריך להיות שותף מלא בקבלת ההחלטות, לא רק מממן.", "biz"),
    ("אני מעדיף להתחיל בפיילוט קטן ומהיר לפני שמתחייבים למהלך ארוך.", "biz"),
    ("המשרד הממשלתי צריך להוביל את המהלך ולשאת באחריות לתוצאות.", "gov"),
    ("ההצלחה של המהלך תלויה בשיתוף של התושבים מהיום הראשון.", "civ"),
    ("צוות שדרה מקצועי שאינו שייך לאף שותף הוא תנאי להצלחה.", "all"),
    ("כל שותף צריך לדעת מראש כמה זמן ומשאבים יידרשו ממנו.", "all"),
    ("שקיפות מלאה בנתונים בין השותפים חשובה יותר מהגנה על המוניטין.", "civ"),
    ("אין טעם במהלך משותף בלי תקציב ממשלתי רב־שנתי מובטח.", "gov"),
    ("קרנות צריכות להתחייב לחמש שנים לפחות, לא לשנה אחת.", "civ"),
    ("מדדי ההצלחה צריכים לכלול גם תוצאות עסקיות לשותפים.", "biz"),
    ("כדאי להכריז על המהלך בפומבי רק אחרי תוצאות ראשונות.", "biz"),
    ("החלטות בשולחן צריכות להתקבל בהסכמה ולא ברוב.", "civ"),
    ("נציגי השלטון המקומי צריכים לשבת בשולחן כשותפים שווים.", "all"),
    ("חשוב לתעד ולשתף גם את מה שלא הצליח.", "all"),
    ("המהלך צריך להיבנות על תוכניות קיימות ולא להמציא חדשות.", "gov"),
    ("ארגון שלא עומד בהתחייבויות שלו צריך לצאת מהשולחן.", "biz"),
    ("השפה בשולחן צריכה להיות נגישה גם לנציגי קהילה, בלי ז'רגון מקצועי.", "all"),
    ("مشاركة السلطات المحلية العربية يجب أن تكون من المرحلة الأولى.", "civ"),
    ("يجب أن تكون جميع مواد الطاولة متاحة بالعربية والعبرية.", "all"),
    ("כל שותף צריך לקבל קרדיט ציבורי על תרומתו.", "biz"),
]

CAMPS = {"gov": 45, "civ": 60, "biz": 35}


def build_deliberation(*, initiative, facilitator, rng: random.Random) -> Conversation:
    conversation = Conversation.objects.create(
        initiative=initiative,
        title="מה יחזיק אותנו במהלך המשותף?",
        question=QUESTION,
        description=(
            "שיחה פתוחה לכל המשתתפים בסטודיו ולשותפים שלהם. "
            "ההצבעות בדמו נוצרו באופן סינתטי כדי להמחיש את מפת הדעות."
        ),
        status=ConversationStatus.OPEN,
        allow_anonymous=True,
        accept_statements=True,
        moderation=Moderation.PRE,
        show_results=True,
        created_by=facilitator,
    )
    statements = Statement.objects.bulk_create(
        [Statement(conversation=conversation, text=text, is_seed=True) for text, _ in STATEMENTS]
    )
    pending = Statement.objects.create(
        conversation=conversation,
        text="כדאי לקבוע מראש מתי ואיך מסיימים את המהלך.",
        status=StatementStatus.PENDING,
        is_seed=False,
    )
    del pending  # shown in the facilitator's moderation queue
    camps = [camp for camp, size in CAMPS.items() for _ in range(size)]
    rng.shuffle(camps)
    participants = Participant.objects.bulk_create(
        [Participant(conversation=conversation) for _ in camps]
    )
    start = timezone.now() - dt.timedelta(days=6)
    votes = []
    moments = []
    for index, (participant, camp) in enumerate(zip(participants, camps, strict=True)):
        seen = rng.sample(range(len(statements)), k=rng.randint(8, len(statements)))
        arrived = start + dt.timedelta(minutes=20 * index)
        for order, position in enumerate(seen):
            text_camp = STATEMENTS[position][1]
            if text_camp == "all":
                agree = 0.85
            elif text_camp == camp:
                agree = 0.88
            else:
                agree = 0.18
            roll = rng.random()
            value = 0 if roll < 0.1 else (1 if rng.random() < agree else -1)
            votes.append(Vote(participant=participant, statement=statements[position], value=value))
            moments.append(arrived + dt.timedelta(seconds=20 * order))
    created = Vote.objects.bulk_create(votes, batch_size=2000)
    for vote, moment in zip(created, moments, strict=True):
        vote.created_at = moment
        vote.updated_at = moment
    Vote.objects.bulk_update(created, ["created_at", "updated_at"], batch_size=2000)
    Conversation.objects.filter(pk=conversation.pk).update(votes_changed_at=timezone.now())
    return conversation_analyze(conversation_id=conversation.pk)
