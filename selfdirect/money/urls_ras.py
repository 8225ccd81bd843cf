"""Money pages: ras (being written)."""

urlpatterns: list = []
