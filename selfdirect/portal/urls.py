"""The citizen portal: what the person and their family see and do."""

urlpatterns: list = []
