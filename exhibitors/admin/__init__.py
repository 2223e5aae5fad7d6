"""The exhibition in Wagtail's admin: viewsets (viewsets.py) and the organizer's views (views.py).
Registered by exhibitors/wagtail_hooks.py."""
