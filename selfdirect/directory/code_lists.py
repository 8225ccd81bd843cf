"""The directory's code lists, in one place: Open Referral UK 1.0 enumerations (service status, how to attend,
access) and the days of the week in iCalendar BYDAY form, which Open Referral's schedules use."""

from django.db import models

LOCAL_VOCABULARY = "selfdirect"
LOCAL_PREFIX = "selfdirect:"

# Where entries synced from other parts of selfdirect come from (Organisation.source / Service.source).
SOURCE_PROVIDER = "market.provider"
SOURCE_PLANNING = "planning.organisation"
SYNCED_SOURCES = (SOURCE_PROVIDER, SOURCE_PLANNING)


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Open"
    INACTIVE = "inactive", "Not running at the moment"
    DEFUNCT = "defunct", "Closed"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class AttendingType(models.TextChoices):
    PHONE = "phone", "By phone"
    ONLINE = "online", "Online"
    VENUE = "venue", "At a venue"
    HOME_VISIT = "home visit", "At home"


class AttendingAccess(models.TextChoices):
    REFERRAL = "referral", "You need to be referred"
    APPOINTMENT = "appointment", "By appointment"
    MEMBERSHIP = "membership", "Members only"
    DROP_IN = "drop-in", "Drop in, no need to book"


class Weekday(models.TextChoices):
    MO = "MO", "Monday"
    TU = "TU", "Tuesday"
    WE = "WE", "Wednesday"
    TH = "TH", "Thursday"
    FR = "FR", "Friday"
    SA = "SA", "Saturday"
    SU = "SU", "Sunday"


WEEKDAY_ORDER = [d.value for d in Weekday]

# Public search: how far people may ask to look, in miles.
DISTANCE_CHOICES_MILES = (1, 2, 5, 10)
DEFAULT_DISTANCE_MILES = 5

# How long a directory entry may go before it is checked again, and how long an edit link works.
REVIEW_INTERVAL_DAYS = 365
EDIT_LINK_MAX_AGE_DAYS = 14
