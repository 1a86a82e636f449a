"""Background work for the knowledge base."""

from django.dispatch import receiver
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus, task_finished

from . import services


@task()
def extract_document_text(document_id: int) -> None:
    services.document_extract_text(document_id=document_id)


@receiver(task_finished, dispatch_uid="knowledge-extraction-failed")
def _record_failed_extraction(sender, task_result, **kwargs) -> None:
    """The service records a file it cannot read itself, so the job fails as a whole only when
    its workers died while reading (see core.worker): say so on the document."""
    if (
        task_result.status == TaskResultStatus.FAILED
        and task_result.args
        and task_result.task.module_path == extract_document_text.module_path
    ):
        services.document_extraction_abandon(document_id=task_result.args[0])
