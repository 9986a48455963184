from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hubmod.audit"
    label = "audit"
    verbose_name = "Audit log"
