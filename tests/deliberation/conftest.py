import pytest

from meshutaf.deliberation import services
from meshutaf.deliberation.models import ConversationStatus


@pytest.fixture
def conversation(initiative, owner):
    conversation = services.conversation_create(
        initiative=initiative,
        by=owner,
        title="Keeping partners at the table",
        question="What would keep your organisation in the joint move?",
    )
    services.statements_import(
        conversation=conversation,
        by=owner,
        texts=[
            "One shared, measurable goal.",
            "Small organisations need funding for their time.",
            "The business partner should share decisions.",
            "Start with a quick pilot.",
        ],
    )
    services.conversation_set_status(
        conversation=conversation, by=owner, status=ConversationStatus.OPEN
    )
    return conversation


def vote_all(conversation, participants, pattern):
    """`pattern[i][j]`: participant i's vote on statement j (None = no vote)."""
    statements = list(conversation.statements.order_by("pk"))
    for participant, row in zip(participants, pattern, strict=True):
        for statement, value in zip(statements, row, strict=False):
            if value is not None:
                services.vote_cast(participant=participant, statement=statement, value=value)
