"""The default selection rubric: the five criteria a leadership cohort for senior officials
selects on, each with behaviourally anchored levels (what a 1, a 3 and a 5 look like, so two
reviewers mean the same by the same number). Programme staff edit a copy before freezing it.
"""

from typing import NamedTuple


class DefaultCriterion(NamedTuple):
    code: str
    name: dict[str, str]
    anchors: dict[int, dict[str, str]]


DEFAULT_CRITERIA: tuple[DefaultCriterion, ...] = (
    DefaultCriterion(
        "leadership",
        {"he": "כישורי מנהיגות", "ar": "مهارات القيادة", "en": "Leadership"},
        {
            1: {
                "he": "ממלא תפקיד לפי הגדרתו; לא מוצגת דוגמה שבה גייס אחרים סביב מטרה.",
                "ar": "يؤدي دوره كما هو محدد؛ لا يُذكر مثال حشد فيه آخرين حول هدف.",
                "en": "Does the role as defined; no example of rallying others around a goal.",
            },
            3: {
                "he": "הוביל צוות או פרויקט בתוך יחידתו והשיג תוצאה מוגדרת.",
                "ar": "قاد فريقاً أو مشروعاً داخل وحدته وحقق نتيجة محددة.",
                "en": "Led a team or project within their unit to a defined result.",
            },
            5: {
                "he": "הוביל אנשים מחוץ לסמכותו הפורמלית לאורך זמן, ואחרים מעידים על כך.",
                "ar": "قاد أشخاصاً خارج سلطته الرسمية لفترة طويلة، ويشهد آخرون بذلك.",
                "en": "Has led people beyond their formal authority over time; others attest it.",
            },
        },
    ),
    DefaultCriterion(
        "change",
        {
            "he": "יכולת להוביל שינוי במשרד",
            "ar": "القدرة على قيادة التغيير في الوزارة",
            "en": "Ability to lead change in the office",
        },
        {
            1: {
                "he": "אין דוגמה לשינוי בנוהל, במדיניות או בדרך עבודה שיזם.",
                "ar": "لا مثال على تغيير في إجراء أو سياسة أو طريقة عمل بادر إليه.",
                "en": "No example of a change in procedure, policy or practice they initiated.",
            },
            3: {
                "he": "יזם שינוי ביחידתו והביא אותו לאישור או ליישום חלקי.",
                "ar": "بادر إلى تغيير في وحدته وأوصله إلى المصادقة أو التطبيق الجزئي.",
                "en": "Initiated a change in their unit and took it to approval or partial use.",
            },
            5: {
                "he": "הוביל שינוי שחצה יחידות או משרדים ונשאר בתוקף אחרי שעזב אותו.",
                "ar": "قاد تغييراً عبر وحدات أو وزارات وبقي سارياً بعد أن تركه.",
                "en": "Led a change across units or ministries that lasted after they moved on.",
            },
        },
    ),
    DefaultCriterion(
        "teamwork",
        {"he": "עבודת צוות", "ar": "العمل الجماعي", "en": "Teamwork"},
        {
            1: {
                "he": "עובד בעיקר לבד; שיתופי פעולה מתוארים כמטלה.",
                "ar": "يعمل غالباً بمفرده؛ يوصف التعاون كواجب.",
                "en": "Works mostly alone; collaboration is described as a chore.",
            },
            3: {
                "he": "משתף פעולה היטב עם עמיתים ביחידתו ובמשרדו.",
                "ar": "يتعاون جيداً مع زملائه في وحدته ووزارته.",
                "en": "Collaborates well with colleagues in their unit and office.",
            },
            5: {
                "he": "בונה צוותים מגוונים, מגשר בין עמדות ונותן קרדיט לאחרים.",
                "ar": "يبني فرقاً متنوعة، ويقرّب بين المواقف، وينسب الفضل للآخرين.",
                "en": "Builds diverse teams, bridges positions and gives others the credit.",
            },
        },
    ),
    DefaultCriterion(
        "social_awareness",
        {"he": "תודעה חברתית", "ar": "الوعي الاجتماعي", "en": "Social awareness"},
        {
            1: {
                "he": "מתאר את עבודתו במונחי תהליך בלבד, בלי האנשים שהיא משרתת.",
                "ar": "يصف عمله بمصطلحات الإجراءات فقط، دون الناس الذين يخدمهم.",
                "en": "Describes the work in process terms only, not the people it serves.",
            },
            3: {
                "he": "מזהה פערים בין אוכלוסיות ומביא אותם בחשבון בעבודתו.",
                "ar": "يلاحظ الفجوات بين الفئات ويأخذها في الحسبان في عمله.",
                "en": "Notices gaps between populations and takes them into account.",
            },
            5: {
                "he": "פעל לצמצום פער עבור אוכלוסייה מוחלשת, יחד עם נציגיה.",
                "ar": "عمل على تقليص فجوة لصالح فئة مستضعفة، مع ممثليها.",
                "en": "Acted to narrow a gap for a disadvantaged group, together with its people.",
            },
        },
    ),
    DefaultCriterion(
        "civil_society",
        {
            "he": "מחויבות לעבודה עם החברה האזרחית",
            "ar": "الالتزام بالعمل مع المجتمع المدني",
            "en": "Commitment to working with civil society",
        },
        {
            1: {
                "he": "רואה בארגונים אזרחיים ספקים או גורם לחץ בלבד.",
                "ar": "يرى في منظمات المجتمع المدني مزوّدين أو جماعات ضغط فقط.",
                "en": "Sees civil-society organisations only as suppliers or lobbyists.",
            },
            3: {
                "he": "עבד עם ארגון אזרחי על נושא משותף ומכיר את נקודת מבטו.",
                "ar": "عمل مع منظمة مدنية على قضية مشتركة ويعرف وجهة نظرها.",
                "en": "Has worked with a civil-society organisation on a shared issue.",
            },
            5: {
                "he": "יזם שותפות קבועה עם החברה האזרחית ומתכוון להרחיבה במשרדו.",
                "ar": "بادر إلى شراكة دائمة مع المجتمع المدني وينوي توسيعها في وزارته.",
                "en": "Started a standing partnership with civil society and means to widen it.",
            },
        },
    ),
)
