"""Settings for benchmarks/api.py: the site's own, plus a django-ninja version of the event list."""

from skillsite.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.api_urls"
