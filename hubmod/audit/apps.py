from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hubmod.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # hubmod's deployment checks live with the project's own app, so every process registers them.
        from hubmod import checks  # noqa: F401
