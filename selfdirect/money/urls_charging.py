"""Money pages: charging (being written)."""

urlpatterns: list = []
