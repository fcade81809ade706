from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from events.importing.views import ImportContentView

urlpatterns = [
    path("admin/import/", admin.site.admin_view(ImportContentView.as_view()), name="admin_import_content"),
    path("admin/", admin.site.urls),
    path("", include("opendata.urls")),
]
# The public pages in Chinese at their own URLs and in English under /en/.
urlpatterns += i18n_patterns(path("", include("events.urls")), prefix_default_language=False)
