"""The site's URLs plus /bench/ninja/events/, the django-ninja candidate measured by benchmarks/api.py."""

from django.urls import path

from skillsite.urls import urlpatterns as site_urlpatterns

from .api_ninja import api

urlpatterns = [path("bench/ninja/", api.urls), *site_urlpatterns]
