"""The programmes and cohorts API, for the owner, a member and an outsider."""

from ..api.test_api import api


def test_programmes_and_cohorts_by_role(initiative, cohort, owner, member, outsider):
    programme = cohort.programme
    url = f"/api/v1/initiatives/{initiative.pk}/programmes"
    assert api(owner).get(url).json()["items"][0]["id"] == programme.pk
    assert api(member).get(url).json()["count"] == 1
    assert api(outsider).get(url).status_code == 404
    for url in (
        f"/api/v1/programs/programmes/{programme.pk}",
        f"/api/v1/programs/programmes/{programme.pk}/cohorts",
        f"/api/v1/programs/cohorts/{cohort.pk}",
    ):
        assert api(member).get(url).status_code == 200, url
        assert api(outsider).get(url).status_code == 404, url
    listed = api(member).get(f"/api/v1/programs/programmes/{programme.pk}/cohorts").json()
    assert listed["items"][0]["phase"] == "nomination"
    assert api(owner).get("/api/v1/programs/cohorts/999999").status_code == 404
    assert api(owner).get("/api/v1/programs/cohorts/0").status_code == 422
