from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self):
        """Connect the wire to the domain's facts: a record due for publishing gets queued;
        /healthz reports the external systems and any remote paused by a circuit breaker."""
        from builderops.core.health import health_section_register
        from builderops.core.publishing import record_due, records_due
        from integrations import checks  # noqa: F401  (registers the deployment checks)
        from integrations.builderbacked.sync.enqueue import on_record_due, on_records_due
        from integrations.health import breakers_status, external_systems_status

        record_due.connect(on_record_due, dispatch_uid="builderbacked.record_due")
        records_due.connect(on_records_due, dispatch_uid="builderbacked.records_due")
        health_section_register("external_systems", external_systems_status)
        health_section_register("paused", breakers_status)
