"""The JSON API for scanners (no language prefix): see DESIGN.md, "Check-in API"."""

app_name = "api"
urlpatterns: list = []
