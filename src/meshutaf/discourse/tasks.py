"""Background work for the Discourse Index: training a model version and scoring a corpus.
Both record their progress and any failure on their own row, which the pages poll."""

from django_tasks import task

from . import services


@task()
def train_model(model_id: int) -> None:
    services.model_train_run(model_id=model_id)


@task()
def score_corpus(run_id: int) -> None:
    services.scoring_run_execute(run_id=run_id)
