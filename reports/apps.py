from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Report intake"

    def ready(self) -> None:
        # Register the tasks in every process, so services can dispatch them by name.
        from hubmod import hooks
        from reports import receivers, tasks  # noqa: F401

        hooks.connect(hooks.repository_synced, receivers.repository_synced, uid="reports.repository_synced")
        hooks.connect(hooks.case_dismissed, receivers.case_dismissed, uid="reports.case_dismissed")
        hooks.connect(hooks.namespace_reserved, receivers.namespace_reserved, uid="reports.namespace_reserved")
