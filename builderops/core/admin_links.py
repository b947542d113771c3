"""Links up and down the hierarchy for admin pages: a record's parent chain, its children panel."""

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

CHILDREN_SHOWN = 50


def admin_change_url(obj) -> str:
    """Return the admin change page of `obj` ("" when it has none)."""
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def admin_changelist_url(model, **filters) -> str:
    """Return the admin changelist of `model`, filtered by `filters` (query parameters)."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def admin_link(obj, text=None) -> str:
    """Link `obj` to its admin change page, showing `text` or the record itself."""
    url = admin_change_url(obj)
    if not url:
        return format_html("{}", text or obj)
    return format_html('<a href="{}">{}</a>', url, text or obj)


def parent_chain(obj, *fields: str) -> str:
    """Link each record along `fields` (e.g. "division", "region"), nearest first."""
    links, current = [], obj
    for field in fields:
        current = getattr(current, field, None)
        if current is None:
            break
        links.append((admin_link(current),))
    return format_html_join(" \u203a ", "{}", links) or "—"


def children_panel(parent, related_name: str, limit: int = CHILDREN_SHOWN) -> str:
    """Render `parent`'s children: a count, the first `limit` linked, and a link to all."""
    manager = getattr(parent, related_name)
    model = manager.model
    total = manager.count()
    children = list(manager.all()[:limit]) if total else []
    filter_param = f"{manager.field.name}__id__exact"
    context = {
        "total": total,
        "shown": len(children),
        "noun": model._meta.verbose_name if total == 1 else model._meta.verbose_name_plural,
        "rows": [
            {
                "link": admin_link(child),
                "review": child.get_review_state_display()
                if hasattr(child, "review_state")
                else "",
                "active": getattr(child, "active", None),
            }
            for child in children
        ],
        "view_all_url": admin_changelist_url(model, **{filter_param: parent.pk}),
    }
    return render_to_string("admin/builderops/children_panel.html", context)
