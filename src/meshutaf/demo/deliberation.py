"""Demo data for deliberation: an open conversation in the joint-move studio, with statements
written for the demo (data/deliberation.toml) and a few hundred generated votes from three
opinion camps, so the map shows clear groups and some common ground. The votes are invented;
nobody cast them."""

import datetime as dt
import random

from django.utils import timezone

from meshutaf.deliberation.models import (
    Conversation,
    ConversationStatus,
    Moderation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from meshutaf.deliberation.services import conversation_analyze
from meshutaf.demo.data import data_read, text

QUESTION = "מה יגרום לארגון שלכם להצטרף למהלך משותף ולהישאר בו לאורך זמן?"


def statements() -> tuple[tuple[str, str], ...]:
    """(text, camp that agrees): "gov" — government and authorities, "civ" — civil society,
    "biz" — business and philanthropy, "all" — common ground."""
    return tuple(
        (text(statement, "text"), text(statement, "camp"))
        for statement in data_read("deliberation")["statements"]
    )


# How many participants of each camp vote.
CAMPS = {"gov": 45, "civ": 60, "biz": 35}


def build_deliberation(*, initiative, facilitator, rng: random.Random) -> Conversation | None:
    conversation = Conversation.objects.create(
        initiative=initiative,
        title="מה יחזיק אותנו במהלך המשותף?",
        question=QUESTION,
        description=(
            "שיחה פתוחה לכל המשתתפים בסטודיו ולשותפים שלהם. "
            "ההצבעות בדמו נוצרו באופן סינתטי כדי להמחיש את מפת הדעות."
        ),
        status=ConversationStatus.OPEN,
        allow_anonymous=True,
        accept_statements=True,
        moderation=Moderation.PRE,
        show_results=True,
        created_by=facilitator,
    )
    seeds = statements()
    created_statements = Statement.objects.bulk_create(
        [Statement(conversation=conversation, text=seed, is_seed=True) for seed, _camp in seeds]
    )
    pending = Statement.objects.create(
        conversation=conversation,
        text="כדאי לקבוע מראש מתי ואיך מסיימים את המהלך.",
        status=StatementStatus.PENDING,
        is_seed=False,
    )
    del pending  # shown in the facilitator's moderation queue
    camps = [camp for camp, size in CAMPS.items() for _ in range(size)]
    rng.shuffle(camps)
    participants = Participant.objects.bulk_create(
        [Participant(conversation=conversation) for _ in camps]
    )
    start = timezone.now() - dt.timedelta(days=6)
    votes = []
    moments = []
    for index, (participant, camp) in enumerate(zip(participants, camps, strict=True)):
        seen = rng.sample(range(len(seeds)), k=rng.randint(8, len(seeds)))
        arrived = start + dt.timedelta(minutes=20 * index)
        for order, position in enumerate(seen):
            text_camp = seeds[position][1]
            if text_camp == "all":
                agree = 0.85
            elif text_camp == camp:
                agree = 0.88
            else:
                agree = 0.18
            roll = rng.random()
            value = 0 if roll < 0.1 else (1 if rng.random() < agree else -1)
            votes.append(
                Vote(
                    participant=participant,
                    statement=created_statements[position],
                    value=value,
                )
            )
            moments.append(arrived + dt.timedelta(seconds=20 * order))
    created = Vote.objects.bulk_create(votes, batch_size=2000)
    for vote, moment in zip(created, moments, strict=True):
        vote.created_at = moment
        vote.updated_at = moment
    Vote.objects.bulk_update(created, ["created_at", "updated_at"], batch_size=2000)
    Conversation.objects.filter(pk=conversation.pk).update(votes_changed_at=timezone.now())
    return conversation_analyze(conversation_id=conversation.pk)
