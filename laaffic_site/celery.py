import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laaffic_site.settings")

app = Celery("laaffic_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
