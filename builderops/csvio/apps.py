from django.apps import AppConfig


class CsvioConfig(AppConfig):
    """The CSV/xlsx import-export framework: its ImportJob model, tasks and admin pages."""

    name = "builderops.csvio"
    label = "csvio"
    verbose_name = "CSV import"
