"""The exhibition's periodic sweeps (core.periodic, run by every ``run_worker``): the payment
deadlines of approved bookings (reminders, overdue, release of unpaid booths)."""

import datetime as dt

from django.conf import settings

from core.periodic import register
from exhibitors.services.deadlines import booking_payments_sweep

register(
    "exhibitors.payment_deadlines",
    booking_payments_sweep,
    every=dt.timedelta(seconds=settings.PAYMENT_SWEEP_SECONDS),
)
