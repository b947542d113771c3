"""The client's address behind our own proxies, for login throttling (django-axes; issue 11).

Behind a proxy REMOTE_ADDR is the proxy's: every client would share one address. Each proxy in
front of us appends the address it received the request from to X-Forwarded-For, so with
BUILDEROPS_TRUSTED_PROXY_COUNT proxies the client is the entry that many places from the end of
"X-Forwarded-For, REMOTE_ADDR". Entries further left were written by the client and can't be
trusted, so they are never used.
"""

from django.conf import settings


def client_ip(request) -> str:
    """Return the address of the client that reached our outermost trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.BUILDEROPS_TRUSTED_PROXY_COUNT
    if not trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()] + [remote]
    # Fewer entries than proxies: a request that skipped a proxy; the leftmost is all we know.
    return chain[-(trusted + 1)] if len(chain) > trusted else chain[0]
