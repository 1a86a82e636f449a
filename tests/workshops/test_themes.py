from hypothesis import given, settings
from hypothesis import strategies as st

from meshutaf.workshops.themes import cluster_texts, fold_for_clustering, short_name


def groups(texts, **kwargs):
    clusters = cluster_texts(list(enumerate(texts, start=1)), **kwargs)
    return [sorted(cluster.ids) for cluster in clusters]


def test_hebrew_near_duplicates_land_together_and_unrelated_apart():
    texts = [
        "ויתור על בלעדיות בידע",  # 1
        "ויתור על הבלעדיות על הידע שלנו",  # 2
        "לוותר על בלעדיות",  # 3
        "השקעת זמן ומשאבים",  # 4
        "זמן ומשאבים של הצוות",  # 5
        "גיוס תקציבים",  # 6
        "מוניטין ואגו",  # 7
    ]
    assert groups(texts) == [[1, 2, 3], [4, 5]]


def test_niqqud_and_final_letters_do_not_separate_notes():
    assert fold_for_clustering("שָׁלוֹם") == fold_for_clustering("שלומ")
    assert groups(["שִׁתּוּף פְּעֻלָּה בֵּין מִגְזָרִים", "שיתוף פעולה בין מגזרים", "תקציב"]) == [[1, 2]]


def test_arabic_near_duplicates_land_together():
    texts = [
        "التنازل عن الحصرية في المعرفة",
        "التنازل عن حصرية المعرفة",
        "الوقت والموارد",
        "استثمار الوقت والموارد",
        "ميزانية",
    ]
    assert groups(texts) == [[1, 2], [3, 4]]


def test_english_near_duplicates_land_together():
    texts = [
        "Giving up exclusivity over knowledge",
        "giving up our exclusive knowledge",
        "Time and resources",
        "time & resources of the team",
        "Reputation and ego",
    ]
    assert groups(texts) == [[1, 2], [3, 4]]


def test_named_after_the_most_central_note_and_deterministic():
    texts = ["בירוקרטיה ומורכבות", "מורכבות ובירוקרטיה בקבלת החלטות", "בירוקרטיה ומורכבות רבה"]
    first = cluster_texts(list(enumerate(texts, start=1)))
    again = cluster_texts(list(reversed(list(enumerate(texts, start=1)))))
    assert first == again
    assert len(first) == 1
    assert first[0].name in texts
    assert first[0].central_id in first[0].ids


def test_threshold_tunes_how_much_goes_together():
    texts = ["זמן ומשאבים", "השקעת זמן", "משאבים כספיים", "תקציב"]
    loose = [pk for ids in groups(texts, threshold=0.99) for pk in ids]
    strict = [pk for ids in groups(texts, threshold=0.3) for pk in ids]
    assert len(loose) >= len(strict)


def test_too_little_to_cluster():
    assert cluster_texts([]) == []
    assert cluster_texts([(1, "one note")]) == []
    assert cluster_texts([(1, "!!!"), (2, "?")]) == []


def test_short_name_cuts_at_a_word():
    assert short_name("א" * 10) == "א" * 10
    name = short_name("מילה " * 30, limit=20)
    assert name.endswith("…")
    assert len(name) <= 21


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=12))
def test_any_texts_give_disjoint_clusters_of_known_ids(texts):
    clusters = cluster_texts(list(enumerate(texts, start=1)))
    seen = [pk for cluster in clusters for pk in cluster.ids]
    assert len(seen) == len(set(seen))
    assert set(seen) <= set(range(1, len(texts) + 1))
    assert all(len(cluster.ids) >= 2 for cluster in clusters)
