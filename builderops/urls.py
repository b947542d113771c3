from django.contrib import admin
from django.urls import include, path

from builderops.health import healthz

admin.site.site_header = "BuilderOps"
admin.site.site_title = "BuilderOps"
admin.site.index_title = "Operations"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("webhooks/portals/", include("integrations.portals.urls")),
]
