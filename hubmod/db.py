from django.db import models


class TimestampedModel(models.Model):
    """The base of every hubmod model: when a row was made and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
