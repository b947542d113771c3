"""The Sync status admin page: counts per state per model, the oldest due record's age, recent
failures with their messages, and buttons to retry every failure, publish what is due, and pull
regions.

It belongs to no model: `integrations/builderbacked/admin.py` registers it on the admin site
(`BuilderOpsAdminSite.register_page`), which adds its URLs and its index entry.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from builderops.core.publishing import SyncState
from builderops.core.sites import AdminPage
from integrations.builderbacked.selectors import (
    age_text,
    publishing_paused_sentences,
    sync_oldest_due_age,
    sync_recent_failures,
    sync_status,
)
from integrations.builderbacked.sync.actions import sync_publish_due_now, sync_retry_all_failed
from integrations.builderbacked.sync.regions import (
    NO_ACTIVE_REGION,
    regions_none_active,
    regions_pull_now,
)
from integrations.builderbacked.sync.registry import KINDS
from integrations.errors import ApiError

URL_NAME = "builderbacked_sync"


def sync_status_page() -> AdminPage:
    """Describe the Sync status page and its buttons for `BuilderOpsAdminSite.register_page`."""
    return AdminPage(
        app_label="builderbacked",
        app_name="Builder Backed",
        name="Sync status",
        url_name=URL_NAME,
        views=(
            ("builderbacked/sync/", sync_status_view, URL_NAME),
            ("builderbacked/sync/retry-failed/", retry_failed_view, f"{URL_NAME}_retry"),
            ("builderbacked/sync/publish-due/", publish_due_view, f"{URL_NAME}_publish"),
            ("builderbacked/sync/pull-regions/", pull_regions_view, f"{URL_NAME}_pull"),
        ),
        allowed=lambda user: bool(labels_allowed(user, "view")),
    )


def labels_allowed(user, action: str) -> list[str]:
    """Name the publishable models `user` may `action` ("view" or "change")."""
    allowed = []
    for kind in KINDS.values():
        opts = kind.model._meta
        if user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            allowed.append(kind.label)
    return allowed


def sync_status_view(request):
    """Show the sync's figures (GET only)."""
    labels = labels_allowed(request.user, "view")
    if not labels:
        raise PermissionDenied
    statuses = sync_status(labels)
    context = {
        **admin.site.each_context(request),
        "title": "Builder Backed sync status",
        # First on the page: publishing is paused while Builder Backed refuses our credentials.
        "paused": publishing_paused_sentences(),
        "states": SyncState.choices,
        "rows": [_status_row(status) for status in statuses],
        "oldest_due": age_text(sync_oldest_due_age(statuses)),
        "failures": [_failure_row(f) for f in sync_recent_failures(20, labels)],
        "no_active_region": NO_ACTIVE_REGION if regions_none_active() else "",
        "can_change": bool(labels_allowed(request.user, "change")),
    }
    return TemplateResponse(request, "admin/builderbacked/sync_status.html", context)


def retry_failed_view(request):
    """Queue every failed record of the models the user may change."""
    labels = _post_labels(request)
    marked, _ = sync_retry_all_failed(labels)
    level = messages.SUCCESS if marked else messages.INFO
    messages.add_message(request, level, f"Queued {marked} failed records for another try.")
    return _back()


def publish_due_view(request):
    """Queue the due records of one model (or all the user may change) now."""
    labels = _post_labels(request)
    wanted = request.POST.get("model")
    if wanted:
        if wanted not in labels:
            raise PermissionDenied
        labels = [wanted]
    due, _ = sync_publish_due_now(labels)
    messages.success(request, f"Queued {due} due records for publishing.")
    return _back()


def pull_regions_view(request):
    """Pull regions from Builder Backed now."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not labels_allowed(request.user, "change"):
        raise PermissionDenied
    regions_pull_report(request, lambda req, text, level: messages.add_message(req, level, text))
    return _back()


def regions_pull_report(request, report) -> None:
    """Pull regions and `report(request, text, level)` the result or the error."""
    try:
        counts = regions_pull_now()
    except ApiError as error:
        report(request, f"Could not pull regions from Builder Backed: {error}", messages.ERROR)
        return
    report(
        request,
        f"Pulled regions from Builder Backed: {counts['active']} active "
        f"({counts['created']} new, {counts['deactivated']} no longer listed).",
        messages.SUCCESS,
    )
    if not counts["active"]:
        report(request, NO_ACTIVE_REGION, messages.WARNING)


def _post_labels(request) -> list[str]:
    if request.method != "POST":
        raise PermissionDenied
    labels = labels_allowed(request.user, "change")
    if not labels:
        raise PermissionDenied
    return labels


def _back():
    return HttpResponseRedirect(reverse(f"admin:{URL_NAME}"))


def _changelist(label: str) -> str:
    opts = KINDS[label].model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def _status_row(status) -> dict:
    url = _changelist(status.label)
    cells = [
        {"count": status.counts[value], "url": f"{url}?sync_state__exact={value}"}
        for value, _ in SyncState.choices
    ]
    return {
        "label": status.label,
        "name": status.name,
        "url": url,
        "cells": cells,
        "due": status.due,
        "oldest": age_text(status.oldest_due_age),
    }


def _failure_row(failure) -> dict:
    opts = KINDS[failure.label].model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[failure.pk])
    return {"failure": failure, "url": url, "model": opts.verbose_name}
