"""A synthetic corpus for the "Different Speech" demo, and the generator tests use too.

Every post is made up here from short phrases, each tied to a codebook dimension, so the
true label of every post is known. Nothing is real; the corpus says so on every page.
Prevalences differ by community and drift over the months, so the dashboard has a story to
show (and the tests something to recover).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

TOPICS = {
    "he": [
        "הדיון על תקציב התחבורה הציבורית בעיר",
        "ההחלטה לסגור את המתנ״ס בשכונה",
        "הגיוס לשירות הלאומי",
        "יוקר המחיה והמחירים בסופר",
        "הבחירות למועצה המקומית",
        "בניית שכונה חדשה ליד היישוב",
        "המצב בבתי החולים בצפון",
        "לימודי הערבית בבתי הספר",
    ],
    "ar": [
        "النقاش حول ميزانية المواصلات في البلد",
        "قرار إغلاق المركز الجماهيري في الحي",
        "غلاء المعيشة والأسعار في الدكاكين",
        "انتخابات المجلس المحلي",
        "نقص الأطباء في مستشفيات الشمال",
        "تعليم اللغة العبرية في المدارس",
        "الجريمة في البلدات العربية",
    ],
    "en": [
        "the debate about the city's transport budget",
        "closing the neighbourhood community centre",
        "the cost of living",
        "the local council elections",
    ],
}

# Phrases by dimension: each makes its dimension true for the post it joins.
PHRASES = {
    "he": {
        "insult": ["רק אידיוט יכול לכתוב שטות כזאת", "אתה פשוט טיפש ולא מבין כלום", "איזה ליצן"],
        "identity_attack": ["אנשים כמוהם לא שייכים לכאן", "כל המגזר הזה הוא בעיה אחת גדולה"],
        "threat": ["מישהו צריך ללמד אותם לקח", "שיזהרו, עוד נגיע אליהם"],
        "dehumanisation": ["הם כולם אותו דבר, כמו עדר", "הם מחלה של המדינה"],
        "profanity": ["לעזאזל עם כל זה", "איזה חרא של החלטה"],
        "respect": ["אני מכבד את דעתך גם אם אני חושב אחרת", "תודה שהסברת את עמדתך בנימוס"],
        "reasoning": ["לפי הנתונים של העירייה הקו מלא בשעות העומס", "יש מחקר שמראה שזה עובד"],
        "curiosity": ["מה גרם לך להגיע למסקנה הזאת?", "אשמח להבין איך זה נראה מהצד שלכם"],
        "nuance": ["יש להם נקודה לגבי העלויות, גם אם אני לא מסכים", "זה מורכב יותר ממה שנראה"],
        "personal_story": ["כשהבן שלי התגייס הרגשנו את זה בבית", "אני גדלתי בשכונה הזאת וראיתי"],
        "compassion": ["הלב שלי עם המשפחות משני הצדדים", "קשה לי לראות כמה אנשים סובלים"],
        "common_ground": ["בסוף כולנו רוצים שהילדים יהיו בטוחים", "יש פה אינטרס משותף לכולנו"],
    },
    "ar": {
        "insult": ["فقط غبي يكتب هذا الكلام", "أنت لا تفهم شيئاً يا جاهل"],
        "identity_attack": ["هؤلاء الناس لا مكان لهم هنا", "هذه الطائفة كلها مشكلة"],
        "threat": ["لازم أحد يعلمهم درساً", "سيدفعون الثمن قريباً"],
        "dehumanisation": ["كلهم نفس الشيء مثل القطيع", "هم وباء على البلد"],
        "profanity": ["تباً لهذا القرار", "كلام فارغ ولعنة عليه"],
        "respect": ["أحترم رأيك حتى لو اختلفت معك", "شكراً لأنك شرحت موقفك بأدب"],
        "reasoning": [
            "حسب أرقام البلدية الخط مزدحم في ساعات الذروة",
            "هناك دراسة تبين أن هذا ينجح",
        ],
        "curiosity": ["ما الذي جعلك تصل إلى هذا الاستنتاج؟", "أود أن أفهم كيف ترون الأمر"],
        "nuance": ["عندهم نقطة بخصوص التكاليف رغم أني لا أوافق", "الموضوع أعقد مما يبدو"],
        "personal_story": ["عندما مرض أبي رأينا الوضع بأعيننا", "كبرت في هذا الحي ورأيت بنفسي"],
        "compassion": ["قلبي مع العائلات من الجانبين", "يؤلمني أن أرى هذه المعاناة"],
        "common_ground": ["في النهاية كلنا نريد الأمان لأولادنا", "هناك مصلحة مشتركة لنا جميعاً"],
    },
    "en": {
        "insult": ["only an idiot would write this", "you clearly understand nothing"],
        "identity_attack": ["people like them do not belong here"],
        "threat": ["someone should teach them a lesson"],
        "dehumanisation": ["they are all the same, like a herd"],
        "profanity": ["damn this whole thing"],
        "respect": ["I respect your view even though I disagree"],
        "reasoning": ["the council's own figures show the line is full at rush hour"],
        "curiosity": ["what led you to that conclusion?"],
        "nuance": ["they have a point about the costs"],
        "personal_story": ["when my son was drafted we felt it at home"],
        "compassion": ["my heart goes out to the families on both sides"],
        "common_ground": ["in the end we all want our children to be safe"],
    },
}
QUOTE_PREFIX = {
    "he": "תראו מה כתבו לי: ",
    "ar": "انظروا ماذا كتبوا لي: ",
    "en": "Look what I got: ",
}
COUNTER = {
    "he": "לכתוב ככה על ציבור שלם זה לא בסדר",
    "ar": "لا يجوز الكتابة هكذا عن مجتمع كامل",
    "en": "writing that about a whole community is not acceptable",
}
INCIVILITY = ["insult", "identity_attack", "threat", "dehumanisation", "profanity"]
DIFFERENT = [
    "respect",
    "reasoning",
    "curiosity",
    "nuance",
    "personal_story",
    "compassion",
    "common_ground",
]
COMMUNITIES = [("כללי", "he"), ("חרדי", "he"), ("ערבי", "ar"), ("דתי לאומי", "he")]
PLATFORMS = ["facebook", "x", "telegram", "news comments"]


@dataclass
class Post:
    text: str
    language: str
    community: str
    platform: str
    published: dt.datetime
    thread: str
    author: str
    labels: dict[str, int]


def _post(rng: random.Random, language: str, p_uncivil: float, p_different: float) -> tuple:
    labels = dict.fromkeys([*INCIVILITY, *DIFFERENT], 0)
    labels.update(constructive=0, counter_speech=0, quotation=0)
    topic = rng.choice(TOPICS[language])
    parts = [topic + ":" if rng.random() < 0.5 else topic + " –"]
    if rng.random() < p_uncivil:
        for key in rng.sample(INCIVILITY, k=rng.choice([1, 1, 2])):
            parts.append(rng.choice(PHRASES[language][key]))
            labels[key] = 1
        if rng.random() < 0.12:
            parts[1] = QUOTE_PREFIX[language] + parts[1]
            labels["quotation"] = 1
    if rng.random() < p_different:
        for key in rng.sample(DIFFERENT, k=rng.choice([1, 1, 2])):
            parts.append(rng.choice(PHRASES[language][key]))
            labels[key] = 1
    if rng.random() < 0.05:
        parts.append(COUNTER[language])
        labels["counter_speech"] = 1
    labels["constructive"] = int(
        any(labels[k] for k in DIFFERENT) and not any(labels[k] for k in INCIVILITY)
    )
    text = ". ".join(parts[:1] + parts[1:]) if len(parts) > 1 else parts[0]
    if rng.random() < 0.3:
        text += rng.choice(["!", "!!", "?", " 🙏", " 😡", "..."])
    return text, labels


def synthetic_posts(
    n: int, *, seed: int = 0, months: int = 6, start: dt.date = dt.date(2026, 1, 1)
) -> list[Post]:
    """`n` posts spread over `months` months and four communities. Incivility grows over the
    months in one community and falls in another; different speech moves the other way."""
    from django.utils import timezone

    rng = random.Random(seed)
    posts = []
    for i in range(n):
        community, language = rng.choice(COMMUNITIES)
        if language == "he" and rng.random() < 0.05:
            language = "en"
        month = rng.randrange(months)
        drift = month / max(1, months - 1)
        p_uncivil = {"כללי": 0.25, "חרדי": 0.15 + 0.2 * drift, "ערבי": 0.35 - 0.2 * drift}.get(
            community, 0.2
        )
        p_different = 0.55 - p_uncivil
        text, labels = _post(rng, language, p_uncivil, p_different)
        day = start + dt.timedelta(days=int(month * 30.4 + rng.randrange(28)))
        published = timezone.make_aware(
            dt.datetime.combine(day, dt.time(rng.randrange(7, 23), rng.randrange(60)))
        )
        posts.append(
            Post(
                text=text,
                language=language,
                community=community,
                platform=rng.choice(PLATFORMS),
                published=published,
                thread=f"t{i // 4}",
                author=f"user{rng.randrange(n // 3 + 1)}",
                labels=labels,
            )
        )
    return posts


def posts_as_rows(posts: list[Post]) -> tuple[list[str], list[list[str]]]:
    headers = ["text", "platform", "community", "date", "thread", "author", "id"]
    rows = [
        [
            post.text,
            post.platform,
            post.community,
            post.published.isoformat(),
            post.thread,
            post.author,
            f"p{number}",
        ]
        for number, post in enumerate(posts)
    ]
    return headers, rows


def build_discourse(*, initiative, facilitator, rng: random.Random, size: int = 900):
    """A corpus of `size` synthetic posts: imported, sampled, coded (a reliability subset by
    three annotators, who sometimes disagree), trained, scored. Runs inside the demo's
    transaction, so training and scoring run in the foreground here."""
    from meshutaf.accounts.models import User
    from meshutaf.initiatives.models import Membership, Role

    from .discourse import importing, services
    from .discourse.models import Assignment, SampleKind

    posts = synthetic_posts(size, seed=rng.randrange(10_000))
    corpus = services.corpus_create(
        name="דיבור אחר – קורפוס הדגמה (סינתטי)",
        initiative=initiative,
        by=facilitator,
        is_synthetic=True,
        description=(
            "קורפוס סינתטי לחלוטין, שנכתב לצורך הדגמה בלבד: משפטים שהורכבו ממאגר ביטויים, "
            "בעברית ובערבית. אין בו ציטוט של אדם אמיתי."
        ),
        communities=[name for name, _language in COMMUNITIES],
    )
    headers, rows = posts_as_rows(posts)
    prepared = importing.prepare_rows(
        headers, rows, importing.guess_mapping(headers), salt=corpus.salt
    )
    services.items_import(corpus=corpus, rows=prepared, by=facilitator, filename="synthetic.csv")
    sample = services.sample_create(
        corpus=corpus,
        name="מדגם ביקורת – שכבות לפי חודש וקהילה",
        kind=SampleKind.STRATIFIED,
        size=20,
        by_platform=False,
        by_language=False,
        by=facilitator,
        seed=7,
    )
    # Two research assistants code with the facilitator; they have no password (they are not
    # demo logins), so the reliability subset has three independent coders.
    annotators = [facilitator]
    for number, (first, last) in enumerate([("מאיה", "כהן"), ("ראמי", "חורי")], start=1):
        user = User.objects.create(
            username=f"coder-{number}", first_name=first, last_name=last, is_active=True
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Membership.objects.create(initiative=initiative, user=user, role=Role.PARTICIPANT)
        annotators.append(user)
    services.assignments_create(
        sample=sample,
        annotators=annotators,
        reliability_items=min(40, sample.entries.count()),
        coders_per_item=3,
        seed=3,
    )
    truth = {f"p{number}": post.labels for number, post in enumerate(posts)}
    coder_rng = random.Random(11)
    keep_open = 6  # a few left for the facilitator to try the annotation screen
    assignments = list(
        Assignment.objects.filter(sample=sample).select_related("item__corpus", "annotator")
    )
    for assignment in assignments:
        if assignment.annotator == facilitator and keep_open and not assignment.reliability:
            keep_open -= 1
            continue
        labels = dict(truth[assignment.item.external_id])
        # Annotators are human: now and then one misses or over-reads a dimension.
        for key in labels:
            if coder_rng.random() < 0.015:
                labels[key] = 1 - labels[key]
        services.annotation_save(assignment=assignment, values=labels)
    model = services.model_train_request(corpus=corpus, by=facilitator, enqueue=False)
    model = services.model_train_run(model_id=model.pk)
    if model.status == "ready":
        run = services.scoring_request(corpus=corpus, model=model, by=facilitator, enqueue=False)
        services.scoring_run_execute(run_id=run.pk)
    return corpus
