"""The floor's row as a model, for the floor that inserts it the way a bare DRF endpoint does."""

from django.db import models


class FloorRow(models.Model):
    subject = models.CharField(max_length=200)
    category = models.CharField(max_length=32)
    explanation = models.TextField()
    email = models.EmailField()
    revision = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "bench"
        db_table = "bench_floor"
        managed = False

    def __str__(self) -> str:
        return self.subject
