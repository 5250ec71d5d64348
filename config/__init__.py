# The Celery app loads with Django, so `@shared_task` tasks bind to it (Celery's Django recipe).
from config.celery import app as celery_app

__all__ = ("celery_app",)
