"""Background work for deliberation: recomputing a conversation's opinion map after votes."""

from django_tasks import task

from . import services


@task()
def analyse_conversation(conversation_id: int) -> None:
    services.conversation_analyze(conversation_id=conversation_id)
