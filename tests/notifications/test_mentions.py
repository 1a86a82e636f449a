"""Finding who an "@" names: user names and directory names, Hebrew and Arabic folded."""

from meshutaf.notifications.mentions import mentioned, newly_mentioned

PEOPLE = {
    1: ["amir", "Amir Haddad"],
    2: ["noa", "נועה לוי"],
    3: ["rana", "رنا خوري"],
    4: ["amir2", "Amir Cohen"],
}


def test_user_names_and_full_names_are_found():
    assert mentioned("Thanks @amir2 and @Noa!", PEOPLE) == {4, 2}
    assert mentioned("@Amir Haddad will check", PEOPLE) == {1}
    assert mentioned("@amir will check", PEOPLE) == {1}


def test_hebrew_and_arabic_names_fold():
    assert mentioned("תודה ל-@נוֹעָה לוי על הסיכום", PEOPLE) == {2}
    assert mentioned("شكرًا @رنا خوري", PEOPLE) == {3}


def test_an_email_address_is_no_mention():
    assert mentioned("write to amir@example.org", PEOPLE) == set()


def test_a_name_two_people_share_names_nobody():
    people = {1: ["Dana"], 2: ["dana"]}
    assert mentioned("@Dana", people) == set()


def test_only_new_mentions_count():
    assert newly_mentioned("@noa and @amir", "@noa", PEOPLE) == {1}
    assert newly_mentioned("@noa", "@noa", PEOPLE) == set()
