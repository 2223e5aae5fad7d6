"""Public pages of the exhibition: floor plan, exhibitor accounts and bookings."""

app_name = "exhibitors"
urlpatterns: list = []
