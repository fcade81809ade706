"""The site's URLs plus a stand-in for the import page, to test the admin index's link to it."""

from django.http import HttpResponse
from django.urls import path

from skillsite.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("admin/import/", lambda request: HttpResponse("导入"), name="admin_import_content"),
    *site_urlpatterns,
]
