"""Decide which base URLs a portal connection may send its credentials to.

A base URL must be https. Plain http is accepted only for a loopback host (127.0.0.0/8, ::1,
localhost) and only when PORTAL_ALLOW_INSECURE_LOOPBACK is on — local and test settings, for the
sandboxes; production settings keep it off. An address literal that is private, link-local,
reserved or multicast (an internal service, a cloud metadata endpoint) is refused whatever the
scheme. When PORTAL_ALLOWED_HOSTS is set, the host must be one of them (exactly, or a subdomain of
an entry written ".example.com").
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

LOOPBACK_NAMES = {"localhost"}


class CredentialsWithheld(Exception):
    """Refuse to send a connection's stored credentials to its base URL (our words only)."""


def host_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Return the host as an IP address when it is an address literal, else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def host_is_loopback(host: str) -> bool:
    """Say whether the host is this machine (by name or address)."""
    address = host_address(host)
    return host in LOOPBACK_NAMES if address is None else address.is_loopback


def host_is_internal(host: str) -> bool:
    """Say whether the host is an address literal of a network that isn't the public internet."""
    address = host_address(host)
    if address is None or address.is_loopback:
        return False
    return (
        address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def host_allowed(host: str) -> bool:
    """Say whether PORTAL_ALLOWED_HOSTS (empty: any host) admits the host."""
    allowed = [entry.lower() for entry in settings.PORTAL_ALLOWED_HOSTS]
    if not allowed:
        return True
    return any(
        host == entry or (entry.startswith(".") and host.endswith(entry)) for entry in allowed
    )


def portal_base_url_validate(url: str) -> None:
    """Raise ValidationError, saying why, unless credentials may be sent to `url`."""
    parts = urlsplit(str(url).strip())
    host = (parts.hostname or "").lower()
    if not host:
        raise ValidationError("Enter a full URL with a host name.", code="no_host")
    insecure_ok = settings.PORTAL_ALLOW_INSECURE_LOOPBACK
    if parts.scheme != "https" and not (
        parts.scheme == "http" and insecure_ok and host_is_loopback(host)
    ):
        raise ValidationError(
            "The base URL must start with https:// — the password is sent to it.", code="https"
        )
    if host_is_loopback(host) and not insecure_ok:
        raise ValidationError("The base URL must not point at this server.", code="loopback")
    if host_is_internal(host):
        raise ValidationError(
            "The base URL must not be an internal network address (%(host)s).",
            code="internal",
            params={"host": host},
        )
    if not host_allowed(host):
        raise ValidationError(
            "%(host)s is not in PORTAL_ALLOWED_HOSTS, the hosts portal credentials may go to.",
            code="not_allowed",
            params={"host": host},
        )
