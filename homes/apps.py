from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "homes"
    verbose_name = "Homes"

    def ready(self):
        """Offer the homes CSV import kind (csvio, below us, can't import it)."""
        from builderops.csvio.kinds import kind_register
        from homes.imports import HOMES

        kind_register(HOMES)
