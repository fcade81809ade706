"""WSGI entry point: `gunicorn skillsite.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillsite.settings")

application = get_wsgi_application()

from skillsite.warmup import warm_up  # noqa: E402  (needs the apps that setup loaded)

warm_up()
