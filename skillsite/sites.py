"""The site's own address, set at its source: SITE_DOMAIN is written to the sites framework's
record after every migrate, so the feed, the sitemaps and the admin's "view on site" (Django's
own code, which reads that record) link to the site rather than to example.com."""

from django.apps import apps as installed_apps
from django.conf import settings


def apply_site_domain(using, apps=installed_apps, **kwargs):
    # migrate passes the models as its migrations left them; flush passes none.
    Site = apps.get_model("sites", "Site")
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": settings.SITE_DOMAIN, "name": settings.SITE_NAME}
    )
    # A process that read the record before keeps it cached.
    from django.contrib.sites.models import SITE_CACHE

    SITE_CACHE.clear()
