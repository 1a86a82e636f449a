"""The shared navigation offers each role only the pages it may open."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("who", "reporting", "review"),
    [("owner", True, True), ("member", True, False), ("participant", False, False)],
)
def test_the_nav_offers_reporting_and_review_by_role(
    who, reporting, review, request, framework, as_user
):
    user = request.getfixturevalue(who)
    html = as_user(user).get(reverse("measurement:scorecard", args=[framework.pk])).content.decode()
    assert (reverse("measurement:inbox", args=[framework.pk]) in html) is reporting
    assert (reverse("measurement:review", args=[framework.pk]) in html) is review
