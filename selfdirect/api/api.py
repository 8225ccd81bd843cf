from .calculators import router as calculators_router
from .charging import router as charging_router
from .errors import SelfdirectAPI

# SelfdirectAPI is a NinjaAPI whose every client error is 400 {"errors": [{"field", "message"}]}
# (selfdirect/api/errors.py), instead of ninja's 422 and {"detail": ...}.
api = SelfdirectAPI(
    title="selfdirect API",
    version="1",
    description="Integrations for councils' adult social care: calculators, and (in later releases) records.",
    urls_namespace="api",
)

api.add_router("/calculators/", calculators_router)
api.add_router("/calculators/", charging_router)
