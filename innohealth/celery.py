"""The Celery application: tasks are autodiscovered in each installed app's ``tasks`` module."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innohealth.settings")

app = Celery("innohealth")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
