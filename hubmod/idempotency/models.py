"""A request sent with an Idempotency-Key, and the answer it got."""

from django.db import models


class IdempotentRequest(models.Model):
    """A filing sent with an Idempotency-Key, and the answer it got: a retry with the same key and
    body gets that answer again, and files nothing new (API.md, Idempotent intake)."""

    endpoint = models.CharField(max_length=32)
    caller = models.CharField(max_length=160, help_text='Whose key it is: "hub:<key id>", "user:<id>" or "anonymous".')
    key = models.CharField(max_length=255)
    body_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        # Moved here from reports; the table keeps its name, so an upgrade keeps every stored answer.
        db_table = "reports_idempotentrequest"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "caller", "key"], name="idempotency_key_once_per_caller")
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"
