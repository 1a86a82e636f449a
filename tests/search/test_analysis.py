from hypothesis import given
from hypothesis import strategies as st

from meshutaf.search import analysis


def matches(query: str, text: str) -> bool:
    indexed = set(analysis.index_terms(text).split())
    return all(set(group) & indexed for group in analysis.query_groups(query))


def test_hebrew_prefixes_both_ways():
    assert matches("לארגון", "הארגון הוקם")
    assert matches("ארגון", "פנינו לארגון")
    assert matches("ובבית", "בית הספר")
    assert matches("שהמשרד", "משרד החינוך")
    assert not matches("ארגון", "ארגז כלים")


def test_final_letters_and_niqqud():
    assert matches("שלום", "שָׁלוֹם לכולם")
    assert matches("ארגונים", "הארגונימ")  # a final mem written as a plain one
    assert matches("צדק", "צֶדֶק")


def test_arabic_variants_and_article():
    assert matches("المدرسة", "مدرسه جديدة")  # taa marbuta, article
    assert matches("مدرسة", "والمدرسة")
    assert matches("أحمد", "احمد")  # alef with hamza
    assert matches("مستشفى", "مستشفي")  # alef maqsura / yaa
    assert matches("للطلاب", "الطلاب")


def test_english_is_case_insensitive():
    assert matches("Roundtable", "the ROUNDTABLE met")


def test_highlight_marks_original_words_and_escapes():
    snippet = analysis.highlight(
        "<b>הפגישה</b> עסקה בַּארגון ובתקציב", analysis.query_groups("לארגון")
    )
    assert "<mark>בַּארגון</mark>" in snippet.html
    assert "&lt;b&gt;" in snippet.html
    assert snippet.matched


@given(st.text(max_size=300))
def test_any_text_indexes_into_clean_tokens(text):
    terms = analysis.index_terms(text)
    assert all(token and " " not in token for token in terms.split(" ") if terms)
    for group in analysis.query_groups(text):
        assert group
        assert all(group)
    analysis.highlight(text, analysis.query_groups(text[:20]))


@given(st.text(alphabet="אבגדהוזחטיכלמנסעפצקרשתךםןףץ", min_size=2, max_size=12))
def test_a_word_always_finds_itself_with_a_prefix(word):
    assert matches(word, "ו" + word)
    assert matches("ב" + word, word)
