import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

app = Celery("partnership")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_origins = {}  # task id -> the token that restores the origin in force before it


@task_prerun.connect
def _audit_origin(task_id=None, task=None, **kwargs):
    """Whatever a task writes is audited as coming from that task."""
    from audit.log import Origin, begin_origin

    _origins[task_id] = begin_origin(Origin("task", task.name))


@task_postrun.connect
def _audit_origin_end(task_id=None, **kwargs):
    from audit.log import end_origin

    if (token := _origins.pop(task_id, None)) is not None:
        end_origin(token)
