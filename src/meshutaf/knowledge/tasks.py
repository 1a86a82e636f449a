"""Background work for the knowledge base."""

from django_tasks import task

from . import services


@task()
def extract_document_text(document_id: int) -> None:
    services.document_extract_text(document_id=document_id)
