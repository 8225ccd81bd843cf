"""The resource allocation system: indicative budgets from assessment answers (being written)."""


def indicative_budget_for_assessment(*, assessment, actor, request=None):
    """Compute and store the indicative budget for a signed-off eligible assessment (returns it, or None)."""
    return None
