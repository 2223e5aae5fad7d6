"""Routes of the site that are not Wagtail pages (search, calendar feeds)."""

app_name = "cms"
urlpatterns: list = []
