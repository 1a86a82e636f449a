"""The demo workspace: a facilitation organisation's initiatives, partners, people and groups.

Loaded by `make run` so that a fresh install has realistic Hebrew content to explore and test."""

import datetime as dt
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from meshutaf.accounts.models import User
from meshutaf.accounts.services import user_create
from meshutaf.initiatives.models import (
    GroupKind,
    GroupMember,
    GroupRole,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    Role,
)
from meshutaf.initiatives.services import (
    group_create,
    group_member_add,
    initiative_create,
    membership_add,
    phase_create,
)
from meshutaf.directory.models import Organisation, Person, Sector
from meshutaf.directory.services import affiliation_add, organisation_create, person_create

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
        description=_("partner in “Different Speech”, participant in the PM Office roundtable"),
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


@dataclass
class DemoResult:
    created: bool
    logins: list[tuple[str, str, str]] = field(default_factory=list)


# --- Organisations ---------------------------------------------------------------------------
# Role titles are written "{masculine|feminine}" because Hebrew titles agree with the person.


@dataclass(frozen=True)
class _Org:
    key: str
    sector: str
    he: str
    en: str = ""
    ar: str = ""
    about: str = ""
    roles: tuple[str, ...] = ()
    arab_share: float = 0.15
    women_only: bool = False


_GOV, _LOCAL, _CIVIL = Sector.GOVERNMENT, Sector.LOCAL_AUTHORITY, Sector.CIVIL_SOCIETY
_FUND, _BIZ, _ACAD = Sector.PHILANTHROPY, Sector.BUSINESS, Sector.ACADEMIA
_COMMUNITY, _MEDIA = Sector.COMMUNITY, Sector.MEDIA

ORGANISATIONS: tuple[_Org, ...] = (
    # National government
    _Org(
        "pmo",
        _GOV,
        "משרד ראש הממשלה",
        "Prime Minister's Office",
        "ديوان رئيس الحكومة",
        "מוביל את המדיניות הממשלתית לעבודה עם החברה האזרחית ועם המגזר העסקי-פילנתרופי.",
        (
            "{ראש|ראשת} אגף תכנון מדיניות",
            "{מנהל|מנהלת} תחום ממשל וחברה אזרחית",
            "{סגן|סגנית} ראש אגף",
            "{רפרנט|רפרנטית} קשרי חברה אזרחית",
        ),
    ),
    _Org(
        "education",
        _GOV,
        "משרד החינוך",
        "Ministry of Education",
        "وزارة التربية والتعليم",
        "אחראי על מערכת החינוך, כולל הסדרת פעילותם של גופים חיצוניים בבתי הספר.",
        (
            "{מנהל|מנהלת} אגף שותפויות",
            "{מפקח מחוזי|מפקחת מחוזית}",
            "{רכז|רכזת} תכניות חיצוניות",
        ),
    ),
    _Org(
        "economy",
        _GOV,
        "משרד הכלכלה והתעשייה",
        "Ministry of Economy and Industry",
        "وزارة الاقتصاد والصناعة",
        'לשעבר משרד התמ"ת; מקדם תעסוקה, תעשייה ופיתוח כלכלי באזורי הפריפריה.',
        (
            "{מנהל|מנהלת} אגף פיתוח אזורי",
            "{כלכלן בכיר|כלכלנית בכירה}",
            "{ראש|ראשת} תחום פריפריה",
        ),
    ),
    _Org(
        "welfare",
        _GOV,
        "משרד הרווחה והביטחון החברתי",
        "Ministry of Welfare and Social Security",
        "وزارة الرفاه والضمان الاجتماعي",
        "מפעיל שירותים חברתיים לאזרחים ותיקים, למשפחות ולקהילות.",
        ("{מנהל|מנהלת} השירות לאזרחים ותיקים", "{עובד סוציאלי ארצי|עובדת סוציאלית ארצית}"),
    ),
    _Org(
        "health",
        _GOV,
        "משרד הבריאות",
        "Ministry of Health",
        "وزارة الصحة",
        "אחראי על מערכת הבריאות ועל קידום בריאות בקהילה.",
        ("{רופא|רופאת} מחוז", "{מנהל|מנהלת} תחום קהילה ובריאות"),
    ),
    _Org(
        "agriculture",
        _GOV,
        "משרד החקלאות",
        "Ministry of Agriculture",
        "وزارة الزراعة",
        "פועל גם לפיתוח כלכלי-חברתי של היישובים הכפריים ושל החברה הבדואית בנגב.",
        ("{ראש|ראשת} תחום פיתוח כפרי",),
    ),
    _Org(
        "finance",
        _GOV,
        "משרד האוצר",
        "Ministry of Finance",
        "وزارة المالية",
        "קובע את תקציבי המשרדים ואת כללי ההתקשרות של הממשלה עם עמותות.",
        ("{רפרנט|רפרנטית} באגף התקציבים", "{סגן|סגנית} החשב הכללי"),
    ),
    _Org(
        "survivors",
        _GOV,
        "הרשות לזכויות ניצולי השואה",
        "Holocaust Survivors' Rights Authority",
        "السلطة لحقوق الناجين من الكارثة",
        "מטפלת בזכויותיהם של ניצולי השואה ובתגמולים המגיעים להם.",
        (
            "{מנהל|מנהלת} אגף שירות וליווי",
            "{ראש|ראשת} תחום מיצוי זכויות",
            "{יועץ|יועצת} לקשרי קהילה",
        ),
    ),
    _Org(
        "csc",
        _GOV,
        "נציבות שירות המדינה",
        "Civil Service Commission",
        "مفوضية خدمات الدولة",
        "אחראית על ההון האנושי בשירות המדינה ועל הרפורמה בניהולו.",
        (
            "{ראש|ראשת} אגף פיתוח הון אנושי",
            "{מנהל|מנהלת} מטה יישום הרפורמה",
            "ממונה על עתודות ניהול",
            "{רכז|רכזת} שותפויות עם האקדמיה",
        ),
    ),
    _Org(
        "arab_dev",
        _GOV,
        "הרשות לפיתוח כלכלי של המגזר הערבי, הדרוזי והצ'רקסי",
        "Authority for the Economic Development of the Arab, Druze and Circassian Sectors",
        "السلطة للتطوير الاقتصادي للمجتمع العربي والدرزي والشركسي",
        "יחידה במשרד ראש הממשלה שמקדמת תכניות פיתוח כלכלי ביישובים הערביים.",
        ("{מנהל|מנהלת} תחום פיתוח אזור הדרום", "{מנהל|מנהלת} תחום תעסוקה"),
        arab_share=0.8,
    ),
    _Org(
        "digital",
        _GOV,
        "מערך הדיגיטל הלאומי",
        "Israel National Digital Agency",
        "هيئة الرقمنة الوطنية",
        "מוביל את המדיניות הממשלתית בתחומי הדיגיטל והמרחב המקוון.",
        ("{ראש|ראשת} תחום אמון ובטיחות ברשת",),
    ),
    # Local authorities
    _Org(
        "jerusalem",
        _LOCAL,
        "עיריית ירושלים",
        "Jerusalem Municipality",
        "بلدية القدس",
        "",
        ("{מנהל|מנהלת} מינהל קהילה", "{מנהל|מנהלת} מחלקת אזרחים ותיקים"),
        arab_share=0.3,
    ),
    _Org(
        "beer_sheva",
        _LOCAL,
        "עיריית באר שבע",
        "Be'er Sheva Municipality",
        "بلدية بئر السبع",
        "",
        ("{סגן|סגנית} ראש העירייה",),
    ),
    _Org(
        "nazareth",
        _LOCAL,
        "עיריית נצרת",
        "Nazareth Municipality",
        "بلدية الناصرة",
        "",
        ("{מנהל|מנהלת} היחידה לפיתוח כלכלי",),
        arab_share=1.0,
    ),
    _Org(
        "rahat",
        _LOCAL,
        "עיריית רהט",
        "Rahat Municipality",
        "بلدية رهط",
        "העיר הבדואית הגדולה בנגב.",
        ("{מנהל|מנהלת} אגף הרווחה", "{מהנדס|מהנדסת} העיר"),
        arab_share=1.0,
    ),
    _Org(
        "umm_al_fahm",
        _LOCAL,
        "עיריית אום אל-פחם",
        "Umm al-Fahm Municipality",
        "بلدية أم الفحم",
        "",
        ("{מנהל|מנהלת} אגף החינוך",),
        arab_share=1.0,
    ),
    _Org(
        "sakhnin",
        _LOCAL,
        "עיריית סח'נין",
        "Sakhnin Municipality",
        "بلدية سخنين",
        "",
        ('{מנכ"ל|מנכ"לית} העירייה',),
        arab_share=1.0,
    ),
    _Org(
        "ein_hadekel",
        _LOCAL,
        "עיריית עין הדקל",
        "Ein HaDekel Municipality",
        "بلدية عين هديكل",
        "עיר דמיונית לצורכי ההדגמה: כ-40 אלף תושבים, יהודים וערבים, בשולי מטרופולין.",
        (
            "{מנהל|מנהלת} מחלקת קהילה",
            "{ראש|ראשת} העירייה",
            '{מנכ"ל|מנכ"לית} העירייה',
            "{מנהל|מנהלת} אגף החינוך",
            "{מנהל|מנהלת} אגף הרווחה",
            "{מהנדס|מהנדסת} העיר",
        ),
        arab_share=0.3,
    ),
    _Org(
        "matnas",
        _LOCAL,
        'המתנ"ס העירוני עין הדקל',
        "Ein HaDekel Community Centre",
        "المركز الجماهيري عين هديكل",
        "מרכז קהילתי, תרבות ופנאי של העירייה.",
        ('{מנהל|מנהלת} המתנ"ס', "{רכז|רכזת} נוער"),
        arab_share=0.3,
    ),
    _Org(
        "econ_co",
        _LOCAL,
        "החברה הכלכלית עין הדקל",
        "Ein HaDekel Economic Development Company",
        "الشركة الاقتصادية عين هديكل",
        "חברה עירונית לפיתוח אזורי תעסוקה ומסחר.",
        ('{מנכ"ל|מנכ"לית} החברה הכלכלית',),
    ),
    _Org(
        "arab_heads",
        _LOCAL,
        "הוועד הארצי של ראשי הרשויות המקומיות הערביות",
        "National Committee of Arab Mayors",
        "اللجنة القطرية لرؤساء السلطات المحلية العربية",
        "",
        ("{יועץ|יועצת} מדיניות",),
        arab_share=1.0,
    ),
    # Civil society
    _Org(
        "sheatufim",
        _CIVIL,
        "שיתופים",
        "Sheatufim",
        "",
        "מפעיל ומלווה תהליכי שיח ושיתוף בין-מגזריים: שולחנות עגולים, מהלכים משותפים ותכניות הכשרה.",
        (
            "{מנהל|מנהלת} תחום שיח בין-מגזרי",
            "מנחה תהליכים",
            "{רכז|רכזת} ידע ותיעוד",
            "{מנהל|מנהלת} תכניות",
            "{יועץ|יועצת} לתהליכי שיתוף",
        ),
    ),
    _Org(
        "abraham",
        _CIVIL,
        "יוזמות אברהם",
        "The Abraham Initiatives",
        "مبادرات إبراهيم",
        "ארגון יהודי-ערבי לחברה משותפת ושוויונית.",
        ("{מנהל|מנהלת} תחום חברה משותפת", "{רכז|רכזת} פרויקטים"),
        arab_share=0.5,
    ),
    _Org(
        "sikkuy",
        _CIVIL,
        "סיכוי-אופק",
        "Sikkuy-Aufoq",
        "سيكوي-أفق",
        "ארגון משותף ליהודים ולערבים שפועל לשוויון ולשותפות.",
        ("{מנהל שותף|מנהלת שותפה}", "{רכז|רכזת} מדיניות"),
        arab_share=0.5,
    ),
    _Org(
        "latet",
        _CIVIL,
        "לתת",
        "Latet",
        "",
        "ארגון סיוע הומניטרי, עם תכנית ייעודית לניצולי שואה.",
        ("{מנהל|מנהלת} תכנית ניצולי השואה",),
    ),
    _Org(
        "aviv",
        _CIVIL,
        "אביב לניצולי השואה",
        "Aviv for Holocaust Survivors",
        "",
        "מסייע לניצולים במיצוי זכויותיהם בעזרת מתנדבים ואנשי מקצוע.",
        ('{מנכ"ל|מנכ"לית}', "{רכז|רכזת} מתנדבים"),
    ),
    _Org(
        "survivors_fund",
        _CIVIL,
        "הקרן לרווחה לנפגעי השואה",
        "Foundation for the Benefit of Holocaust Victims in Israel",
        "",
        "מספקת שירותי רווחה, סיעוד וליווי לניצולים.",
        ("{מנהל|מנהלת} שירותים לניצולים",),
    ),
    _Org(
        "womens_network",
        _CIVIL,
        "שדולת הנשים בישראל",
        "Israel Women's Network",
        "اللوبي النسائي في إسرائيل",
        "פועלת לשוויון מגדרי בחקיקה, בתעסוקה ובשירות הציבורי.",
        ("{מנהל|מנהלת} מחלקת מדיניות",),
    ),
    _Org(
        "tsofen",
        _CIVIL,
        "צופן",
        "Tsofen",
        "تسوفن",
        "משלב אקדמאים ואקדמאיות מהחברה הערבית בתעשיית ההייטק.",
        ("{מנהל שותף|מנהלת שותפה}", "{מנהל|מנהלת} קשרי תעשייה"),
        arab_share=0.7,
    ),
    _Org(
        "itach",
        _CIVIL,
        "איתך-معك משפטניות למען צדק חברתי",
        "Itach-Maaki Women Lawyers for Social Justice",
        "معك - محاميات من أجل العدالة الاجتماعية",
        "",
        ("עורכת דין",),
        arab_share=0.4,
        women_only=True,
    ),
    _Org(
        "shatil",
        _CIVIL,
        "שתיל",
        "Shatil",
        "شتيل",
        "מרכז ייעוץ והכשרה לארגוני חברה אזרחית.",
        ("{יועץ|יועצת} ארגונית",),
    ),
    _Org(
        "leadership_institute",
        _CIVIL,
        "המכון למנהיגות וממשל",
        "Institute for Leadership and Governance",
        "",
        "מפתח תכניות הכשרה והעצמה לבכירי השירות הציבורי ולמנהיגות אזרחית.",
        ("{מנהל|מנהלת} תכניות מנהיגות", "מנחה קבוצות"),
    ),
    # Philanthropy
    _Org(
        "lautman",
        _FUND,
        "קרן לאוטמן",
        "Lautman Fund",
        "صندوق لاوتمان",
        "קרן שתומכת בחינוך לערכים, בסובלנות ובשיח מכבד בחברה הישראלית.",
        ('{מנכ"ל|מנכ"לית} הקרן', "{רכז|רכזת} מענקים"),
    ),
    _Org(
        "jdc",
        _FUND,
        "ג'וינט ישראל",
        "JDC Israel",
        "جوينت إسرائيل",
        "מפתח עם הממשלה והרשויות מענים חדשים לאוכלוסיות בסיכון ולשלטון המקומי.",
        (
            "{מנהל|מנהלת} תכניות בשלטון המקומי",
            "{ראש|ראשת} תחום אזרחים ותיקים",
            "{מנהל|מנהלת} ידע ולמידה",
        ),
    ),
    _Org(
        "yad_hanadiv",
        _FUND,
        "יד הנדיב",
        "Yad Hanadiv",
        "",
        "",
        ("{מנהל|מנהלת} תכניות חינוך",),
    ),
    _Org(
        "rashi",
        _FUND,
        'קרן רש"י',
        "Rashi Foundation",
        "",
        "פועלת לצמצום פערים בפריפריה הגאוגרפית והחברתית.",
        ("{מנהל|מנהלת} תחום פריפריה",),
    ),
    _Org(
        "nif",
        _FUND,
        "הקרן החדשה לישראל",
        "New Israel Fund",
        "الصندوق الجديد لإسرائيل",
        "",
        ("{מנהל|מנהלת} מענקים",),
    ),
    # Business
    _Org(
        "google",
        _BIZ,
        "Google ישראל",
        "Google Israel",
        "جوجل إسرائيل",
        "חברת טכנולוגיה; שותפה מובילה במיזם דיבור אחר.",
        (
            "{מנהל|מנהלת} מדיניות ציבורית",
            "{מנהל|מנהלת} שותפויות חברתיות",
            "{מהנדס|מהנדסת} נתונים",
        ),
    ),
    _Org(
        "leumi",
        _BIZ,
        "בנק לאומי",
        "Bank Leumi",
        "",
        "",
        ("{מנהל|מנהלת} מעורבות חברתית",),
    ),
    _Org(
        "strauss",
        _BIZ,
        "שטראוס גרופ",
        "Strauss Group",
        "",
        "",
        ("{מנהל|מנהלת} קיימות וקהילה",),
    ),
    _Org(
        "manufacturers",
        _BIZ,
        "התאחדות התעשיינים בישראל",
        "Manufacturers' Association of Israel",
        "اتحاد الصناعيين في إسرائيل",
        "",
        ("{מנהל|מנהלת} אגף תעשייה בפריפריה",),
    ),
    _Org(
        "chambers",
        _BIZ,
        "איגוד לשכות המסחר",
        "Federation of Israeli Chambers of Commerce",
        "",
        "",
        ("{כלכלן ראשי|כלכלנית ראשית}",),
    ),
    _Org(
        "bakery",
        _BIZ,
        "מאפיית הדקל",
        "HaDekel Bakery",
        "مخبز هديكل",
        "עסק משפחתי ותיק בעין הדקל ואחד המעסיקים הגדולים בעיר.",
        ("{בעל|בעלת} העסק",),
        arab_share=0.5,
    ),
    # Academia and research
    _Org(
        "shaharit",
        _ACAD,
        "מכון שחרית",
        "Shaharit Institute",
        "معهد شاحريت",
        "מכון מחקר וחשיבה על החברה הישראלית; שותף מוביל במיזם דיבור אחר.",
        ("{מנהל|מנהלת} תחום שיח ציבורי", "{חוקר|חוקרת}", "{מנהל|מנהלת} תכניות"),
    ),
    _Org(
        "huji",
        _ACAD,
        "האוניברסיטה העברית בירושלים",
        "The Hebrew University of Jerusalem",
        "الجامعة العبرية في القدس",
        "",
        ("{חוקר|חוקרת} בבית הספר למדיניות ציבורית", "מרצה לתקשורת"),
    ),
    _Org(
        "bgu",
        _ACAD,
        "אוניברסיטת בן-גוריון בנגב",
        "Ben-Gurion University of the Negev",
        "جامعة بن غوريون في النقب",
        "",
        ("{מרצה בכיר|מרצה בכירה} לפיתוח אזורי", "{ראש|ראשת} המרכז לחקר הנגב"),
        arab_share=0.3,
    ),
    _Org(
        "haifa",
        _ACAD,
        "אוניברסיטת חיפה",
        "University of Haifa",
        "جامعة حيفا",
        "",
        ("{חוקר|חוקרת} ביחידה לחקר החברה הערבית",),
        arab_share=0.6,
    ),
    _Org(
        "qasemi",
        _ACAD,
        "המכללה האקדמית אל-קאסמי",
        "Al-Qasemi Academic College",
        "أكاديمية القاسمي",
        "מכללה להכשרת מורים בבאקה אל-גרביה.",
        ("{ראש|ראשת} החוג לחינוך",),
        arab_share=1.0,
    ),
    _Org(
        "idi",
        _ACAD,
        "המכון הישראלי לדמוקרטיה",
        "Israel Democracy Institute",
        "المعهد الإسرائيلي للديمقراطية",
        "",
        ("{עמית מחקר|עמיתת מחקר}", "{מנהל|מנהלת} תכנית הממשל"),
    ),
    _Org(
        "sapir",
        _ACAD,
        "המכללה האקדמית ספיר",
        "Sapir Academic College",
        "",
        "",
        ("מרצה לעבודה סוציאלית",),
    ),
    # Residents and community groups in the collective-impact town
    _Org(
        "dekel_residents",
        _COMMUNITY,
        "ועד שכונת הגפן, עין הדקל",
        "HaGefen Neighbourhood Committee",
        "لجنة حي هجيفن",
        "ועד תושבים נבחר בשכונה הוותיקה של העיר.",
        ('יו"ר הוועד', "{חבר|חברת} ועד", "{פעיל שכונתי|פעילה שכונתית}"),
        arab_share=0.3,
    ),
    _Org(
        "dekel_parents",
        _COMMUNITY,
        "פורום ההורים העירוני עין הדקל",
        "Ein HaDekel Parents' Forum",
        "",
        "",
        ('יו"ר הפורום', "{נציג|נציגת} הורים"),
        arab_share=0.3,
    ),
    _Org(
        "dekel_women",
        _COMMUNITY,
        '"נשים מובילות" עין הדקל',
        "Women Leading Ein HaDekel",
        "نساء رائدات عين هديكل",
        "קבוצת פעילות שמקדמת יזמות ותעסוקה של נשים בעיר.",
        ("רכזת הקבוצה", "פעילה בקבוצה"),
        arab_share=0.4,
        women_only=True,
    ),
    _Org(
        "dekel_youth",
        _COMMUNITY,
        "מועצת הנוער העירונית עין הדקל",
        "Ein HaDekel Youth Council",
        "",
        "",
        ('יו"ר מועצת הנוער', "{חבר|חברת} מועצה"),
        arab_share=0.3,
    ),
    _Org(
        "dekel_seniors",
        _COMMUNITY,
        'מועדון הוותיקים "שורשים"',
        "Shorashim Senior Citizens' Club",
        "",
        "",
        ("{רכז|רכזת} המועדון", "{חבר|חברת} ועד המועדון"),
    ),
    # Media
    _Org(
        "kan",
        _MEDIA,
        "כאן – תאגיד השידור הישראלי",
        "Kan – Israeli Public Broadcasting Corporation",
        "كان – هيئة البث الإسرائيلية",
        "",
        ("{עורך|עורכת} תוכן דיגיטלי",),
    ),
    _Org(
        "ashams",
        _MEDIA,
        "רדיו א-שמס",
        "Radio A-Shams",
        "راديو الشمس",
        "תחנת רדיו אזורית בערבית, בנצרת.",
        ("{עורך|עורכת} חדשות",),
        arab_share=1.0,
    ),
    _Org(
        "seventh_eye",
        _MEDIA,
        "העין השביעית",
        "The Seventh Eye",
        "",
        "כתב עת מקוון לביקורת התקשורת.",
        ("{עיתונאי|עיתונאית}",),
    ),
)


# --- Fictional people ------------------------------------------------------------------------
# (Hebrew spelling, Latin spelling for the email address).

_JEWISH_WOMEN = (
    ("נועה", "noa"), ("תמר", "tamar"), ("יעל", "yael"), ("שירה", "shira"), ("רונית", "ronit"),
    ("אורית", "orit"), ("הילה", "hila"), ("ענבל", "inbal"), ("אפרת", "efrat"), ("ליאת", "liat"),
    ("גלית", "galit"), ("אסנת", "osnat"), ("רחל", "rachel"), ("אביטל", "avital"), ("קרן", "keren"),
    ("טליה", "talia"), ("אילנה", "ilana"), ("מורן", "moran"), ("סיגל", "sigal"), ("דפנה", "dafna"),
)  # fmt: skip
_JEWISH_MEN = (
    ("אבי", "avi"), ("יונתן", "yonatan"), ("עומר", "omer"), ("איתי", "itai"), ("דוד", "david"),
    ("משה", "moshe"), ("רון", "ron"), ("גיל", "gil"), ("אלון", "alon"), ("עמית", "amit"),
    ("יוסי", "yossi"), ("אריאל", "ariel"), ("נדב", "nadav"), ("אורי", "uri"), ("שמעון", "shimon"),
    ("ערן", "eran"), ("בועז", "boaz"), ("חיים", "haim"), ("דניאל", "daniel"), ("יהודה", "yehuda"),
)  # fmt: skip
_JEWISH_SURNAMES = (
    ("כהן", "cohen"), ("לוי", "levi"), ("מזרחי", "mizrahi"), ("פרץ", "peretz"), ("ביטון", "biton"),
    ("פרידמן", "friedman"), ("שפירא", "shapira"), ("גולן", "golan"), ("אזולאי", "azoulay"),
    ("דהן", "dahan"), ("ברק", "barak"), ("רוזן", "rozen"), ("אלמוג", "almog"), ("נחום", "nachum"),
    ("טל", "tal"), ("בן-דוד", "ben-david"), ("וקנין", "vaknin"), ("קליין", "klein"),
    ("שטרן", "stern"), ("גבאי", "gabay"), ("זילברמן", "zilberman"), ("עמר", "amar"),
    ("אשכנזי", "ashkenazi"), ("הררי", "harari"), ("אוחיון", "ohayon"), ("גרינברג", "greenberg"),
    ("מלכה", "malka"), ("טספאי", "tesfay"), ("קוגן", "kogan"), ("רבינוביץ", "rabinovich"),
)  # fmt: skip
_ARAB_WOMEN = (
    ("סמאח", "samah"), ("רנא", "rana"), ("ח'לוד", "kholoud"), ("נסרין", "nisreen"),
    ("הבה", "hiba"), ("מנאל", "manal"), ("רים", "reem"), ("סוהא", "suha"), ("לינא", "lina"),
    ("עביר", "abeer"), ("רולא", "rula"), ("ג'מילה", "jamila"),
)  # fmt: skip
_ARAB_MEN = (
    ("מוחמד", "mohammad"), ("אחמד", "ahmad"), ("ראמי", "rami"), ("ח'אלד", "khaled"),
    ("יוסף", "yousef"), ("עלי", "ali"), ("ג'מאל", "jamal"), ("באסל", "basel"), ("פאדי", "fadi"),
    ("מאג'ד", "majd"), ("עאמר", "amer"), ("ודיע", "wadie"),
)  # fmt: skip
_ARAB_SURNAMES = (
    ("ח'ורי", "khoury"), ("מסארווה", "masarwa"), ("אבו-סאלח", "abu-saleh"),
    ("ג'בארין", "jabareen"), ("עזאיזה", "azaiza"), ("נסאר", "nassar"), ("אלקרינאוי", "alkrenawi"),
    ("אבו-רביעה", "abu-rabia"), ("זועבי", "zoabi"), ("מחאמיד", "mahameed"), ("ע'נאים", "ghanayem"),
    ("בשארה", "bishara"), ("שלבי", "shalabi"), ("סלאמה", "salameh"), ("טאהא", "taha"),
    ("עואד", "awad"), ("חלבי", "halabi"),
)  # fmt: skip

_GENDERED = re.compile(r"\{([^|{}]*)\|([^|{}]*)\}")


def _gendered(template: str, *, female: bool) -> str:
    return _GENDERED.sub(lambda match: match.group(2 if female else 1), template)


@dataclass
class _PersonPlan:
    org: str
    full_name: str
    first_name: str
    last_name: str
    email: str
    role_title: str
    start: dt.date
    previous: tuple[str, str, dt.date, dt.date] | None = None  # org, role, from, to
    username: str = ""


def _plan_people(rng: random.Random) -> dict[str, list[_PersonPlan]]:
    """Invent the same people every time: names, emails, titles and careers."""
    taken_names = {(user.first_name, user.last_name) for user in DEMO_USERS}
    taken_emails: set[str] = {user.email for user in DEMO_USERS}
    plans: dict[str, list[_PersonPlan]] = defaultdict(list)
    for org in ORGANISATIONS:
        for template in org.roles:
            female = org.women_only or rng.random() < 0.55
            arab = rng.random() < org.arab_share
            if arab:
                firsts, surnames = (_ARAB_WOMEN if female else _ARAB_MEN), _ARAB_SURNAMES
            else:
                firsts, surnames = (_JEWISH_WOMEN if female else _JEWISH_MEN), _JEWISH_SURNAMES
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
                        for o in ORGANISATIONS
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
                _PersonPlan(
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


# --- Initiatives -----------------------------------------------------------------------------
# A group's people are "slots": "@facilitator" / "@partner" name a demo user's person,
# "org#2" a particular person of an organisation, and a bare "org" the next one in turn,
# so that large organisations send different people to different groups.


@dataclass(frozen=True)
class _Phase:
    name: str
    goals: str
    start: str
    end: str
    outcome: str = ""


@dataclass(frozen=True)
class _Group:
    kind: str
    name: str
    purpose: str
    slots: tuple[str, ...]


@dataclass(frozen=True)
class _Initiative:
    kind: str
    status: str
    name: str
    short: str
    vision: str
    situation: str
    audience: str
    start: str
    end: str | None
    leads: tuple[str, ...]
    phases: tuple[_Phase, ...]
    groups: tuple[_Group, ...]
    members: tuple[tuple[str, str], ...] = ()  # (slot, role)


_K, _S, _G = InitiativeKind, InitiativeStatus, GroupKind

INITIATIVES: tuple[_Initiative, ...] = (
    _Initiative(
        kind=_K.JOINT_MOVE,
        status=_S.COMPLETED,
        name="דיבור אחר – מתינות וסובלנות ברשת",
        short=(
            "מהלך משותף של קרן לאוטמן, מכון שחרית ו-Google ישראל לחיזוק שיח מתון וסובלני "
            "במרחב המקוון, שהתקיים לאורך 2016."
        ),
        vision=(
            "רשת ישראלית שבה אפשר לחלוק בלי להשמיץ, ושבה קולו של הרוב השקט נשמע לא פחות "
            "מהקולות הקיצוניים."
        ),
        situation=(
            "ארגונים רבים מפעילים יוזמות נגד הסתה ושנאה ברשת, אבל כל אחד פועל לבדו וההשפעה "
            "המצטברת נשארת קטנה. אין מטרות משותפות, השחקנים מכירים זה את זה מעט, ואין מנגנון "
            "שמתאם ביניהם."
        ),
        audience=(
            "הציבור הגולש והמגיב ברשתות החברתיות, ובמיוחד כ-80% מהמשתמשים שאינם לוקחים חלק "
            "בשיח הקיצוני; ארגונים, חוקרים, חברות טכנולוגיה וגופי ממשל שעוסקים בתחום."
        ),
        start="2016-01-01",
        end="2016-12-31",
        leads=("lautman", "shaharit", "google"),
        phases=(
            _Phase(
                "שלב א׳ – מפגש פתיחה: תמונת מצב ומסגרת פעולה",
                "למפות את בעלי העניין בשדה (ממשל, ארגונים, עסקים, חוקרים); להסכים על תיאור "
                "המצב ועל מסגרת פעולה; לזהות כיווני פעולה שיש בהם פוטנציאל להשפעה; לגייס "
                "מובילים לתהליך ארוך.",
                "2016-01-10",
                "2016-03-31",
                "המשתתפים הצביעו על פער: הרבה ארגונים ותכניות ומעט השפעה רחבה. הוסכם שנדרש "
                "תהליך ארוך של היכרות, הגדרת מטרות משותפות ותיאום בין הגופים.",
            ),
            _Phase(
                'שלב ב׳ – מיקוד ברוב הדומם ו"היכרות עם האחר"',
                "לבחור קהל יעד מרכזי; להפוך את רעיון ההיכרות עם האחר לפעילות בין-מגזרית; "
                "לתכנן פעולה בשני מסלולים מקבילים – קמפיין ומהלך רחב של שותפים.",
                "2016-04-01",
                "2016-07-31",
                "שלושת הגופים המובילים בחרו להתמקד בקבוצת ה-80%. בפגישות עומק גובשה האסטרטגיה "
                "לשני המסלולים.",
            ),
            _Phase(
                "שלב ג׳ – פורום שותפים, תכנית עבודה וצוותי עבודה",
                "לכנס את פורום השותפים ולהניח תשתית לרשת של פעולות משותפות; לכתוב תכנית עבודה "
                "לשותפים; להקים צוותי עבודה סביב פרויקטים מוגדרים.",
                "2016-08-01",
                "2016-12-31",
                "המפגש השני של הפורום אישר תכנית עבודה. קמו שני צוותים: מדד ל'דיבור אחר' ברשת, "
                "והתנעת הפעילות בחברה הערבית.",
            ),
        ),
        groups=(
            _Group(
                _G.STEERING_COMMITTEE,
                "הצוות המוביל",
                "נציגי שלושת הגופים המובילים וצוות הליווי. מקבל את ההחלטות האסטרטגיות ומכין את "
                "מפגשי הפורום.",
                ("lautman#0", "@partner", "shaharit#0", "google#0", "@facilitator", "sheatufim"),
            ),
            _Group(
                _G.FORUM,
                "פורום השותפים לקידום מתינות וסובלנות ברשת",
                "רשת של ארגונים, חברות, חוקרים וגופי ממשל שמתאמים פעולות ומשתפים ידע.",
                (
                    "shaharit#0",
                    "@partner",
                    "google",
                    "abraham",
                    "idi",
                    "digital",
                    "kan",
                    "tsofen",
                    "huji",
                    "@facilitator",
                ),
            ),
            _Group(
                _G.WORKING_GROUP,
                "צוות עבודה: מדד 'דיבור אחר' ברשת",
                "פיתוח מדד שמודד לאורך זמן את היקף השיח המתון והסובלני ברשת, בעברית ובערבית, "
                "לפי פלטפורמות וקהילות.",
                ("shaharit", "huji", "google", "idi", "@partner", "seventh_eye", "sheatufim"),
            ),
            _Group(
                _G.WORKING_GROUP,
                "צוות עבודה: התנעה בחברה הערבית",
                "תכנון הפעילות הראשונה לקידום שיח סובלני ברשת בקרב הציבור הערבי, יחד עם ארגונים "
                "וכלי תקשורת בערבית.",
                ("tsofen", "ashams", "abraham", "sikkuy", "qasemi", "arab_heads", "google"),
            ),
        ),
        members=(
            ("@partner", Role.PARTNER),
            ("google#0", Role.PARTNER),
            ("shaharit#0", Role.PARTNER),
        ),
    ),
    _Initiative(
        kind=_K.ROUNDTABLE,
        status=_S.COMPLETED,
        name="השולחן העגול במשרד ראש הממשלה (השולחן הממשקי)",
        short=(
            "שולחן קבוע של הממשלה, החברה האזרחית והמגזר העסקי-פילנתרופי שמגבש תפיסה משותפת "
            "של היחסים בין המגזרים."
        ),
        vision=(
            "יחסי עבודה בין הממשלה, החברה האזרחית והמגזר העסקי-פילנתרופי שנשענים על אמון, "
            "על שקיפות ועל הכרה בתרומה של כל מגזר."
        ),
        situation=(
            "החלטת הממשלה 3190 פתחה פתח לשותפות בין המגזרים, אבל לא היה מקום קבוע שבו "
            "נציגיהם נפגשים, מבררים מה תפקידו של כל מגזר והיכן גבולותיו, ומתרגמים את ההחלטה "
            "לעבודה משותפת."
        ),
        audience=(
            "מנהלים בכירים במשרדי הממשלה, ראשי ארגוני חברה אזרחית, קרנות ותורמים, ונציגי "
            "המגזר העסקי."
        ),
        start="2009-01-01",
        end="2016-06-30",
        leads=("pmo",),
        phases=(
            _Phase(
                "הקמת השולחן וכללי העבודה",
                "לגייס נציגים מכל מגזר, להסכים על מטרות השולחן ועל נוהלי הדיון, ולבחור את "
                "הנושאים הראשונים.",
                "2009-01-01",
                "2009-12-31",
                "השולחן התכנס לראשונה ואישר מסמך עקרונות לעבודתו.",
            ),
            _Phase(
                "שלוש השנים הראשונות",
                "לקדם את יישום החלטת הממשלה 3190 ולפתח כלים מעשיים לשיתופי פעולה בין המגזרים.",
                "2010-01-01",
                "2011-12-31",
                "נכתב מסמך המסכם את השנים 2009–2011: הדיונים, התובנות וההמלצות להמשך.",
            ),
            _Phase(
                "העמקה והטמעה במשרדי הממשלה",
                "להעביר את עקרונות השולחן לעבודה השוטפת של המשרדים ולסייע בהקמת שולחנות "
                "משרדיים נוספים.",
                "2012-01-01",
                "2014-12-31",
                "השולחן שימש מודל לשולחנות עגולים במשרדים אחרים.",
            ),
            _Phase(
                "סיכום שבע שנות פעילות",
                "לתעד את הלמידה, לבחון את ההשפעה על המדיניות ולהמליץ על ההמשך.",
                "2015-01-01",
                "2016-06-30",
                "החלה כתיבה של מסמך המסכם את שבע שנות הפעילות.",
            ),
        ),
        groups=(
            _Group(
                _G.STEERING_COMMITTEE,
                "ועדת ההיגוי של השולחן",
                "קובעת את סדר היום של השולחן, מאשרת את תכנית העבודה ועוקבת אחרי ההחלטות.",
                ("pmo#0", "pmo", "jdc", "shatil", "chambers", "idi", "@facilitator"),
            ),
            _Group(
                _G.WORKING_GROUP,
                "צוות עבודה: שקיפות ומידע על החברה האזרחית",
                "הצעות לשיפור המידע הציבורי על ארגונים, על תקציבים ממשלתיים לעמותות ועל "
                "תוצאות הפעילות.",
                ("idi", "pmo", "finance", "shaharit", "sheatufim"),
            ),
            _Group(
                _G.WORKING_GROUP,
                "צוות עבודה: כלים למימון משותף",
                "מודלים לשותפות בין הממשלה לקרנות ולעסקים במימון תכניות חברתיות.",
                ("yad_hanadiv", "@partner", "rashi", "jdc#0", "finance", "leumi", "pmo"),
            ),
        ),
        members=(
            ("@partner", Role.PARTICIPANT),
            ("pmo#0", Role.PARTNER),
            ("jdc#0", Role.OBSERVER),
        ),
    ),
    _Initiative(
        kind=_K.ROUNDTABLE,
        status=_S.COMPLETED,
        name="השולחן העגול במשרד החינוך",
        short=(
            "מקום מפגש בין משרד החינוך לארגונים, קרנות ועסקים שמפעילים תכניות בבתי הספר, "
            "כדי לתאם ביניהם ולקבוע כללים ברורים."
        ),
        vision=("מערכת חינוך שבה שותפים מחוץ למשרד פועלים בתיאום, בשקיפות ולפי צורכי התלמידים."),
        situation=(
            "עשרות ארגונים, קרנות וחברות מפעילים תכניות בבתי הספר, לעיתים בלי תיאום עם "
            "המשרד או זה עם זה, ומנהלי בתי הספר מתקשים לבחור ביניהן."
        ),
        audience="אנשי משרד החינוך במטה ובמחוזות, ארגונים, קרנות ועסקים הפועלים בחינוך.",
        start="2010-09-01",
        end="2014-08-31",
        leads=("education",),
        phases=(
            _Phase(
                "מיפוי הפעילות של גופים חיצוניים",
                "לדעת מי פועל בבתי הספר, באילו תחומים ובאילו אזורים.",
                "2010-09-01",
                "2011-06-30",
                "הוכנה מפה של התכניות הפועלות בבתי הספר, לפי תחום ואזור.",
            ),
            _Phase(
                "עקרונות לשותפות",
                "לנסח יחד עקרונות לכניסת תכניות חיצוניות לבתי הספר.",
                "2011-07-01",
                "2012-08-31",
                "מסמך עקרונות הוגש להנהלת המשרד.",
            ),
            _Phase(
                "פיילוט מחוזי ועדכון הנוהל",
                "לבחון את העקרונות במחוז אחד ולעדכן את הנוהל בעקבות הניסיון.",
                "2012-09-01",
                "2014-08-31",
                "הוגשו הצעות לעדכון הנוהל ולמאגר תכניות פתוח למנהלים.",
            ),
        ),
        groups=(
            _Group(
                _G.STEERING_COMMITTEE,
                "ועדת ההיגוי",
                "מובילה את עבודת השולחן ומביאה את המלצותיו להנהלת המשרד.",
                ("education#0", "education", "yad_hanadiv", "rashi", "abraham", "@facilitator"),
            ),
            _Group(
                _G.WORKING_GROUP,
                "צוות עבודה: נוהל הפעלת תכניות חיצוניות",
                "ניסוח הנוהל ובחינתו מול מנהלי בתי ספר.",
                ("education", "umm_al_fahm", "qasemi", "shatil", "sheatufim"),
            ),
            _Group(
                _G.WORKING_GROUP,
                "צוות עבודה: השקעה חברתית בחינוך",
                "כיצד קרנות ועסקים יכולים להשקיע בחינוך בתיאום עם המשרד.",
                ("rashi", "strauss", "yad_hanadiv", "education", "leumi"),
            ),
        ),
    ),
    _Initiative(
        kind=_K.ROUNDTABLE,
        status=_S.COMPLETED,
        name="השולחן לפיתוח כלכלי-אזורי במשרד הכלכלה",
        short=(
            'שולחן שהוקם במשרד התמ"ת (היום משרד הכלכלה) כדי לקדם פיתוח כלכלי בנגב, בגליל '
            "וביישובים הערביים, יחד עם הרשויות, העסקים והאקדמיה."
        ),
        vision="צמיחה כלכלית שמגיעה לכל האזורים ולכל הקהילות, ולא רק למרכז.",
        situation=(
            "תכניות הפיתוח לאזורי הפריפריה נבנו בנפרד בכל משרד, והרשויות המקומיות, "
            "המעסיקים והמוסדות האקדמיים באזור כמעט לא לקחו בהן חלק."
        ),
        audience="משרדי ממשלה, רשויות מקומיות, ארגוני מעסיקים, מוסדות אקדמיים וארגונים חברתיים.",
        start="2011-01-01",
        end="2015-12-31",
        leads=("economy",),
        phases=(
            _Phase(
                "אבחון פערים אזוריים",
                "לאסוף נתונים על תעסוקה, תשתיות והשכלה בכל אזור ולהציג אותם לשולחן.",
                "2011-01-01",
                "2011-12-31",
                "הוצג מסמך פערים משותף שכל הצדדים הסכימו עליו.",
            ),
            _Phase(
                "תכניות אזוריות משותפות בנגב ובגליל",
                "לבנות בכל אזור תכנית עבודה עם הרשויות, המעסיקים והאקדמיה.",
                "2012-01-01",
                "2013-12-31",
                "הוקמו שני צוותים אזוריים, לנגב ולגליל.",
            ),
            _Phase(
                "הרחבה לחברה הערבית והבדואית",
                "לשלב את הרשויות הערביות והבדואיות כשותפות מלאות בתכניות.",
                "2014-01-01",
                "2015-12-31",
                "ההמלצות הועברו למשרדים האחראים על תכניות הפיתוח.",
            ),
        ),
        groups=(
            _Group(
                _G.STEERING_COMMITTEE,
                "ועדת ההיגוי",
                "מתאמת בין המשרדים לבין הצוותים האזוריים.",
                ("economy#0", "arab_dev", "manufacturers", "rashi", "bgu", "@facilitator"),
            ),
            _Group(
                _G.TASK_TEAM,
                "צוות אזורי – נגב",
                "פיתוח תעסוקה ואזורי תעשייה בנגב, כולל ביישובים הבדואיים.",
                ("beer_sheva", "rahat", "bgu", "sapir", "arab_dev", "agriculture", "economy"),
            ),
            _Group(
                _G.TASK_TEAM,
                "צוות אזורי – גליל",
                "חיבור אקדמאים ויזמים בגליל לתעסוקה איכותית.",
                ("nazareth", "sakhnin", "haifa", "qasemi", "tsofen", "chambers", "economy"),
            ),
        ),
    ),
    _Initiative(
        kind=_K.ROUNDTABLE,
        status=_S.ACTIVE,
        name="השולחן העגול למערך התומך בניצולי השואה",
        short=(
            "שולחן שמחבר את הרשות, משרדי הממשלה, ארגונים וקרנות כדי לתת לניצולים מענה גם "
            "בצרכים שאינם כספיים: בדידות, בריאות, דיור וליווי אישי."
        ),
        vision="כל ניצולה וניצול יודעים למי לפנות, ומקבלים ליווי אישי וקהילה תומכת.",
        situation=(
            "מערך הזכויות הכספיות התרחב, אבל רבים מהניצולים חיים לבד, אינם מכירים את כל "
            "השירותים ונופלים בין המשרדים והארגונים השונים."
        ),
        audience="ניצולי שואה ובני משפחותיהם, והגופים הממשלתיים, העירוניים והחברתיים שמשרתים אותם.",
        start="2014-03-01",
        end=None,
        leads=("survivors", "welfare"),
        phases=(
            _Phase(
                "מיפוי צרכים ומענים קיימים",
                "להבין אילו צרכים אינם מקבלים מענה ומי נותן היום אילו שירותים.",
                "2014-03-01",
                "2014-12-31",
                "נמצא שהפער הגדול אינו בזכויות אלא בליווי ובמידע.",
            ),
            _Phase(
                "תכנית עבודה משותפת ומיזמים ראשונים",
                "להסכים על תכנית עבודה אחת ולהתניע מיזמים משותפים.",
                "2015-01-01",
                "2017-12-31",
                "הוחלט על מיזמים משותפים ראשונים, ביניהם מידע מרוכז על כל השירותים.",
            ),
            _Phase(
                "מודל מיצוי זכויות וליווי אישי",
                "לבנות מודל שבו לכל ניצול יש איש קשר קבוע שמלווה אותו.",
                "2018-01-01",
                "2021-12-31",
                "המודל נוסה בכמה ערים, והלקחים רוכזו במסמך המלצות.",
            ),
            _Phase(
                "הטמעה ברשויות המקומיות",
                "להרחיב את המודל לרשויות נוספות ולהעביר את הפעלתו לשירותים העירוניים.",
                "2022-01-01",
                "2027-06-30",
            ),
        ),
        groups=(
            _Group(
                _G.STEERING_COMMITTEE,
                "ועדת ההיגוי",
                "קובעת את סדרי העדיפויות של השולחן ומאשרת את תכנית העבודה השנתית.",
                (
                    "survivors#0",
                    "welfare",
                    "health",
                    "survivors_fund",
                    "aviv",
                    "latet",
                    "jdc",
                    "@facilitator",
                ),
            ),
            _Group(
                _G.WORKING_GROUP,
                "צוות עבודה: מיצוי זכויות",
                "פישוט התהליכים והגעה לניצולים שאינם מממשים את זכויותיהם.",
                ("aviv", "survivors", "itach", "latet", "sheatufim"),
            ),
            _Group(
                _G.TASK_TEAM,
                "צוות משימה: בדידות ומעורבות קהילתית",
                "מענים קהילתיים לבדידות, בשיתוף הרשויות ומתנדבים.",
                ("latet", "jdc", "jerusalem", "welfare", "survivors_fund", "beer_sheva"),
            ),
        ),
        members=(("survivors#0", Role.PARTNER), ("jdc#0", Role.PARTICIPANT)),
    ),
    _Initiative(
        kind=_K.ROUNDTABLE,
        status=_S.COMPLETED,
        name="השולחנות העגולים לקידום הרפורמה בשירות המדינה",
        short=(
            "שולחנות בנציבות שירות המדינה שליוו את הרפורמה: שותפויות עם האקדמיה ("
            '"תכנית ממשקים") וכוח משימה לקידום נשים בעתודות הניהול.'
        ),
        vision="שירות מדינה מקצועי, מגוון ופתוח לידע מבחוץ.",
        situation=(
            "הרפורמה בשירות המדינה דרשה שינוי בגיוס, בפיתוח ובקידום של מנהלים, אבל הידע "
            "והניסיון שיש באקדמיה ובחברה האזרחית לא היו חלק מהתכנון."
        ),
        audience="בכירים בנציבות ובמשרדים, חוקרים, ארגוני חברה אזרחית ונציגי מעסיקים.",
        start="2014-01-01",
        end="2018-12-31",
        leads=("csc",),
        phases=(
            _Phase(
                "שולחן ההיגוי לרפורמה",
                "להגדיר את הנושאים שבהם שיח עם גורמים מחוץ לממשלה יקדם את הרפורמה.",
                "2014-01-01",
                "2014-12-31",
                "נבחרו שני מסלולים: שותפויות עם האקדמיה וקידום נשים.",
            ),
            _Phase(
                "תכנית ממשקים עם האקדמיה",
                "לבנות שותפויות קבועות בין הנציבות לבין מוסדות אקדמיים.",
                "2015-01-01",
                "2016-12-31",
                "גובשו מסלולי שיתוף ראשונים עם מוסדות אקדמיים.",
            ),
            _Phase(
                "כוח המשימה לקידום נשים",
                "להגדיל את מספר הנשים בעתודות הניהול של שירות המדינה.",
                "2016-06-01",
                "2017-12-31",
                "ההמלצות הוגשו לנציבות.",
            ),
            _Phase(
                "סיכום והמלצות",
                "לכתוב מסמך סיכום ולהעביר את האחריות לגורמי הנציבות.",
                "2018-01-01",
                "2018-12-31",
                "מסמך הסיכום הוגש לנציב.",
            ),
        ),
        groups=(
            _Group(
                _G.STEERING_COMMITTEE,
                "ועדת ההיגוי",
                "מלווה את השולחנות ומחברת אותם למטה יישום הרפורמה.",
                ("csc#0", "csc", "finance", "idi", "huji", "womens_network", "@facilitator"),
            ),
            _Group(
                _G.WORKING_GROUP,
                "תכנית ממשקים – שותפויות עם האקדמיה",
                "פיתוח מסלולים משותפים למחקר, להכשרה ולהשמה.",
                ("csc", "huji", "haifa", "bgu", "qasemi", "sheatufim"),
            ),
            _Group(
                _G.TASK_TEAM,
                "כוח המשימה לקידום נשים בשירות המדינה",
                "הצעות מעשיות להגדלת מספר הנשים בעתודות הניהול.",
                ("womens_network", "csc", "itach", "pmo", "leumi", "chambers", "idi"),
            ),
        ),
        members=(("csc#0", Role.PARTNER),),
    ),
    _Initiative(
        kind=_K.JOINT_MOVE,
        status=_S.ACTIVE,
        name="הסטודיו למהלכים משותפים: להיות שותף במהלך משותף",
        short=(
            "סדנת עבודה לנציגי ארגונים מכל המגזרים: מה עולה לארגון להצטרף למהלך משותף, מה הוא "
            "מרוויח, ואיך מקדמים בו סוגיה."
        ),
        vision=(
            "ארגונים שנכנסים לשותפויות בעיניים פקוחות: יודעים מה הם מביאים, על מה יצטרכו "
            "לוותר ומה הם עשויים להרוויח."
        ),
        situation=(
            "על הבעיות קל יחסית להסכים; הקושי מתחיל ביישום, בפערי התרבות הארגונית בין "
            "המגזרים, בשאלה מי מייצג את מי ובהגדרה של הצלחה."
        ),
        audience=(
            "מנהלים ואנשי מקצוע בארגונים חברתיים, משרדי ממשלה, רשויות מקומיות, קרנות וחברות "
            "שמשתתפים במהלכים משותפים או שוקלים להצטרף אליהם."
        ),
        start="2026-10-01",
        end="2027-01-31",
        leads=("sheatufim",),
        phases=(
            _Phase(
                "הכנה: בחירת השאלות ועיצוב הקנבסים",
                "לבחור ארבע שאלות לעבודה בקבוצות ולהכין לכל אחת קנבס.",
                "2026-10-01",
                "2026-11-04",
                "נבחרו ארבע שאלות והוכנו קנבסים ומחוונים למנחים.",
            ),
            _Phase(
                "יום הסדנה",
                "עבודה בארבע קבוצות, ומליאה שבה כל קבוצה מציגה את עיקרי הדיון.",
                "2026-11-05",
                "2026-11-05",
                "נאספו הערות משתתפים, מטריצת מחיר והזדמנות לארגון ולמהלך, ורשימות של מוקשים, "
                "מקפצות, טיפים והתנגדויות צפויות.",
            ),
            _Phase(
                "עיבוד התוצרים והפצתם",
                "לקבץ את התוצרים לנושאים, לכתוב סיכום ולשלוח אותו למשתתפים ולשותפים.",
                "2026-11-06",
                "2027-01-31",
            ),
        ),
        groups=(
            _Group(
                _G.WORKING_GROUP,
                "קבוצה 1: מחיר והזדמנות – איך רותמים את הארגון",
                "מה הארגון משלם על ההצטרפות (זמן, משאבים, ויתור על בלעדיות) ומה הוא מקבל; ומה "
                "המחיר וההזדמנות ברמת המהלך כולו.",
                ("sheatufim", "latet", "education", "strauss", "jerusalem", "nif"),
            ),
            _Group(
                _G.WORKING_GROUP,
                "קבוצה 2: הערך הייחודי של כל מגזר",
                "מה כל מגזר מביא למהלך, בהיבט המעשי ובהיבט הערכי.",
                ("sheatufim", "abraham", "welfare", "leumi", "rahat", "shatil", "bgu"),
            ),
            _Group(
                _G.WORKING_GROUP,
                "קבוצה 3: מוקשים ומקפצות",
                "מה עלול להכשיל את הארגון ואת המהלך, ומה יכול לדחוף אותם קדימה.",
                ("sheatufim", "sikkuy", "health", "jdc", "nazareth", "manufacturers"),
            ),
            _Group(
                _G.WORKING_GROUP,
                "קבוצה 4: קידום סוגיה במהלך משותף",
                "טיפים, מנגנונים קיימים, מה לא לעשות, אילו התנגדויות צפויות ואילו שאלות "
                "נשארו פתוחות.",
                ("@facilitator", "aviv", "economy", "ein_hadekel#0", "yad_hanadiv", "idi"),
            ),
        ),
        members=(("ein_hadekel#0", Role.PARTICIPANT), ("jdc#0", Role.PARTICIPANT)),
    ),
    _Initiative(
        kind=_K.TRAINING_PROGRAMME,
        status=_S.ACTIVE,
        name='"מרחב" – מרחבי השפעה משותפים לממשל ולחברה האזרחית (מחזור 2026–2027)',
        short=(
            "תכנית של כחצי שנה לבכירים במשרדי הממשלה ובשלטון המקומי, שמכשירה אותם להוביל "
            "בעצמם עבודה משותפת עם ארגוני החברה האזרחית."
        ),
        vision=(
            "רשת בין-משרדית של מנהלים שרואים בחברה האזרחית שותפה, ויודעים לבנות איתה ממשקים "
            "אחראיים ואפקטיביים."
        ),
        situation=(
            "בכירים רבים פוגשים את ארגוני החברה האזרחית רק כספקים או כמבקרים. חסרים להם "
            "היכרות עם מגוון צורות העבודה המשותפת, כלים להובלתה ועמיתים ממשרדים אחרים."
        ),
        audience=(
            'מנהלים ונציגים בכירים במשרדי הממשלה וברשויות המקומיות, שמנכ"ל המשרד הגיש את מועמדותם.'
        ),
        start="2026-06-01",
        end="2027-06-30",
        leads=("csc", "leadership_institute", "pmo"),
        phases=(
            _Phase(
                "הגשת מועמדים על ידי המנכ״לים",
                "כל מנכ״ל או מנכ״לית מגישים מועמדים מקרב הבכירים במשרד.",
                "2026-06-01",
                "2026-07-15",
                "הוגשו מועמדים ממשרדי ממשלה ומרשויות מקומיות.",
            ),
            _Phase(
                "מיון ובחירה בוועדת ההיגוי",
                "לדרג את המועמדים לפי חמישה קריטריונים: כישורי מנהיגות, יכולת להוביל שינוי "
                "במשרד, עבודת צוות, מודעות חברתית ומחויבות לעבודה עם החברה האזרחית.",
                "2026-07-16",
                "2026-08-31",
                "ועדת ההיגוי בחרה את משתתפי המחזור.",
            ),
            _Phase(
                "מפגשי הלמידה",
                "תשעה עד עשרה מפגשים: מקרי בוחן, סיורים בשטח, הרצאות מומחים ולמידת עמיתים.",
                "2026-09-01",
                "2027-02-28",
            ),
            _Phase(
                "פרויקטים בין-משרדיים",
                "כל צוות מקדם פרויקט שמחבר כמה משרדים וארגוני חברה אזרחית.",
                "2026-11-01",
                "2027-04-30",
            ),
            _Phase(
                "רשת הבוגרים",
                "להצטרף לרשת עמיתים לומדת שממשיכה להיפגש אחרי התכנית.",
                "2027-05-01",
                "2027-06-30",
            ),
        ),
        groups=(
            _Group(
                _G.STEERING_COMMITTEE,
                "ועדת ההיגוי",
                "ממליצה על המשתתפים, מלווה את תכני התכנית ומאשרת את הפרויקטים.",
                (
                    "csc#0",
                    "pmo",
                    "leadership_institute",
                    "jdc",
                    "shatil",
                    "idi",
                    "@facilitator",
                ),
            ),
            _Group(
                _G.TASK_TEAM,
                "צוות פרויקט: שירות אחד לתושב בין המשרדים",
                "כתובת אחת לתושב שמקבל שירות מכמה משרדים, בשיתוף ארגונים שמלווים את התושבים.",
                ("health", "welfare", "jerusalem", "rahat", "pmo", "leadership_institute"),
            ),
            _Group(
                _G.TASK_TEAM,
                "צוות פרויקט: שקיפות בהתקשרויות עם עמותות",
                "כללים פשוטים ושקופים להתקשרות של משרדים עם ארגוני חברה אזרחית.",
                ("finance", "education", "economy", "agriculture", "beer_sheva", "shatil"),
            ),
            _Group(
                _G.FORUM,
                'רשת הבוגרים של "מרחב"',
                "בוגרי המחזורים הקודמים, שנפגשים ללמידת עמיתים ומלווים את המשתתפים החדשים.",
                ("csc", "pmo", "health", "jerusalem", "arab_dev", "education", "sheatufim"),
            ),
        ),
        members=(("csc#0", Role.PARTNER), ("pmo#0", Role.PARTICIPANT)),
    ),
    _Initiative(
        kind=_K.COLLECTIVE_IMPACT,
        status=_S.ACTIVE,
        name="קהילה מיטיבה – עין הדקל",
        short=(
            "תכנית במודל קולקטיב אימפקט: העירייה, התושבים, הארגונים, העסקים, האקדמיה והקרנות "
            "בעין הדקל מגבשים מטרות משותפות ופועלים לפי אסטרטגיה אחת."
        ),
        vision=(
            "עין הדקל שבה כל תושבת ותושב מרגישים שייכות ושותפות, והשירותים העירוניים נבנים "
            "יחד עם הקהילה."
        ),
        situation=(
            "בעיר פועלות יוזמות קהילתיות רבות, אבל הן מפוזרות. ניסיון קודם לתכנון אסטרטגי, "
            "לפני כעשור, לא הבשיל והשאיר חשדנות אצל חלק מהתושבים ומהעובדים, ובין כמה מאגפי "
            "העירייה יש מתחים ותיקים."
        ),
        audience="תושבות ותושבי עין הדקל, עובדי העירייה ומנהלי האגפים, ארגונים ועסקים מקומיים.",
        start="2025-09-01",
        end="2028-08-31",
        leads=("ein_hadekel", "rashi", "jdc"),
        phases=(
            _Phase(
                "הכשרת הלבבות",
                "ללמוד את ההיסטוריה של העיר ואת התהליכים הקודמים שלא הצליחו; למפות יחסים "
                "רגישים בין אנשי מקצוע וגופים; לאתר מי משפיע בזכות אישיותו ולא רק בזכות תפקידו; "
                "להביא את מנהלי האגפים להסכמה פעילה ולא רק לאי-התנגדות.",
                "2025-09-01",
                "2026-01-31",
                "נערכו ארבעים שיחות אישיות. מנהלי האגפים הצטרפו לוועדות, ושני פעילים ותיקים "
                "שנפגעו מהתהליך הקודם הסכימו להוביל את ועדת התושבים.",
            ),
            _Phase(
                "גיבוש מטרות ויעדים משותפים",
                "להסכים על שלוש עד חמש מטרות משותפות ועל יעדים מדידים לכל אחת.",
                "2026-02-01",
                "2026-07-31",
                "אושרו ארבע מטרות: חינוך ונוער, מרחב ציבורי, תעסוקה ושייכות קהילתית.",
            ),
            _Phase(
                "אסטרטגיה משותפת ותכנית פעולה",
                "לבנות תכנית פעולה אחת שבה כל שותף יודע מה חלקו, ולהגדיר מדדים משותפים.",
                "2026-08-01",
                "2027-01-31",
            ),
            _Phase(
                "יישום ומדידה משותפת",
                "לפעול לפי התכנית, לדווח על המדדים ולבחון את ההתקדמות פעמיים בשנה.",
                "2027-02-01",
                "2028-08-31",
            ),
        ),
        groups=(
            _Group(
                _G.STEERING_COMMITTEE,
                "ועדת ההיגוי העירונית",
                "נציגי העירייה, התושבים, העסקים והקרנות; מחליטה על המטרות ועל חלוקת המשאבים.",
                (
                    "ein_hadekel#1",
                    "ein_hadekel#2",
                    "ein_hadekel#0",
                    "matnas",
                    "econ_co",
                    "rashi",
                    "jdc",
                    "dekel_residents#0",
                    "bakery",
                    "@facilitator",
                ),
            ),
            _Group(
                _G.COMMITTEE,
                "ועדת התושבים",
                "הקול של התושבים בתכנית: מעלה צרכים, בודקת את ההצעות ומגייסת תושבים נוספים.",
                (
                    "dekel_residents#0",
                    "dekel_residents",
                    "dekel_residents",
                    "dekel_parents",
                    "dekel_women",
                    "dekel_youth",
                    "dekel_seniors",
                    "matnas",
                    "sheatufim",
                ),
            ),
            _Group(
                _G.COMMITTEE,
                "ועדת חינוך ונוער",
                "מקדמת את המטרה המשותפת בתחום החינוך והנוער.",
                (
                    "ein_hadekel#3",
                    "dekel_parents",
                    "dekel_youth",
                    "matnas",
                    "education",
                    "sapir",
                ),
            ),
            _Group(
                _G.TASK_TEAM,
                "צוות משימה: מרחב ציבורי ושכונות",
                "שיפור הגינות, המדרכות ומקומות המפגש בשכונות הוותיקות.",
                ("ein_hadekel#5", "dekel_residents", "dekel_seniors", "econ_co", "dekel_women"),
            ),
            _Group(
                _G.TASK_TEAM,
                "צוות משימה: תעסוקה ועסקים מקומיים",
                "הכשרה והשמה של תושבים בעסקים בעיר ותמיכה ביזמות של נשים.",
                ("econ_co", "bakery", "dekel_women", "chambers", "ein_hadekel#4", "welfare"),
            ),
        ),
        members=(
            ("ein_hadekel#0", Role.PARTNER),
            ("jdc#0", Role.PARTNER),
            ("dekel_residents#0", Role.PARTICIPANT),
        ),
    ),
)


# --- Loading ---------------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _logins() -> list[tuple[str, str, str]]:
    return [(user.username, DEMO_PASSWORD, str(user.description)) for user in DEMO_USERS]


def _write(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


class _People:
    """Resolves group slots to people, handing out an organisation's people in turn."""

    def __init__(self, by_org: dict[str, list[Person]], demo: dict[str, Person]):
        self.by_org = by_org
        self.demo = demo
        self.turn: dict[str, int] = defaultdict(int)

    def resolve(self, slot: str, exclude: set[int]) -> Person:
        if slot.startswith("@"):
            return self.demo[slot[1:]]
        if "#" in slot:
            org, index = slot.split("#")
            return self.by_org[org][int(index)]
        people = self.by_org[slot]
        for _attempt in range(len(people)):
            person = people[self.turn[slot] % len(people)]
            self.turn[slot] += 1
            if person.pk not in exclude:
                return person
        return people[0]


def _create_users_and_people(
    *, rng: random.Random, orgs: dict[str, Organisation]
) -> tuple[dict[str, User], dict[str, Person], dict[str, list[Person]], dict[str, User]]:
    users: dict[str, User] = {}
    demo_people: dict[str, Person] = {}
    for spec in DEMO_USERS:
        user = user_create(
            username=spec.username,
            password=DEMO_PASSWORD,
            email=spec.email,
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_staff=False,
            is_backbone=spec.is_backbone,
            language="he",
        )
        users[spec.username] = user
    facilitator = users["facilitator"]
    for spec in DEMO_USERS:
        person = person_create(
            by=facilitator,
            user=users[spec.username],
            full_name=f"{spec.first_name} {spec.last_name}",
            email=spec.email,
            phone="",
            bio=spec.bio,
        )
        affiliation_add(
            person=person,
            by=facilitator,
            organisation=orgs[spec.organisation],
            role_title=spec.role_title,
            start_date=dt.date(2019, 9, 1),
            end_date=None,
        )
        demo_people[spec.username] = person

    by_org: dict[str, list[Person]] = defaultdict(list)
    accounts: dict[str, User] = {}
    for org_key, plans in _plan_people(rng).items():
        for index, plan in enumerate(plans):
            account = None
            if plan.username:
                # No password: these accounts fill member lists but nobody logs in with them.
                account = user_create(
                    username=plan.username,
                    password=None,
                    email=plan.email,
                    first_name=plan.first_name,
                    last_name=plan.last_name,
                    is_staff=False,
                    is_backbone=False,
                    language="he",
                )
                accounts[f"{org_key}#{index}"] = account
            person = person_create(
                by=facilitator,
                user=account,
                full_name=plan.full_name,
                email=plan.email,
                phone="",
                bio="",
            )
            if plan.previous:
                prev_org, prev_role, prev_start, prev_end = plan.previous
                affiliation_add(
                    person=person,
                    by=facilitator,
                    organisation=orgs[prev_org],
                    role_title=prev_role,
                    start_date=prev_start,
                    end_date=prev_end,
                )
            affiliation_add(
                person=person,
                by=facilitator,
                organisation=orgs[org_key],
                role_title=plan.role_title,
                start_date=plan.start,
                end_date=None,
            )
            by_org[org_key].append(person)
    return users, demo_people, by_org, accounts


_ROLE_BY_SECTOR = {"community": Role.PARTICIPANT, "media": Role.OBSERVER}


def _create_initiative(
    spec: _Initiative,
    *,
    facilitator: User,
    orgs: dict[str, Organisation],
    people: _People,
    accounts: dict[str, User],
) -> Initiative:
    initiative = initiative_create(
        by=facilitator,
        leading_partners=[orgs[key] for key in spec.leads],
        kind=spec.kind,
        name=spec.name,
        short_description=spec.short,
        vision=spec.vision,
        situation_description=spec.situation,
        target_audience=spec.audience,
        facilitating_organisation=orgs[FACILITATING_ORGANISATION],
        status=spec.status,
        start_date=_date(spec.start),
        end_date=_date(spec.end),
    )
    for order, phase in enumerate(spec.phases, start=1):
        phase_create(
            initiative=initiative,
            by=facilitator,
            order=order,
            name=phase.name,
            goals=phase.goals,
            start_date=_date(phase.start),
            end_date=_date(phase.end),
            outcome_summary=phase.outcome,
        )
    for group_spec in spec.groups:
        group = group_create(
            initiative=initiative,
            by=facilitator,
            kind=group_spec.kind,
            name=group_spec.name,
            purpose=group_spec.purpose,
        )
        chosen: set[int] = set()
        for slot in group_spec.slots:
            person = people.resolve(slot, chosen)
            if person.pk in chosen:
                continue
            chosen.add(person.pk)
            # The backbone organisation's people document the meetings; the first other
            # person named chairs.
            if slot == "@facilitator" or slot.split("#")[0] == FACILITATING_ORGANISATION:
                role = GroupRole.NOTE_TAKER
            elif len(chosen) == 1:
                role = GroupRole.CHAIR
            else:
                role = GroupRole.MEMBER
            group_member_add(group=group, person=person, role=role, by=facilitator)
    members: set[int] = set()
    for slot, role in spec.members:
        user = people.demo[slot[1:]].user if slot.startswith("@") else accounts[slot]
        membership_add(initiative=initiative, user=user, role=role, by=facilitator)
        members.add(user.pk)
    # People in the initiative's groups are its members too; residents take part, the press
    # watches, everyone else is a partner.
    group_members = (
        GroupMember.objects.filter(group__initiative=initiative)
        .select_related("person__user")
        .prefetch_related("person__affiliations__organisation")
    )
    for group_member in group_members:
        user = group_member.person.user
        if user is None or user.pk in members or user.is_backbone:
            continue
        sectors = [
            affiliation.organisation.sector
            for affiliation in group_member.person.affiliations.all()
            if affiliation.end_date is None
        ]
        role = _ROLE_BY_SECTOR.get(sectors[0] if sectors else "", Role.PARTNER)
        membership_add(initiative=initiative, user=user, role=role, by=facilitator)
        members.add(user.pk)
    return initiative


def demo_load(*, stdout: TextIO | None = None) -> DemoResult:
    """Load the demo workspace once; later calls leave everything as it is."""
    facilitator_name = DEMO_USERS[0].username
    if get_user_model().objects.filter(username=facilitator_name).exists():
        _write(stdout, "The demo workspace is already loaded.")
        return DemoResult(created=False, logins=_logins())

    # A fixed seed keeps the invented names and dates the same on every machine.
    rng = random.Random(2026)
    with transaction.atomic():
        orgs: dict[str, Organisation] = {}
        for spec in ORGANISATIONS:
            orgs[spec.key] = organisation_create(
                by=None,
                name_he=spec.he,
                name_ar=spec.ar,
                name_en=spec.en,
                sector=spec.sector,
                website="",
                description=spec.about,
            )
        users, demo_people, by_org, accounts = _create_users_and_people(rng=rng, orgs=orgs)
        people = _People(by_org, demo_people)
        facilitator = users[facilitator_name]
        initiatives = [
            _create_initiative(
                spec, facilitator=facilitator, orgs=orgs, people=people, accounts=accounts
            )
            for spec in INITIATIVES
        ]
        from meshutaf.demo_maps import build_map

        for initiative in initiatives:
            if initiative.kind in (InitiativeKind.JOINT_MOVE, InitiativeKind.COLLECTIVE_IMPACT):
                build_map(initiative=initiative, facilitator=facilitator, rng=rng)
        from meshutaf.demo_meetings import build_meetings

        # The roundtable that is still meeting gets three years of meetings.
        ongoing = next(
            initiative
            for initiative in initiatives
            if initiative.kind == InitiativeKind.ROUNDTABLE and initiative.end_date is None
        )
        build_meetings(
            initiative=ongoing,
            facilitator=facilitator,
            partner=users[DEMO_USERS[1].username],
            rng=rng,
        )

        # The joint-move workshop gets a filled canvas session and a deliberation.
        studio = next(i for i in initiatives if i.name.startswith("הסטודיו למהלכים משותפים"))
        from meshutaf.demo_workshops import build_workshop

        build_workshop(initiative=studio, facilitator=facilitator, rng=rng)
        from meshutaf.demo_deliberation import build_deliberation

        build_deliberation(initiative=studio, facilitator=facilitator, rng=rng)

        # "Different Speech" gets a synthetic corpus, coded, trained, scored and indexed.
        different_speech = next(i for i in initiatives if i.name.startswith("דיבור אחר"))
        from meshutaf.demo_discourse import build_discourse

        build_discourse(initiative=different_speech, facilitator=facilitator, rng=rng)

    _write(
        stdout,
        f"Demo workspace loaded: {len(orgs)} organisations, "
        f"{sum(len(p) for p in by_org.values()) + len(demo_people)} people, "
        f"{len(initiatives)} initiatives.",
    )
    return DemoResult(created=True, logins=_logins())
