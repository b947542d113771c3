"""The staff roles, defined once: Viewer, Editor, Approver (README, "Roles").

- Viewer: sees everything, changes nothing.
- Editor: adds and changes locations, homes and homeowners; can't approve; can delete only what
  was never published (the admin refuses deleting a published record).
- Approver: Editor + the approve permission of each reviewed model.
Superusers do everything. `roles_ensure()` is idempotent; `manage.py setup_roles` and the run
command call it after migrations.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from builderops.core.alerts import OPS_ALERTS_GROUP

VIEWED_APPS = ("locations", "homes", "integrations")
EDITED_MODELS = (
    "locations.division",
    "locations.mastercommunity",
    "locations.neighborhood",
    "homes.home",
    "homes.homeowner",
)
APPROVED_MODELS = (
    "locations.division",
    "locations.mastercommunity",
    "locations.neighborhood",
    "homes.home",
)
# Extra codenames per role, added by other parts of the product (e.g. pulling portal data).
EXTRA_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "Viewer": (),
    # Portals: queue "Pull now" / "Full re-pull", and pick a project's home by hand; draft
    # portal writes (change orders, selection groups, purchase orders) for approval (issue 13).
    "Editor": (
        "integrations.pull_portalconnection",
        "integrations.change_project",
        "integrations.add_portalwrite",
        "integrations.change_portalwrite",
    ),
    # Approving a portal write sends it to the portal (issue 13).
    "Approver": ("integrations.send_portalwrite",),
}


def role_permissions() -> dict[str, set[str]]:
    """Name each role's permissions as "app_label.codename"."""
    view = {
        f"{model._meta.app_label}.view_{model._meta.model_name}"
        for app_label in VIEWED_APPS
        for model in apps.get_app_config(app_label).get_models()
        if not model._meta.model_name.startswith("historical")
    }
    edit = {
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label in EDITED_MODELS
        for action in ("add", "change", "delete")
    }
    approve = {f"{label.split('.')[0]}.approve_{label.split('.')[1]}" for label in APPROVED_MODELS}
    viewer = view | set(EXTRA_PERMISSIONS["Viewer"])
    editor = viewer | edit | set(EXTRA_PERMISSIONS["Editor"])
    return {
        "Viewer": viewer,
        "Editor": editor,
        "Approver": editor | approve | set(EXTRA_PERMISSIONS["Approver"]),
    }


@transaction.atomic
def roles_ensure() -> dict[str, int]:
    """Create or reset the three groups to exactly their permissions; return counts."""
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    counts = {}
    for name, labels in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = [permission_get(label) for label in sorted(labels)]
        group.permissions.set(perms)
        counts[name] = len(perms)
    # Not a role: its members receive the ops e-mails (builderops/core/alerts.py).
    Group.objects.get_or_create(name=OPS_ALERTS_GROUP)
    return counts


def permission_get(label: str) -> Permission:
    app_label, codename = label.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)
