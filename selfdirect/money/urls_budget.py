"""Money pages: budget (being written)."""

urlpatterns: list = []
