"""The canonical text form the learner sees."""

import pytest

from meshutaf.discourse.normalize import EMAIL_TOKEN, MENTION_TOKEN, URL_TOKEN, normalize

URL, EMAIL = URL_TOKEN.strip(), EMAIL_TOKEN.strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("שָׁלוֹם עֲלֵיכֶם", "שלומ עליכמ"),  # points dropped, final letters folded
        ("مُحَمَّد أحمد إلى مدرسة", "محمد احمد الي مدرسه"),  # harakat, alef, ya, ta marbuta
        ("كتـــاب", "كتاب"),  # tatweel
        ("Hello WORLD", "hello world"),
        ("חחחחחח", "חח"),
        ("!!!!!", "!!"),
        ("cooool", "cool"),
        ("ههههههه", "هه"),
        ("נו באמת???", "נו באמת??"),
        ("  רווחים \t\n  רבים  ", "רווחימ רבימ"),
        ("call 054-1234567 now", "call 000-0000000 now"),
        ("٣٤ عاما", "00 عاما"),  # Arabic-Indic digits
        ("בשנת 2023", "בשנת 0000"),
        ("😡😡😡 מה?!", "😡😡 מה?!"),  # emoji and punctuation stay
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_links_mentions_and_addresses_become_tokens():
    assert normalize("see https://example.org/a?b=1 now") == f"see {URL} now"
    assert normalize("www.example.co.il/page") == URL
    assert normalize("ynet.co.il/articles/123 wow") == f"{URL} wow"
    assert normalize("@dana_k תגידי") == f"{MENTION_TOKEN} תגידי"
    assert normalize("write to dana.k@example.org please") == f"write to {EMAIL} please"
    # Several of each, and no token swallowed by the next rule.
    found = normalize("@a @b http://x.io/1 http://y.io/2 a@b.com")
    assert found == f"{MENTION_TOKEN} {MENTION_TOKEN} {URL} {URL} {EMAIL}"


def test_is_idempotent_and_total():
    for text in ["", "   ", "@x https://a.b/c 123 חחחח", "ـــ", "שָׁלוֹם!!!!"]:
        once = normalize(text)
        assert normalize(once) == once
    assert normalize("") == ""
    assert normalize(None) == ""  # fold_text treats None as empty
