from django.apps import AppConfig


class ScanningConfig(AppConfig):
    """Artifact scanning: fetching the files the hub names, analysing them, content-addressed verdicts.
    It files automated reports through intake and never decides (DESIGN.md)."""

    name = "scanning"
    verbose_name = "Artifact scanning"

    def ready(self) -> None:
        from hubmod import hooks
        from scanning import receivers, tasks  # noqa: F401

        hooks.connect(hooks.repository_synced, receivers.repository_synced, uid="scanning.repository_synced")
        hooks.connect(hooks.case_shown, receivers.case_shown, uid="scanning.case_shown")
        hooks.connect(
            hooks.automated_means_counted, receivers.automated_means_counted, uid="scanning.automated_means_counted"
        )
