"""Recheck every link not confirmed by staff, for one connection or all (`portal_links --recheck`,
and every full pull)."""

from django.db import transaction

from integrations.portals.linking.auto import projects_link_auto
from integrations.portals.models.mirrors import LinkState, Project

BATCH = 2000


def projects_links_recheck(*, connection=None) -> int:
    """Re-match and re-weigh the live, unconfirmed projects (of `connection`); return changes."""
    projects = Project.objects.filter(deleted=False).exclude(link_state=LinkState.CONFIRMED)
    if connection is not None:
        projects = projects.filter(connection=connection)
    pks = list(projects.order_by("pk").values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(pks), BATCH):
        with transaction.atomic():
            batch = Project.objects.filter(pk__in=pks[start : start + BATCH]).order_by("pk")
            changed += projects_link_auto(list(batch))
    return changed
