"""Shared rows: the rate limiter's counters (core/ratelimit.py)."""

from django.db import models


class RateCounter(models.Model):
    """Hits of one client on one scope within one fixed time window. Every process and server
    sees the same row, so that a limit holds across gunicorn workers and app servers."""

    key = models.CharField(max_length=200, unique=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "rate counter"

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
