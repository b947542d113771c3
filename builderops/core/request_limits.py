"""Refuse an oversized request body by its Content-Length, before anything reads it (issue 11).

Django's DATA_UPLOAD_MAX_MEMORY_SIZE covers only non-file form data, and CsrfViewMiddleware
parses a POST's body (spooling its files to disk) before any view runs, so a view can't protect
itself. `RequestBodyLimitMiddleware` runs before it and answers 413 without reading a byte:

- any body above DATA_UPLOAD_MAX_BODY_SIZE (the global cap; the proxy's `client_max_body_size`
  should match it, README "Security");
- a body above a view's own limit, for views marked with `request_body_limit` (the CSV upload);
- a body above DATA_UPLOAD_MAX_MEMORY_SIZE from anyone but logged-in staff: nobody else has a
  reason to send files, so an anonymous client can't make the server receive a large upload.

Django reads no body without a Content-Length (it sees an empty one), so a chunked upload
can't get around the limits either.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat

TOO_LARGE = "The request is {size}; the largest accepted here is {limit}."
# What a multipart form adds around the file a view's limit is about (boundaries, other fields).
FORM_ENVELOPE_BYTES = 64 * 1024


def request_body_limit(limit: Callable[[], int]):
    """Mark a view whose upload may be at most `limit()` bytes (read per request), plus
    FORM_ENVELOPE_BYTES for the rest of the form."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        wrapper.request_body_limit = limit
        return wrapper

    return decorate


def request_content_length(request) -> int:
    """Return the body length the client announced (0 when absent or unreadable)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def request_body_refused(request, size: int, limit: int, *, redirect: bool = False):
    """Answer a too-large request: back to the page with a message for staff, else 413."""
    text = TOO_LARGE.format(size=filesizeformat(size), limit=filesizeformat(limit))
    if redirect and hasattr(request, "_messages"):
        messages.error(request, f"{text} Nothing was uploaded: split the file into smaller ones.")
        return HttpResponseRedirect(request.get_full_path())
    # WSGI servers close the connection themselves when the body was left unread.
    return HttpResponse(text, status=413, content_type="text/plain; charset=utf-8")


def user_is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


class RequestBodyLimitMiddleware:
    """Enforce the limits above; list it before CsrfViewMiddleware (which reads the body)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        size = request_content_length(request)
        if size > settings.DATA_UPLOAD_MAX_BODY_SIZE:
            return request_body_refused(request, size, settings.DATA_UPLOAD_MAX_BODY_SIZE)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        size = request_content_length(request)
        if size <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return None  # the common case: no user lookup, nothing to decide
        if not user_is_staff(request):
            return request_body_refused(request, size, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        view_limit = getattr(view_func, "request_body_limit", None)
        if view_limit is None:
            return None  # within the global cap, checked in __call__
        limit = view_limit()
        if size > limit + FORM_ENVELOPE_BYTES:
            return request_body_refused(request, size, limit, redirect=True)
        return None
