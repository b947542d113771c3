from django.apps import AppConfig


class BuilderOpsConfig(AppConfig):
    name = "builderops"
    verbose_name = "BuilderOps"
