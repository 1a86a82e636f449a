"""The reporting workflow's pages: rounds, the partner's inbox and entry sheet, the backbone's
review queue, one value's page, and the reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meshutaf.core.access import Role
from meshutaf.measurement import services, tasks
from meshutaf.measurement.models import (
    Observation,
    ReportingRound,
    ReportingTask,
    State,
    ValidationRule,
)
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)


@pytest.fixture
def rate_indicator(framework, owner):
    return services.indicator_create(
        framework=framework,
        by=owner,
        code="EDU3",
        name="השתתפות",
        name_en="Participation",
        kind="proportion",
        period_type="quarter",
    )


@pytest.fixture
def round(framework, owner, count_indicator, rate_indicator, partner_org):
    return services.round_open(
        framework=framework,
        by=owner,
        period="2025-Q1",
        due_date=timezone.localdate() + dt.timedelta(days=3),
        indicators=[count_indicator, rate_indicator],
        partners=[partner_org],
    )


@pytest.fixture
def other_partner(initiative):
    """A partner of the same initiative who reports for another organisation."""
    user = UserFactory(username="rival", first_name="Rina")
    MembershipFactory(initiative=initiative, user=user, role=Role.PARTNER)
    AffiliationFactory(
        person=PersonFactory(user=user),
        organisation=OrganisationFactory(name_en="Other NGO"),
        start_date=dt.date(2020, 1, 1),
    )
    return user


def cell(indicator, key="", part="value"):
    return f"cell:{indicator.pk}:{key}:{part}"


def entry_url(round, partner):
    return reverse("measurement:entry", args=[round.pk, partner.pk])


def post_values(client, round, partner, values, *, action="submit", **extra):
    return client.post(entry_url(round, partner), {**values, "action": action, **extra})


def submit_quarter(client, round, partner, count_indicator, rate_indicator):
    return post_values(
        client,
        round,
        partner,
        {
            cell(count_indicator): "40",
            cell(count_indicator, "sex=female"): "22",
            cell(count_indicator, "sex=male"): "18",
            cell(rate_indicator, part="numerator"): "30",
            cell(rate_indicator, part="denominator"): "120",
        },
    )


def current(indicator, key=""):
    return Observation.objects.get(indicator=indicator, disaggregation=key, current=True)


# ---------------------------------------------------------------- who may see what


def test_pages_for_owner_member_participant_outsider(
    as_user, owner, member, participant, outsider, round, partner_org, count_indicator, town, record
):
    value = record(
        count_indicator, town, "2025-Q1", by=member, role="partner", partner=partner_org, value=5
    )
    framework = round.framework
    pages = {
        "inbox": reverse("measurement:inbox", args=[framework.pk]),
        "review": reverse("measurement:review", args=[framework.pk]),
        "round_create": reverse("measurement:round_create", args=[framework.pk]),
        "round": reverse("measurement:round", args=[round.pk]),
        "entry": entry_url(round, partner_org),
        "observation": reverse("measurement:observation", args=[value.pk]),
    }
    expected = {
        owner: dict.fromkeys(pages, 200),
        member: {
            "inbox": 200,
            "review": 403,
            "round_create": 403,
            "round": 200,
            "entry": 200,
            "observation": 200,
        },
        participant: {
            "inbox": 403,
            "review": 403,
            "round_create": 403,
            "round": 403,
            "entry": 403,
            "observation": 403,
        },
        outsider: dict.fromkeys(pages, 404),
    }
    for user, codes in expected.items():
        client = as_user(user)
        for name, url in pages.items():
            assert client.get(url).status_code == codes[name], (user.username, name)
    assert as_user(None).get(pages["inbox"]).status_code == 302  # to the login page


def test_another_organisations_partner_cannot_see_or_enter_its_values(
    as_user, other_partner, round, partner_org, count_indicator, town, record
):
    value = record(
        count_indicator, town, "2025-Q1", by=None, role="facilitator", partner=partner_org, value=7
    )
    client = as_user(other_partner)
    assert client.get(entry_url(round, partner_org)).status_code == 403
    response = post_values(client, round, partner_org, {cell(count_indicator): "99"})
    assert response.status_code == 403
    assert client.get(reverse("measurement:observation", args=[value.pk])).status_code == 403
    assert client.get(reverse("measurement:round", args=[round.pk])).status_code == 403
    inbox = client.get(reverse("measurement:inbox", args=[round.framework.pk]))
    assert inbox.status_code == 200
    assert partner_org.name_en not in inbox.content.decode()
    action = reverse("measurement:observation_action", args=[value.pk])
    assert client.post(action, {"action": "submit"}).status_code == 403
    assert Observation.objects.get().value == 7


def test_member_cannot_review(as_user, member, round, partner_org, count_indicator, town, record):
    value = record(
        count_indicator,
        town,
        "2025-Q1",
        by=member,
        role="partner",
        partner=partner_org,
        value=5,
        submit=True,
    )
    client = as_user(member)
    action = reverse("measurement:observation_action", args=[value.pk])
    assert client.post(action, {"action": "approve"}).status_code == 403
    review = reverse("measurement:review", args=[round.framework.pk])
    assert client.post(review, {"ids": [value.pk], "action": "approve"}).status_code == 403
    value.refresh_from_db()
    assert value.state == State.SUBMITTED


# ---------------------------------------------------------------- bad input writes nothing


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"count": "N/A"}, "must be a number, not “N/A”"),
        ({"count": "see description"}, "must be a number"),
        ({"numerator": "150", "denominator": "120"}, "numerator"),
        ({"unknown": "5"}, "“other” is not a value of sex"),
        ({"count": "12.5"}, "A count is a whole number."),
    ],
)
def test_bad_input_shows_the_message_and_writes_nothing(
    as_user, member, round, partner_org, count_indicator, rate_indicator, values, message
):
    posted = {
        cell(count_indicator, "sex=female"): "22",  # a good cell beside the bad one
        cell(count_indicator): values.get("count", ""),
        cell(rate_indicator, part="numerator"): values.get("numerator", ""),
        cell(rate_indicator, part="denominator"): values.get("denominator", ""),
    }
    if "unknown" in values:
        posted[cell(count_indicator, "sex=other")] = values["unknown"]
    response = post_values(as_user(member), round, partner_org, posted)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "Nothing was saved" in content
    if "unknown" not in values:  # the field is marked; an unknown cell is named on top
        assert 'aria-invalid="true"' in content
    assert not Observation.objects.exists()
    # What the partner typed is kept in the form for them to fix.
    assert 'value="22"' in content


def test_a_warning_rule_asks_for_confirmation(
    as_user, member, owner, round, partner_org, count_indicator
):
    ValidationRule.objects.create(
        framework=round.framework,
        name="Girls and boys make the total",
        left="EDU1[sex=female] + EDU1[sex=male]",
        operator="==",
        right="EDU1",
        severity="warning",
    )
    values = {
        cell(count_indicator): "40",
        cell(count_indicator, "sex=female"): "22",
        cell(count_indicator, "sex=male"): "17",
    }
    client = as_user(member)
    response = post_values(client, round, partner_org, values)
    assert response.status_code == 400
    assert "Girls and boys make the total" in response.content.decode()
    assert 'name="confirm_warnings"' in response.content.decode()
    assert not Observation.objects.exists()
    response = post_values(client, round, partner_org, values, confirm_warnings="1")
    assert response.status_code == 302
    assert Observation.objects.filter(state=State.SUBMITTED).count() == 3


# ---------------------------------------------------------------- the workflow


def test_returned_fixed_approved_then_disabled_with_who_and_when(
    as_user, owner, member, round, partner_org, count_indicator, rate_indicator
):
    partner = as_user(member)
    response = submit_quarter(partner, round, partner_org, count_indicator, rate_indicator)
    assert response.status_code == 302
    assert Observation.objects.filter(state=State.SUBMITTED, current=True).count() == 4
    rate = current(rate_indicator)
    assert float(rate.value) == pytest.approx(0.25)  # computed, never typed
    assert ReportingTask.objects.get().submitted_at is not None

    backbone = as_user(owner)
    queue = backbone.get(reverse("measurement:review", args=[round.framework.pk]))
    assert queue.status_code == 200
    total = current(count_indicator)
    action = reverse("measurement:observation_action", args=[total.pk])
    refused = backbone.post(action, {"action": "return", "reason": ""})
    assert refused.status_code == 302
    total.refresh_from_db()
    assert total.state == State.SUBMITTED  # a return needs its reason
    backbone.post(action, {"action": "return", "reason": "The north is missing"})
    total.refresh_from_db()
    assert total.state == State.RETURNED

    page = partner.get(entry_url(round, partner_org)).content.decode()
    assert "The north is missing" in page
    response = post_values(partner, round, partner_org, {cell(count_indicator): "41"})
    assert response.status_code == 302
    fixed = current(count_indicator)
    assert fixed.value == 41
    assert fixed.state == State.SUBMITTED
    assert fixed.supersedes == total

    review = reverse("measurement:review", args=[round.framework.pk])
    assert backbone.post(review, {"approve_one": fixed.pk}).status_code == 302
    fixed.refresh_from_db()
    assert fixed.state == State.APPROVED

    page = partner.get(entry_url(round, partner_org)).content.decode()
    reason_id = f"cell-{count_indicator.pk}-0-why"
    assert f'disabled aria-describedby="{reason_id}"' in page
    assert f'id="{reason_id}">Approved by Noa on ' in page
    # The approved value cannot be changed by posting either.
    post_values(partner, round, partner_org, {cell(count_indicator): "50"})
    assert current(count_indicator).value == 41

    history = partner.get(reverse("measurement:observation", args=[fixed.pk])).content.decode()
    assert "The north is missing" in history
    assert "Approved by Noa" in history


def test_closed_round_disables_the_cells_with_its_reason(
    as_user, owner, member, round, partner_org, count_indicator, rate_indicator
):
    partner = as_user(member)
    submit_quarter(partner, round, partner_org, count_indicator, rate_indicator)
    services.observation_approve(observation=current(count_indicator), by=owner)
    response = as_user(owner).post(reverse("measurement:round_close", args=[round.pk]))
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.state == "closed"
    assert current(count_indicator).state == State.LOCKED

    page = partner.get(entry_url(round, partner_org)).content.decode()
    assert "Entry closed: the reporting round for 2025-Q1 closed on" in page
    assert "Locked by Noa on" in page
    assert "Submit for review" not in page
    post_values(partner, round, partner_org, {cell(count_indicator, "sex=male"): "30"})
    assert current(count_indicator, "sex=male").value == 18
    # The inbox lists open rounds only.
    inbox = partner.get(reverse("measurement:inbox", args=[round.framework.pk])).content.decode()
    assert "Nothing is due." in inbox


def test_bulk_approve_and_return(
    as_user, owner, member, round, partner_org, count_indicator, rate_indicator
):
    submit_quarter(as_user(member), round, partner_org, count_indicator, rate_indicator)
    backbone = as_user(owner)
    review = reverse("measurement:review", args=[round.framework.pk])
    ids = list(Observation.objects.filter(indicator=count_indicator).values_list("pk", flat=True))
    response = backbone.post(review, {"ids": ids, "action": "return", "reason": ""})
    assert response.status_code == 400
    assert not Observation.objects.exclude(state=State.SUBMITTED).exists()
    response = backbone.post(review, {"ids": ids, "action": "approve"})
    assert response.status_code == 302
    assert Observation.objects.filter(state=State.APPROVED).count() == 3
    rate = current(rate_indicator)
    backbone.post(review, {"ids": [rate.pk], "action": "return", "reason": "Check the base"})
    rate.refresh_from_db()
    assert rate.state == State.RETURNED
    assert rate.return_reason == "Check the base"
    # An approved value picked again is refused as a whole.
    response = backbone.post(review, {"ids": [*ids], "action": "approve"})
    assert response.status_code == 400
    assert "Only a submitted value can be approved." in response.content.decode()


def test_review_queue_shows_change_and_flags(
    as_user, owner, member, round, partner_org, count_indicator, town, record
):
    record(count_indicator, town, "2024-Q4", value=20)
    submit_quarter(
        as_user(member), round, partner_org, count_indicator, round.indicators.get(code="EDU3")
    )
    page = as_user(owner).get(reverse("measurement:review", args=[round.framework.pk]))
    content = page.content.decode()
    assert "+20 (+100%)" in content
    assert "Changed by more than 50% from the previous period." in content
    assert "do not add up" not in content  # 22 + 18 = 40


def test_review_queue_flags_parts_that_do_not_add_up_and_broken_rules(
    as_user, owner, member, round, partner_org, count_indicator
):
    ValidationRule.objects.create(
        framework=round.framework,
        name="Girls at most the total",
        left="EDU1[sex=female]",
        operator="<=",
        right="EDU1",
        severity="warning",
    )
    values = {
        cell(count_indicator): "20",
        cell(count_indicator, "sex=female"): "22",
        cell(count_indicator, "sex=male"): "18",
    }
    post_values(as_user(member), round, partner_org, values, confirm_warnings="1")
    content = as_user(owner).get(reverse("measurement:review", args=[round.framework.pk]))
    content = content.content.decode()
    assert "The reported value is 20; its parts give 40." in content
    assert "Rule warning: Girls at most the total" in content


def test_unlock_needs_a_reason_and_is_recorded(
    as_user, owner, member, round, partner_org, count_indicator, rate_indicator
):
    submit_quarter(as_user(member), round, partner_org, count_indicator, rate_indicator)
    value = current(count_indicator)
    backbone = as_user(owner)
    action = reverse("measurement:observation_action", args=[value.pk])
    backbone.post(action, {"action": "approve"})
    backbone.post(action, {"action": "lock"})
    value.refresh_from_db()
    assert value.state == State.LOCKED
    backbone.post(action, {"action": "unlock", "reason": ""})
    value.refresh_from_db()
    assert value.state == State.LOCKED
    backbone.post(action, {"action": "unlock", "reason": "A typo in the source"})
    value.refresh_from_db()
    assert value.state == State.RETURNED
    assert value.events.filter(action="unlocked", note="A typo in the source").exists()


def test_open_a_round_and_its_first_reminders(
    as_user,
    owner,
    member,
    framework,
    count_indicator,
    partner_org,
    django_capture_on_commit_callbacks,
):
    url = reverse("measurement:round_create", args=[framework.pk])
    backbone = as_user(owner)
    assert partner_org.name_en in backbone.get(url).content.decode()
    bad = backbone.post(
        url,
        {
            "period": "Spring",
            "due_date": "2025-04-30",
            "indicators": [count_indicator.pk],
            "partners": [partner_org.pk],
        },
    )
    assert bad.status_code == 200
    assert "is not a period" in bad.content.decode()
    assert not ReportingRound.objects.exists()
    due = timezone.localdate() + dt.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = backbone.post(
            url,
            {
                "period": "2025-Q2",
                "due_date": due.isoformat(),
                "indicators": [count_indicator.pk],
                "partners": [partner_org.pk],
            },
        )
    opened = ReportingRound.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("measurement:round", args=[opened.pk])
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "2025-Q2" in mail.outbox[0].subject
    assert entry_url(opened, partner_org) in mail.outbox[0].body
    assert ReportingTask.objects.get().reminded_at is not None


def test_reminders_once_a_day_to_members_who_report(
    owner,
    member,
    outsider,
    participant,
    round,
    partner_org,
    count_indicator,
    rate_indicator,
    initiative,
):
    # Someone of the organisation who is not a member of the initiative hears nothing.
    AffiliationFactory(person=PersonFactory(user=outsider), organisation=partner_org)
    # A past affiliation does not count either.
    former = UserFactory(username="former")
    MembershipFactory(initiative=initiative, user=former, role=Role.PARTNER)
    AffiliationFactory(
        person=PersonFactory(user=former),
        organisation=partner_org,
        start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2020, 1, 1),
    )
    # Nor does a member whose role does not let them report.
    AffiliationFactory(person=PersonFactory(user=participant), organisation=partner_org)
    assert tasks.reminders_send() == 1
    assert mail.outbox[0].to == [member.email]
    assert "https://" in mail.outbox[0].body or "http://" in mail.outbox[0].body
    assert tasks.reminders_send() == 0  # once a day
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert tasks.reminders_send(now=tomorrow) == 1
    # A submitted task is not reminded; nor is one due later than the window.
    ReportingTask.objects.update(submitted_at=timezone.now(), reminded_at=None)
    assert tasks.reminders_send(now=tomorrow + dt.timedelta(days=1)) == 0
    ReportingTask.objects.update(submitted_at=None)
    ReportingRound.objects.update(due_date=timezone.localdate() + dt.timedelta(days=30))
    assert tasks.reminders_send(now=tomorrow + dt.timedelta(days=1)) == 0


# ---------------------------------------------------------------- query counts


def _more_rounds(framework, owner, indicators, partners, count):
    for number in range(count):
        services.round_open(
            framework=framework,
            by=owner,
            period=f"202{number % 5}-Q{number % 4 + 1}",
            due_date=timezone.localdate() + dt.timedelta(days=number),
            indicators=indicators,
            partners=partners,
        )


def test_inbox_query_count_is_flat(
    as_user,
    owner,
    member,
    framework,
    count_indicator,
    rate_indicator,
    partner_org,
    django_assert_max_num_queries,
):
    _more_rounds(framework, owner, [count_indicator], [partner_org], 1)
    url = reverse("measurement:inbox", args=[framework.pk])
    for user in (member, owner):
        client = as_user(user)
        client.get(url)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
    others = [OrganisationFactory() for _ in range(4)]
    _more_rounds(framework, owner, [count_indicator, rate_indicator], [partner_org, *others], 8)
    for user in (member, owner):
        client = as_user(user)
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.content.decode().count("/partners/") >= 9


def test_review_queue_query_count_is_flat(
    as_user,
    owner,
    member,
    round,
    partner_org,
    count_indicator,
    rate_indicator,
    town,
    record,
    django_assert_max_num_queries,
):
    ValidationRule.objects.create(
        framework=round.framework,
        name="Parts",
        left="EDU1[sex=female]",
        operator="<=",
        right="EDU1",
        severity="error",
    )
    submit_quarter(as_user(member), round, partner_org, count_indicator, rate_indicator)
    url = reverse("measurement:review", args=[round.framework.pk])
    client = as_user(owner)
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    north, south = town.children.order_by("code")
    for geography in (north, south):
        for quarter in ("2023-Q1", "2023-Q2", "2023-Q3", "2024-Q4"):
            for key, value in (("", 30), ("sex=female", 10), ("sex=male", 20)):
                record(
                    count_indicator,
                    geography,
                    quarter,
                    by=member,
                    role="partner",
                    partner=partner_org,
                    key=key,
                    value=value,
                    submit=True,
                )
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.content.decode().count('name="ids"') == 4 + 24


# ---------------------------------------------------------------- uploading a file


def upload_file(client, round, partner, text, name="values.csv"):
    url = reverse("measurement:upload", args=[round.pk, partner.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def test_upload_previews_and_writes_the_partners_values(
    as_user, member, round, partner_org, count_indicator, rate_indicator
):
    client = as_user(member)
    assert (
        client.get(reverse("measurement:upload", args=[round.pk, partner_org.pk])).status_code
        == 200
    )
    text = (
        "indicator,period,disaggregation,value,numerator,denominator\n"
        "EDU1,2025-Q1,,40,,\n"
        "EDU1,2025-Q1,sex=female,22,,\n"
        "EDU1,2025-Q1,sex=male,18,,\n"
        "EDU3,2025-Q1,,,30,120\n"
    )
    response = upload_file(client, round, partner_org, text)
    preview = reverse("measurement:upload_preview", args=[round.pk, partner_org.pk])
    assert response.status_code == 302
    assert response.url == preview
    page = client.get(preview)
    assert page.status_code == 200
    assert "4 rows ready, 0 rows with problems." in page.content.decode()
    assert not Observation.objects.exists()  # a preview writes nothing
    response = client.post(preview, {"action": "apply"})
    assert response.status_code == 302
    written = Observation.objects.filter(current=True, partner=partner_org)
    assert written.count() == 4
    assert set(written.values_list("state", flat=True)) == {State.SUBMITTED}


def test_upload_with_bad_rows_writes_nothing_unless_they_are_skipped(
    as_user, member, round, partner_org, count_indicator, rate_indicator
):
    client = as_user(member)
    text = (
        "indicator,period,disaggregation,value,numerator,denominator\n"
        "EDU1,2025-Q1,,N/A,,\n"
        "EDU1,2025-Q1,sex=other,3,,\n"
        "EDU3,2025-Q1,,,150,120\n"
        "EDU1,2025-Q1,sex=female,22,,\n"
    )
    upload_file(client, round, partner_org, text)
    preview = reverse("measurement:upload_preview", args=[round.pk, partner_org.pk])
    content = client.get(preview).content.decode()
    assert "1 row ready, 3 rows with problems." in content
    assert "N/A" in content
    assert "“other” is not a value of sex" in content
    response = client.post(preview, {"action": "apply"})
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not Observation.objects.exists()
    response = client.post(preview, {"action": "apply", "skip_bad": "1"})
    assert response.status_code == 302
    assert list(Observation.objects.values_list("disaggregation", "value")) == [("sex=female", 22)]


def test_upload_pages_are_for_the_partners_people(
    as_user, owner, participant, outsider, other_partner, round, partner_org
):
    upload = reverse("measurement:upload", args=[round.pk, partner_org.pk])
    preview = reverse("measurement:upload_preview", args=[round.pk, partner_org.pk])
    assert as_user(owner).get(upload).status_code == 200
    for user, code in ((participant, 403), (other_partner, 403), (outsider, 404)):
        assert as_user(user).get(upload).status_code == code
        assert as_user(user).get(preview).status_code == code
    response = upload_file(as_user(other_partner), round, partner_org, "indicator,period,value\n")
    assert response.status_code == 403


def test_messages_are_in_the_partners_language(member, round, partner_org, count_indicator):
    client = Client(HTTP_ACCEPT_LANGUAGE="he")
    client.force_login(member)
    response = post_values(client, round, partner_org, {cell(count_indicator): "N/A"})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'lang="he"' in content
    assert "הערך" in content  # "the value", named in the message about it
    assert not Observation.objects.exists()


def test_reminders_come_back_tomorrow_while_the_round_is_open(round, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tasks._schedule_next(round.pk)
    job = DBTaskResult.objects.get(task_path=tasks.reporting_reminders.module_path)
    assert job.args_kwargs["args"] == [round.pk]
    assert timezone.localtime(job.run_after).date() == timezone.localdate() + dt.timedelta(days=1)
    services.round_close(round=round, by=round.opened_by)
    tasks._schedule_next(round.pk)
    assert DBTaskResult.objects.count() == 1  # a closed round is not reminded again


def test_inbox_shows_each_tasks_progress_over_the_area(
    as_user, member, round, partner_org, count_indicator, rate_indicator, town, record
):
    north = town.children.order_by("code").first()
    record(
        count_indicator, north, "2025-Q1", by=member, role="partner", partner=partner_org, value=9
    )
    submit_quarter(as_user(member), round, partner_org, count_indicator, rate_indicator)
    content = as_user(member).get(reverse("measurement:inbox", args=[round.framework.pk]))
    # The count's total and two values of sex, and the proportion's total: 4 asked, 4 given.
    assert "4 of 4 entered" in content.content.decode()
    assert "4 waiting for review" in content.content.decode()


def test_an_indicator_of_another_period_type_says_so(
    as_user, owner, member, framework, count_indicator, proportion_indicator, partner_org
):
    mixed = services.round_open(
        framework=framework,
        by=owner,
        period="2025-Q1",
        due_date=timezone.localdate(),
        indicators=[count_indicator, proportion_indicator],
        partners=[partner_org],
    )
    page = as_user(member).get(entry_url(mixed, partner_org)).content.decode()
    assert "This indicator is reported by year, not for 2025-Q1." in page
    response = post_values(
        as_user(member),
        mixed,
        partner_org,
        {cell(proportion_indicator, part="numerator"): "1", cell(count_indicator): "5"},
    )
    assert response.status_code == 302
    assert list(Observation.objects.values_list("indicator__code", flat=True)) == ["EDU1"]


def test_entry_query_count_is_flat(
    as_user, owner, member, framework, partner_org, django_assert_max_num_queries
):
    def open_round(count, period):
        indicators = [
            services.indicator_create(
                framework=framework,
                by=owner,
                code=f"{period}-{number}",
                name=f"מדד {number}",
                kind="count",
                period_type="quarter",
                dimensions=[{"name": "sex", "values": ["female", "male"]}],
            )
            for number in range(count)
        ]
        return services.round_open(
            framework=framework,
            by=owner,
            period=period,
            due_date=timezone.localdate(),
            indicators=indicators,
            partners=[partner_org],
        )

    client = as_user(member)
    small, large = open_round(1, "2025-Q1"), open_round(12, "2025-Q2")
    for opened in (small, large):
        values = {f"cell:{i.pk}:sex=female:value": "12" for i in opened.indicators.all()}
        post_values(client, opened, partner_org, values, action="save")
    client.get(entry_url(small, partner_org))
    with django_assert_max_num_queries(14) as small_queries:
        assert client.get(entry_url(small, partner_org)).status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get(entry_url(large, partner_org))
    assert response.content.decode().count("badge--draft") == 12


def test_entry_query_count_stays_flat_when_every_cell_is_locked(
    as_user, owner, member, framework, partner_org, django_assert_max_num_queries
):
    """A closed round's sheet says, for each locked cell, who locked it and when, from the
    events fetched with the cells, not one query a cell."""
    rounds = []
    for count, period in ((1, "2025-Q1"), (12, "2025-Q2")):
        indicators = [
            services.indicator_create(
                framework=framework,
                by=owner,
                code=f"L{period}-{number}",
                name=f"מדד {number}",
                kind="count",
                period_type="quarter",
            )
            for number in range(count)
        ]
        opened = services.round_open(
            framework=framework,
            by=owner,
            period=period,
            due_date=timezone.localdate(),
            indicators=indicators,
            partners=[partner_org],
        )
        for indicator in indicators:
            post_values(as_user(member), opened, partner_org, {f"cell:{indicator.pk}::value": "12"})
        for value in Observation.objects.filter(round=opened, current=True):
            services.observation_approve(observation=value, by=owner)
        services.round_close(round=opened, by=owner)
        rounds.append(opened)
    client = as_user(member)
    client.get(entry_url(rounds[0], partner_org))
    with django_assert_max_num_queries(20) as small_queries:
        assert client.get(entry_url(rounds[0], partner_org)).status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        page = client.get(entry_url(rounds[1], partner_org)).content.decode()
    assert page.count("Locked by") >= 12
