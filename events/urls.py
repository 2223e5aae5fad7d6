"""Public pages of registration and check-in, under the language prefix."""

app_name = "events"
urlpatterns: list = []
