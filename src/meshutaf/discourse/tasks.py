"""Background work for the Discourse Index: training a model version and scoring a corpus.
Both record their progress and any failure on their own row, which the pages poll."""

from django.dispatch import receiver
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus, task_finished

from . import services


@task()
def train_model(model_id: int) -> None:
    services.model_train_run(model_id=model_id)


@task()
def score_corpus(run_id: int) -> None:
    services.scoring_run_execute(run_id=run_id)


@receiver(task_finished, dispatch_uid="discourse-job-failed")
def _record_failed_job(sender, task_result, **kwargs) -> None:
    """The services record their own errors, so a job fails as a whole only when its worker
    died while running it (see core.worker): say so on the model or the run, at once, so the
    facilitator may start another."""
    if task_result.status != TaskResultStatus.FAILED or not task_result.args:
        return
    path = task_result.task.module_path
    if path == train_model.module_path:
        services.job_abandon(model_id=task_result.args[0])
    elif path == score_corpus.module_path:
        services.job_abandon(run_id=task_result.args[0])
