from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    """Transparency: the public figures and their rollups, statements of reasons and the DSA
    Transparency Database client."""

    name = "transparency"
    verbose_name = "Transparency"

    def ready(self) -> None:
        from hubmod import hooks
        from transparency import receivers, tasks  # noqa: F401

        hooks.connect(hooks.decision_changed, receivers.decision_changed, uid="transparency.decision_changed")
