"""Put the red "publishing is paused" banner on every admin page for those who can publish.

A context processor in integrations (the domain's admin must not import integrations): the
project's `admin/base_site.html` includes `admin/integrations/breaker_banner.html`, which shows
`breaker_banners`. Read lazily from the cache — no database query — and only on admin pages.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from integrations.breaker.services import breaker_state_sentence
from integrations.builderbacked.client import tenant_breaker
from integrations.builderbacked.sync.registry import KINDS


def breaker_banner(request) -> dict:
    """Offer `breaker_banners`: one sentence per open breaker the user can act on."""
    return {"breaker_banners": SimpleLazyObject(lambda: breaker_banners_for(request))}


def breaker_banners_for(request) -> list[str]:
    """Return the banner sentences for this request's user (none off the admin)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff:
        return []
    if not user_can_publish(user) or not settings.BUILDERBACKED_BASE_URL:
        return []
    breaker = tenant_breaker(settings.BUILDERBACKED_BASE_URL, settings.BUILDERBACKED_CLIENT_ID)
    try:
        state = breaker.state()
    except Exception:  # a cache outage must not take the admin down with it
        return []
    return [breaker_state_sentence(state)] if state else []


def user_can_publish(user) -> bool:
    """Say whether the user may publish: "Publish now" needs a publishable model's change right."""
    return any(
        user.has_perm(f"{kind.model._meta.app_label}.change_{kind.model._meta.model_name}")
        for kind in KINDS.values()
    )
