from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from builderops.core.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/")),  # the admin is the whole site
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("webhooks/portals/", include("integrations.portals.urls")),
]
