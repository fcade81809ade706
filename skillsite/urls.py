from django.contrib import admin
from django.urls import include, path

from events.importing.views import ImportContentView

urlpatterns = [
    path("admin/import/", admin.site.admin_view(ImportContentView.as_view()), name="admin_import_content"),
    path("admin/", admin.site.urls),
    path("", include("opendata.urls")),
    path("", include("events.urls")),
]
