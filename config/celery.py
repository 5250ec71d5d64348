"""The Celery application: background jobs (lead imports) on the broker named by CELERY_BROKER_URL.

Without a broker (`make run`, tests) the settings switch on `task_always_eager`, so a task
enqueued with `transaction.on_commit(...)` runs in-process right after the request's commit.
Production runs workers with `celery -A config worker` (docs/imports.md).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("leads")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
