"""The codebook, sampling and assigning, the annotation screen, agreement and adjudication."""

import re

import pytest
from django.urls import reverse

from meshutaf.demo.corpus import synthetic_posts
from meshutaf.discourse import services
from meshutaf.discourse.models import Adjudication, Annotation, Assignment, Sample

from ...conftest import client_for
from ..conftest import assign, code_assignments, url

pytestmark = pytest.mark.django_db


def test_codebook_and_dimension_edit(corpus, owner, member):
    page = client_for(member).get(url("codebook", corpus.pk)).content.decode()
    assert "Insult" in page
    assert "<kbd>1</kbd>" in page
    assert "dimension_edit" not in page
    assert "/edit/" not in page
    assert (
        "/discourse/dimensions/"
        in client_for(owner).get(url("codebook", corpus.pk)).content.decode()
    )
    insult = corpus.dimensions.get(key="insult")
    prefix = f"d{insult.pk}"
    data = {
        f"{prefix}-label": "Name-calling",
        f"{prefix}-definition": "",
        f"{prefix}-examples": "",
        f"{prefix}-shortcut": "KeyZ",
        f"{prefix}-active": "on",
    }
    response = client_for(owner).post(url("dimension_edit", insult.pk), data)
    assert response.status_code == 302
    insult.refresh_from_db()
    assert (insult.label, insult.shortcut) == ("Name-calling", "KeyZ")
    taken = client_for(owner).post(
        url("dimension_edit", insult.pk), {**data, f"{prefix}-shortcut": "KeyQ"}
    )
    assert taken.status_code == 400
    assert b"Another dimension already uses this key" in taken.content
    insult.refresh_from_db()
    assert insult.shortcut == "KeyZ"
    assert client_for(member).post(url("dimension_edit", insult.pk), data).status_code == 403


def test_sample_assign_and_annotate(corpus, owner, member, participant):
    client = client_for(owner)
    response = client.post(
        url("sample_create", corpus.pk),
        {"name": "Audit", "kind": "random", "size": "6", "period": "month", "seed": "3"},
    )
    sample = Sample.objects.get(name="Audit")
    assert response["Location"] == url("sample_detail", sample.pk)
    assert sample.entries.count() == 6
    page = client.get(url("sample_detail", sample.pk)).content.decode()
    assert "Amir" in page
    assert "Noa" in page
    # The members are chosen by typing (the picker searches the initiative's members).
    assert reverse("initiatives:pick_members", args=[sample.corpus.initiative_id]) in page
    response = client.post(
        url("sample_detail", sample.pk),
        {"annotators": [member.pk, participant.pk], "reliability_items": "2",
         "coders_per_item": "2"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Assignment.objects.filter(sample=sample).count() == 8

    annotator = client_for(member)
    start = annotator.get(url("annotate", corpus.pk))
    assert start.status_code == 302
    first = Assignment.objects.filter(annotator=member).order_by("position").first()
    assert start["Location"] == url("annotate_item", corpus.pk, first.item_id)
    screen = annotator.get(start["Location"])
    html = screen.content.decode()
    assert screen.status_code == 200
    assert first.item.text[:20] in html
    assert 'data-shortcut="Digit1"' in html
    assert 'aria-keyshortcuts="1"' in html
    assert "discourse-annotate.js" in html
    assert 'name="target"' in html  # identity attack asks for the group

    # Bad answers: status 400 and nothing saved.
    bad = annotator.post(start["Location"], {"d_insult": "7", "action": "save"})
    assert bad.status_code == 400
    bad = annotator.post(start["Location"], {"d_insult": "1", "target": "Martians"})
    assert bad.status_code == 400
    assert not Annotation.objects.exists()

    saved = annotator.post(
        start["Location"],
        {"d_insult": "1", "d_identity_attack": "1", "target": "Arabs", "note": "sarcastic",
         "action": "save"},
    )  # fmt: skip
    assert saved.status_code == 302
    assert saved["Location"] == url("annotate", corpus.pk)
    annotation = Annotation.objects.get(annotator=member)
    assert annotation.values["insult"] == 1
    assert annotation.values["respect"] == 0
    assert (annotation.target, annotation.note) == ("Arabs", "sarcastic")
    following = annotator.get(url("annotate", corpus.pk))
    assert following["Location"] != start["Location"]
    # Coming back shows the answers given.
    again = annotator.get(start["Location"]).content.decode()
    assert re.search(r'name="d_insult" id="d-insult" value="1" checked', again)
    assert "You coded this item before" in again

    # Skip puts the item last.
    second = following["Location"]
    annotator.post(second, {"action": "skip"})
    assert annotator.get(url("annotate", corpus.pk))["Location"] != second

    # Someone else's item, or an item not assigned: 404.
    theirs = (
        Assignment.objects.filter(annotator=participant)
        .exclude(item__assignments__annotator=member)
        .first()
    )
    assert annotator.get(url("annotate_item", corpus.pk, theirs.item_id)).status_code == 404
    unassigned = corpus.items.exclude(assignments__isnull=False).first()
    assert client.get(url("annotate_item", corpus.pk, unassigned.pk)).status_code == 404
    assert annotator.post(url("annotate_item", corpus.pk, theirs.item_id), {}).status_code == 404
    assert Annotation.objects.count() == 1

    # All done.
    for assignment in Assignment.objects.filter(annotator=member, done_at__isnull=True):
        annotator.post(url("annotate_item", corpus.pk, assignment.item_id), {"action": "save"})
    done = annotator.get(url("annotate", corpus.pk))
    assert done.status_code == 200
    assert b"All done" in done.content

    detail = client.get(url("detail", corpus.pk)).content.decode()
    assert "Audit" in detail
    assert "Amir" in detail

    client.post(url("sample_delete", sample.pk))
    assert not Sample.objects.filter(pk=sample.pk).exists()
    # Coded items keep their annotations.
    assert Annotation.objects.filter(annotator=member).count() == 4


def test_agreement_and_adjudication(corpus, owner, member, participant):
    sample = assign(corpus, [owner, member, participant], size=10, reliability=10)
    truth = {f"p{n}": post.labels for n, post in enumerate(synthetic_posts(240, seed=5, months=3))}
    assignments = list(Assignment.objects.filter(sample=sample).select_related("item__corpus"))
    code_assignments([a for a in assignments if a.annotator != participant], truth)
    # The participant always says "insult: yes", so they disagree wherever it is false.
    for assignment in assignments:
        if assignment.annotator == participant:
            services.annotation_save(
                assignment=assignment,
                values={**truth[assignment.item.external_id], "insult": 1},
            )
    page = client_for(owner).get(url("agreement", corpus.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="alpha-chart"' in html
    assert re.search(r"reliable|tentative|unreliable|not enough data", html)
    split_item = next(
        a.item
        for a in assignments
        if a.annotator == participant and not truth[a.item.external_id]["insult"]
    )
    assert url("adjudicate", split_item.pk) in html

    screen = client_for(owner).get(url("adjudicate", split_item.pk))
    assert screen.status_code == 200
    assert b'name="d_insult"' in screen.content
    bad = client_for(owner).post(url("adjudicate", split_item.pk), {"d_insult": "5"})
    assert bad.status_code == 400
    empty = client_for(owner).post(url("adjudicate", split_item.pk), {})
    assert empty.status_code == 400
    assert not Adjudication.objects.exists()
    done = client_for(owner).post(url("adjudicate", split_item.pk), {"d_insult": "0"})
    assert done.status_code == 302
    assert Adjudication.objects.get().value == 0
    assert (
        client_for(member).post(url("adjudicate", split_item.pk), {"d_insult": "1"}).status_code
        == 403
    )
    assert Adjudication.objects.get().value == 0
