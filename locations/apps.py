from django.apps import AppConfig


class LocationsConfig(AppConfig):
    name = "locations"
    verbose_name = "Locations"

    def ready(self):
        """Offer the location levels' CSV import kinds (csvio, below us, can't import them)."""
        from builderops.csvio.kinds import kind_register
        from locations.imports import DIVISIONS, MASTER_COMMUNITIES, NEIGHBORHOODS

        for spec in (DIVISIONS, MASTER_COMMUNITIES, NEIGHBORHOODS):
            kind_register(spec)
