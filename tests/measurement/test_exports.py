"""Downloads of values: CSV, XLSX and Open SDG for the owner, a member and an outsider; the
agreements' visibility and small-number suppression hold in every file; formulas are not."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from meshutaf.measurement import services
from meshutaf.measurement.models import SharingAgreement


@pytest.fixture
def values(count_indicator, town, record, owner, member, partner_org):
    """A partner's approved values: the town's total (40), and north's 3 girls and 22 boys."""
    north = town.children.get(code="L9999-1")
    made = []
    for geography, key, number in (
        (town, "", 40),
        (north, "", 25),
        (north, "sex=female", 3),
        (north, "sex=male", 22),
    ):
        value = record(
            count_indicator,
            geography,
            "2024-Q1",
            by=member,
            role="partner",
            partner=partner_org,
            submit=True,
            key=key,
            value=number,
        )
        made.append(services.observation_approve(observation=value, by=owner))
    return made


@pytest.fixture
def shared(framework, count_indicator, partner_org):
    return SharingAgreement.objects.create(
        framework=framework,
        partner=partner_org,
        indicator=count_indicator,
        purpose="shared measurement",
        visibility="partners",
    )


def csv_rows(response) -> list[dict]:
    text = (
        b"".join(response).decode("utf-8-sig")
        if response.streaming
        else response.content.decode("utf-8-sig")
    )
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response) -> list[dict]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(header, row, strict=True)) for row in rows]


def framework_csv(client, framework, file_format="csv"):
    return client.get(f"/measurement/frameworks/{framework.pk}/export/observations.{file_format}")


def test_owner_member_outsider(
    framework, count_indicator, values, as_user, owner, member, participant, outsider
):
    for user in (owner, member, participant):
        assert framework_csv(as_user(user), framework).status_code == 200
        assert framework_csv(as_user(user), framework, "xlsx").status_code == 200
    for url in (
        f"/measurement/frameworks/{framework.pk}/export/observations.csv",
        f"/measurement/frameworks/{framework.pk}/export/open-sdg.zip",
        f"/measurement/indicators/{count_indicator.pk}/export/observations.xlsx",
        f"/measurement/indicators/{count_indicator.pk}/export/open-sdg.csv",
    ):
        assert as_user(outsider).get(url).status_code == 404
        assert as_user(None).get(url).status_code == 302  # to the sign-in page
    assert framework_csv(as_user(owner), framework, "pdf").status_code == 404


def test_the_backbone_and_the_reporting_partner_see_every_count(
    framework, values, as_user, owner, member
):
    for user in (owner, member):
        rows = csv_rows(framework_csv(as_user(user), framework))
        assert sorted(float(row["value"]) for row in rows) == [3, 22, 25, 40]
        assert {row["marker"] for row in rows} == {""}


def test_without_an_agreement_a_member_gets_nothing_of_the_partners_values(
    framework, count_indicator, values, as_user, participant
):
    assert csv_rows(framework_csv(as_user(participant), framework)) == []
    assert xlsx_rows(framework_csv(as_user(participant), framework, "xlsx")) == []
    sdg = as_user(participant).get(
        f"/measurement/indicators/{count_indicator.pk}/export/open-sdg.csv"
    )
    assert list(csv.reader(io.StringIO(sdg.content.decode())))[1:] == []


def test_small_counts_and_their_complements_are_hidden_in_csv_and_xlsx(
    framework, values, shared, as_user, participant
):
    for rows in (
        csv_rows(framework_csv(as_user(participant), framework)),
        xlsx_rows(framework_csv(as_user(participant), framework, "xlsx")),
    ):
        by_cell = {(row["geography"], row["disaggregation"] or ""): row for row in rows}
        small = by_cell[("L9999-1", "sex=female")]
        assert small["marker"] == "<10"
        assert small["value"] in ("", None)
        hidden = [row for row in rows if row["marker"]]
        assert len(hidden) >= 2  # 3 could otherwise be worked out as 25 − 22
        shown = [float(row["value"]) for row in rows if not row["marker"]]
        assert 3 not in shown
        assert float(by_cell[("L9999", "")]["value"]) == 40


def test_open_sdg_leaves_hidden_cells_out(
    framework, count_indicator, values, shared, as_user, owner, participant
):
    url = f"/measurement/indicators/{count_indicator.pk}/export/open-sdg.csv"
    full = list(csv.DictReader(io.StringIO(as_user(owner).get(url).content.decode())))
    assert list(full[0]) == [
        "Year",
        "sex",
        "Units",
        "Series",
        "Observation status",
        "GeoCode",
        "Value",
    ]
    assert sorted(int(row["Value"]) for row in full) == [3, 22, 25, 40]
    assert {row["GeoCode"] for row in full} == {"", "L9999-1"}  # the area is the empty GeoCode
    seen = list(csv.DictReader(io.StringIO(as_user(participant).get(url).content.decode())))
    assert 3 not in [int(row["Value"]) for row in seen]
    assert len(seen) <= 2
    archive = zipfile.ZipFile(
        io.BytesIO(
            as_user(participant)
            .get(f"/measurement/frameworks/{framework.pk}/export/open-sdg.zip")
            .content
        )
    )
    assert archive.namelist() == ["indicator_EDU1.csv"]
    assert (
        archive.read("indicator_EDU1.csv").decode()
        == as_user(participant).get(url).content.decode()
    )


def test_formulas_are_written_as_text(framework, count_indicator, town, record, owner, as_user):
    count_indicator.unit = '=HYPERLINK("http://x")'
    count_indicator.save()
    town.name = "=1+2"
    town.save()
    record(count_indicator, town, "2024-Q1", value=12)
    rows = csv_rows(framework_csv(as_user(owner), framework))
    assert rows[0]["geography_name"] == "'=1+2"
    assert (
        xlsx_rows(framework_csv(as_user(owner), framework, "xlsx"))[0]["geography_name"] == "'=1+2"
    )
    sdg = as_user(owner).get(f"/measurement/indicators/{count_indicator.pk}/export/open-sdg.csv")
    assert next(iter(csv.DictReader(io.StringIO(sdg.content.decode()))))["Units"].startswith("'=")


def test_export_query_count_is_flat(
    framework,
    count_indicator,
    town,
    record,
    owner,
    member,
    partner_org,
    shared,
    participant,
    as_user,
    django_assert_max_num_queries,
):
    north = town.children.get(code="L9999-1")
    for year in (2021, 2022, 2023, 2024):
        for quarter in range(1, 5):
            for geography in (town, north):
                value = record(
                    count_indicator,
                    geography,
                    f"{year}-Q{quarter}",
                    by=member,
                    role="partner",
                    partner=partner_org,
                    submit=True,
                    value=10 + quarter,
                )
                services.observation_approve(observation=value, by=owner)
    for user in (owner, participant):
        client = as_user(user)
        with django_assert_max_num_queries(12):
            assert len(csv_rows(framework_csv(client, framework))) == 32


def test_the_framework_and_indicator_pages_offer_the_downloads(
    framework, count_indicator, member, as_user
):
    client = as_user(member)
    page = client.get(reverse("measurement:framework", args=[framework.pk])).content.decode()
    assert reverse("measurement:framework_observations_export", args=[framework.pk, "csv"]) in page
    assert reverse("measurement:framework_open_sdg", args=[framework.pk]) in page
    page = client.get(reverse("measurement:indicator", args=[count_indicator.pk])).content.decode()
    assert (
        reverse("measurement:indicator_observations_export", args=[count_indicator.pk, "xlsx"])
        in page
    )
    assert reverse("measurement:indicator_open_sdg", args=[count_indicator.pk]) in page


def test_open_sdg_text_cannot_run_as_a_formula_and_numbers_stay_numbers():
    from meshutaf.core.exports import csv_safe
    from meshutaf.measurement import opensdg

    text = opensdg.write(
        [{"period": "2024", "key": "sex=@HYPERLINK(1)", "geography": "", "value": -5}],
        dimensions=["sex"],
        units="=cmd",
        series="S",
        area_code="IL",
    )
    assert "@HYPERLINK" not in text.replace("'@HYPERLINK", "")
    assert "'=cmd" in text
    assert csv_safe(-5.0) == "-5.0"
    assert csv_safe("-cmd") == "'-cmd"
