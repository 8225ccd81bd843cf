"""Public pages: information and advice usable without signing in."""

urlpatterns: list = []
