"""Money admin: charging figures and financial years here; the RAS tables in admin_ras.py."""

from . import admin_ras  # noqa: F401 - registers the RAS admin
