"""The "Different Speech" demo corpus, loaded into the demo workspace: synthetic posts
(`corpus.py`) imported, sampled, coded by three annotators, trained on and scored."""

import random

from meshutaf.accounts.models import User
from meshutaf.core.access import Role
from meshutaf.demo.corpus import COMMUNITIES, posts_as_rows, synthetic_posts
from meshutaf.discourse import importing, services
from meshutaf.discourse.models import Assignment, SampleKind
from meshutaf.initiatives.models import Membership


def build_discourse(*, initiative, facilitator, rng: random.Random, size: int = 900):
    """A corpus of `size` synthetic posts: imported, sampled, coded (a reliability subset by
    three annotators, who sometimes disagree), trained, scored. Runs inside the demo's
    transaction, so training and scoring run in the foreground here."""
    posts = synthetic_posts(size, seed=rng.randrange(10_000))
    corpus = services.corpus_create(
        name="דיבור אחר – קורפוס הדגמה (סינתטי)",
        initiative=initiative,
        by=facilitator,
        is_synthetic=True,
        description=(
            "קורפוס סינתטי לחלוטין, שנכתב לצורך הדגמה בלבד: משפטים שהורכבו ממאגר ביטויים, "
            "בעברית ובערבית. אין בו ציטוט של אדם אמיתי."
        ),
        communities=[name for name, _language in COMMUNITIES],
    )
    headers, rows = posts_as_rows(posts)
    prepared = importing.prepare_rows(
        headers, rows, importing.guess_mapping(headers), salt=corpus.salt
    )
    services.items_import(corpus=corpus, rows=prepared, by=facilitator, filename="synthetic.csv")
    sample = services.sample_create(
        corpus=corpus,
        name="מדגם ביקורת – שכבות לפי חודש וקהילה",
        kind=SampleKind.STRATIFIED,
        size=20,
        by_platform=False,
        by_language=False,
        by=facilitator,
        seed=7,
    )
    # Two research assistants code with the facilitator; they have no password (they are not
    # demo logins), so the reliability subset has three independent coders.
    annotators = [facilitator]
    for number, (first, last) in enumerate([("מאיה", "כהן"), ("ראמי", "חורי")], start=1):
        user = User.objects.create(
            username=f"coder-{number}", first_name=first, last_name=last, is_active=True
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Membership.objects.create(initiative=initiative, user=user, role=Role.PARTICIPANT)
        annotators.append(user)
    services.assignments_create(
        sample=sample,
        annotators=annotators,
        reliability_items=min(40, sample.entries.count()),
        coders_per_item=3,
        seed=3,
    )
    truth = {f"p{number}": post.labels for number, post in enumerate(posts)}
    coder_rng = random.Random(11)
    keep_open = 6  # a few left for the facilitator to try the annotation screen
    assignments = list(
        Assignment.objects.filter(sample=sample).select_related("item__corpus", "annotator")
    )
    for assignment in assignments:
        if assignment.annotator == facilitator and keep_open and not assignment.reliability:
            keep_open -= 1
            continue
        labels = dict(truth[assignment.item.external_id])
        # Annotators are human: now and then one misses or over-reads a dimension.
        for key in labels:
            if coder_rng.random() < 0.015:
                labels[key] = 1 - labels[key]
        services.annotation_save(assignment=assignment, values=labels)
    model = services.model_train_request(corpus=corpus, by=facilitator, enqueue=False)
    model = services.model_train_run(model_id=model.pk)
    if model.status == "ready":
        run = services.scoring_request(corpus=corpus, model=model, by=facilitator, enqueue=False)
        services.scoring_run_execute(run_id=run.pk)
    return corpus
