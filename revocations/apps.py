from django.apps import AppConfig


class RevocationsConfig(AppConfig):
    """The signed revocation feed: what the hub has taken down, for mirrors and loaders to check
    offline (issue 22; docs/revocation-feed.md)."""

    name = "revocations"
    verbose_name = "Revocation feed"

    def ready(self) -> None:
        from hubmod import hooks
        from revocations import checks, receivers  # noqa: F401 - checks registers the key's system checks

        hooks.connect(hooks.enforcement_applied, receivers.enforcement_applied, uid="revocations.enforcement_applied")
