"""Portal webhook URLs: `/webhooks/portals/<connection's webhook uuid>/`."""

from django.urls import path

from integrations.portals.webhooks import portal_webhook

app_name = "portals"
urlpatterns = [path("<uuid:webhook_id>/", portal_webhook, name="webhook")]
