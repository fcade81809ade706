"""WSGI entry point: `gunicorn skillsite.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillsite.settings")

application = get_wsgi_application()
