from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core.favicon import favicon
from core.health import healthz
from gallery.views import admin_thumbnail, home

admin.site.site_header = _("Image Studio administration")
admin.site.site_title = _("Image Studio admin")

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("allauth.urls")),
    path("settings/", include("accounts.urls")),
    path("gallery/", include("gallery.urls")),
    path("edit/", include("editing.urls")),
    path("edit/", include("imagetext.urls")),
    path("ocr/", include("ocr.urls")),
    path("cutout/", include("matting.urls")),
    path("generate/", include("generation.urls")),
    path("api/v1/", include("config.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/gallery-thumbnail/<uuid:item_id>/", admin_thumbnail, name="admin-thumbnail"),
    path("admin/", admin.site.urls),
]

handler400 = "core.error_views.bad_request"
handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
