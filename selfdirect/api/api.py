"""The JSON API (/api/v1/), described by its OpenAPI schema at /api/v1/openapi.json and at /api/docs."""

from .calculators import router as calculators_router
from .charging import router as charging_router
from .errors import SelfdirectAPI
from .events import router as events_router
from .records import router as records_router
from .requests_api import router as requests_router

# SelfdirectAPI is a NinjaAPI whose every client error is 4xx {"errors": [{"field", "message"}]}
# (selfdirect/api/errors.py), instead of ninja's 422 and {"detail": ...}.
# ninja's Swagger UI needs inline scripts and a CDN, which the Content-Security-Policy refuses: /api/docs is a
# server-rendered page built from the same schema instead (selfdirect/api/views.py).
api = SelfdirectAPI(
    title="selfdirect API",
    version="1",
    description="Integrations for councils' adult social care: public calculators, and people's records "
    "(people, assessments, support plans, personal budgets, arrangements, reviews, case notes, and new requests "
    "for support) with a feed of changes, for systems holding a token. Human-readable docs: /api/docs.",
    urls_namespace="api",
    docs_url=None,
)

api.add_router("/calculators/", calculators_router)
api.add_router("/calculators/", charging_router)
api.add_router("/", records_router)
api.add_router("/", events_router)
api.add_router("/", requests_router)
