from ninja import NinjaAPI

api = NinjaAPI(
    title="selfdirect API",
    version="1",
    description="Integrations for councils' adult social care: calculators, and (in later releases) records.",
    urls_namespace="api",
)
