from django.contrib import admin
from django.urls import include, path

from builderops.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("webhooks/portals/", include("integrations.portals.urls")),
]
