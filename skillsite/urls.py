from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from events.importing.views import ImportContentView
from skillsite.admin_login import LoginForm

admin.site.login_form = LoginForm

urlpatterns = [
    path("admin/import/", admin.site.admin_view(ImportContentView.as_view()), name="admin_import_content"),
    path("admin/", admin.site.urls),
    path("", include("opendata.urls")),
]
# The public pages in Chinese at their own URLs and in English under /en/.
urlpatterns += i18n_patterns(path("", include("events.urls")), prefix_default_language=False)

# The development server (`make run`) serves uploads itself, so image previews show in the
# admin; in production nginx serves MEDIA_ROOT and `static()` adds nothing when DEBUG is off.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "skillsite.errors.bad_request"
handler404 = "skillsite.errors.page_not_found"
handler500 = "skillsite.errors.server_error"
