from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class CoreConfig(AppConfig):
    """Review and approval, the save-under-review sequence, publishing state, roles, base admin."""

    name = "builderops.core"
    label = "core"
    verbose_name = "BuilderOps"


class BuilderOpsAdminConfig(AdminConfig):
    """Django's admin, served by BuilderOps' own site (extra pages registered by apps)."""

    default_site = "builderops.core.sites.BuilderOpsAdminSite"
