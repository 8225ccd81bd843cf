"""Staff roles. One role per account; what each role may do is in permissions.py."""

from django.db import models


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker (qualified)"
    ASSESSOR = "assessor", "Social care assessor"
    OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
    SUPPORT_PLANNER = "support_planner", "Support planner or broker"
    TEAM_MANAGER = "team_manager", "Team manager"
    PANEL_MEMBER = "panel_member", "Funding panel member"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead"
    COMMISSIONER = "commissioner", "Commissioner"
    PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
    ADMINISTRATOR = "administrator", "Administrator"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"


# Roles that hold a caseload of people.
CASEHOLDING_ROLES = {
    Role.SOCIAL_WORKER,
    Role.ASSESSOR,
    Role.OCCUPATIONAL_THERAPIST,
    Role.SUPPORT_PLANNER,
}
