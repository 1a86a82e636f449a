"""A job for the worker tests: it notes each start in a file, then takes its time."""

import time
from pathlib import Path

from django_tasks import task


@task()
def note_and_wait(path: str, seconds: float) -> str:
    marker = Path(path)
    starts = int(marker.read_text() or 0) if marker.exists() else 0
    marker.write_text(str(starts + 1))
    # Only the first run is slow: it is the one the test kills.
    time.sleep(seconds if starts == 0 else 0)
    return "done"
