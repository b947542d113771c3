"""The "Compare with Builder Backed" admin page (issue 10, item 6).

Lists what Builder Backed shows deactivated while ours is active (those are held and their
children wait), compares on demand what Builder Backed holds with what we last published, per
record and per field, and lets staff with the change permission decide: "Re-publish as active",
or "Re-publish ours" over a changed or missing record. Nothing is re-activated or overwritten
without that click. Registered by integrations/builderbacked/admin.py on the admin site.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from builderops.core.publishing import records_force_republish, records_republish_active
from builderops.core.sites import AdminPage
from integrations.builderbacked.admin_sync import labels_allowed
from integrations.builderbacked.reconcile import (
    DriftKind,
    builderbacked_reconcile,
    drift_sentence,
    field_sentence,
    reconcile_summary,
)
from integrations.builderbacked.sync.client import sync_client
from integrations.builderbacked.sync.registry import KINDS
from integrations.errors import ApiError

URL_NAME = "builderbacked_compare"
TEMPLATE = "admin/builderbacked/compare.html"


def compare_page() -> AdminPage:
    """Describe the page and its buttons for `BuilderOpsAdminSite.register_page`."""
    return AdminPage(
        app_label="builderbacked",
        app_name="Builder Backed",
        name="Compare with Builder Backed",
        url_name=URL_NAME,
        views=(
            ("builderbacked/compare/", compare_view, URL_NAME),
            ("builderbacked/compare/republish/", republish_view, f"{URL_NAME}_republish"),
        ),
        allowed=lambda user: bool(labels_allowed(user, "view")),
    )


def compare_view(request):
    """GET: the held records and the form; POST: compare the chosen models now."""
    labels = labels_allowed(request.user, "view")
    if not labels:
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": "Compare with Builder Backed",
        "models": [(label, KINDS[label].model._meta.verbose_name_plural) for label in labels],
        "chosen": labels,
        "held": _held_rows(labels),
        "can_change": set(labels_allowed(request.user, "change")),
    }
    if request.method == "POST":
        chosen = [label for label in request.POST.getlist("model") if label in labels]
        context["chosen"] = chosen
        context.update(_compare(chosen) if chosen else {"error": "Choose at least one model."})
        context["held"] = _held_rows(labels)  # the compare may have found more
    return TemplateResponse(request, TEMPLATE, context)


def republish_view(request):
    """Re-publish one record on staff's word: as active, or our version over theirs."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    label = request.POST.get("model", "")
    if label not in labels_allowed(request.user, "change"):
        raise PermissionDenied
    model = KINDS[label].model
    rows = model._base_manager.filter(pk=request.POST.get("pk"))
    obj = rows.first()
    if request.POST.get("as_active"):
        marked = records_republish_active(rows)
        done = "will be re-activated on Builder Backed: queued for publishing"
    else:
        marked = records_force_republish(rows)
        done = "queued to be published again; our version replaces Builder Backed's"
    if marked:
        messages.success(request, f"{model._meta.verbose_name.capitalize()} “{obj}” {done}.")
    else:
        messages.warning(request, f"Nothing was queued: “{obj}” is not approved and active here.")
    return HttpResponseRedirect(reverse(f"admin:{URL_NAME}"))


def _compare(labels: list[str]) -> dict:
    try:
        with sync_client() as client:
            report = builderbacked_reconcile(client=client, labels=labels)
    except ApiError as error:
        return {"error": f"Could not read Builder Backed: {error}"}
    return {"summary": reconcile_summary(report), "drifts": [_drift_row(d) for d in report.drifts]}


def _drift_row(drift) -> dict:
    return {
        "drift": drift,
        "sentence": drift_sentence(drift),
        "fields": [field_sentence(f) for f in drift.fields],
        "url": _change_url(drift.label, drift.pk) if drift.pk else "",
        "republish": drift.kind in (DriftKind.CHANGED, DriftKind.MISSING),
        "as_active": drift.kind == DriftKind.DEACTIVATED,
    }


def _held_rows(labels: list[str]) -> list[dict]:
    """Records Builder Backed shows deactivated while ours is active (held, children waiting)."""
    rows = []
    for label in labels:
        model = KINDS[label].model
        held = model._base_manager.filter(sync_remote_inactive_since__isnull=False)
        for obj in held.order_by("sync_remote_inactive_since")[:100]:
            rows.append(
                {
                    "label": label,
                    "obj": obj,
                    "noun": model._meta.verbose_name,
                    "since": obj.sync_remote_inactive_since,
                    "url": _change_url(label, obj.pk),
                }
            )
    return rows


def _change_url(label: str, pk: int) -> str:
    opts = KINDS[label].model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
