"""The public directory of community services, shaped on Open Referral UK (see docs/directory.md), and the
information and advice pages.

Organisations run services; a service has locations (with postcode centroids for distance), opening times,
contacts, cost options and taxonomy terms. Every entry carries a review date and a "last checked" stamp;
organisations may update their own entries through a signed link, recorded as "last updated by the organisation".
Entries that come from elsewhere (the care market, support-planning organisations, another Open Referral feed)
carry their source and the id they have there, so a re-sync or re-import updates rather than duplicates.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import code_lists


class Taxonomy(models.Model):
    """A term in a vocabulary (Open Referral UK's "taxonomy"), for example "Lunch clubs" in this council's list."""

    code = models.CharField(max_length=200, unique=True, help_text="Its identifier, for example selfdirect:lunch-clubs")
    name = models.CharField(max_length=200)
    vocabulary = models.CharField(max_length=200, default=code_lists.LOCAL_VOCABULARY)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    description = models.CharField(max_length=300, blank=True, help_text="One plain-English line for people searching")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["vocabulary", "position", "name"]
        verbose_name_plural = "taxonomy terms"

    def __str__(self):
        return self.name


class SourcedModel(models.Model):
    """Where a record came from: "" when entered here, otherwise a sync or import source and the id it has there."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=300, blank=True, db_index=True)
    source_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source=""),
                name="%(app_label)s_%(class)s_one_per_source_id",
            )
        ]


class Organisation(SourcedModel):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True, help_text="Where the link to update their own entries is sent")
    url = models.URLField("Website", blank=True)
    phone = models.CharField(max_length=30, blank=True)

    class Meta(SourcedModel.Meta):
        ordering = ["name"]

    def __str__(self):
        return self.name


class Location(SourcedModel):
    name = models.CharField(max_length=200, blank=True)
    address = models.CharField("Address", max_length=300, blank=True, help_text="Building and street")
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    accessibility = models.TextField(
        blank=True, help_text="One point a line, for example: Step-free entrance. Accessible toilet. Hearing loop."
    )

    class Meta(SourcedModel.Meta):
        ordering = ["name", "postcode"]

    def __str__(self):
        return ", ".join(filter(None, (self.name, self.address, self.town, self.postcode)))

    @property
    def accessibility_lines(self) -> list[str]:
        return [line.strip() for line in self.accessibility.splitlines() if line.strip()]


class Service(SourcedModel):
    Status = code_lists.ServiceStatus
    AttendingType = code_lists.AttendingType
    AttendingAccess = code_lists.AttendingAccess

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    description = models.TextField(help_text="What it is and what happens there, in plain English")
    eligibility = models.TextField(blank=True, help_text="Who it is for")
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    fees = models.CharField("Cost", max_length=300, blank=True, help_text='For example "Free" or "£4.50 a meal"')
    is_free = models.BooleanField(default=False)
    accreditations = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    attending_type = models.CharField(max_length=20, choices=AttendingType.choices, blank=True)
    attending_access = models.CharField(max_length=20, choices=AttendingAccess.choices, blank=True)
    url = models.URLField("Website", blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    languages = models.JSONField(default=list, blank=True, help_text='For example ["English", "Urdu"]')
    service_area = models.CharField(max_length=200, blank=True, help_text="Where people must live, if anywhere")
    locations = models.ManyToManyField(Location, blank=True, related_name="services")
    taxonomies = models.ManyToManyField(Taxonomy, blank=True, related_name="services")
    review_due = models.DateField("Review by", null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by_organisation_at = models.DateTimeField("Last updated by the organisation", null=True, blank=True)

    class Meta(SourcedModel.Meta):
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory_service", args=[self.pk])

    @property
    def is_review_overdue(self) -> bool:
        return self.review_due is not None and self.review_due < timezone.localdate()


class RegularSchedule(models.Model):
    """A weekly opening time (Open Referral UK regular_schedule with freq WEEKLY and one byday)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="regular_schedules")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    weekday = models.CharField(max_length=2, choices=code_lists.Weekday.choices)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.CharField(max_length=200, blank=True, help_text='For example "First Tuesday of the month"')

    class Meta:
        ordering = ["service", "weekday", "opens_at"]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at or ''}-{self.closes_at or ''}"

    @property
    def day_order(self) -> int:
        return code_lists.WEEKDAY_ORDER.index(self.weekday)


class Contact(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self):
        return self.name


class CostOption(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=200, help_text='What the amount is for, for example "per session"')
    amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"{self.option}: {self.amount}"


class Postcode(models.Model):
    """A postcode's centroid, from the ONS Postcode Directory (import_postcodes) or the demo council's list.
    Distance search works offline from these."""

    postcode = models.CharField(max_length=8, unique=True, help_text="Normalised: outward code, space, inward code")
    latitude = models.FloatField()
    longitude = models.FloatField()
    source = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["postcode"]

    def __str__(self):
        return self.postcode


class InformationPage(models.Model):
    """A plain-English guide. The body is plain text: paragraphs separated by a blank line, and lines that
    begin with "- " become a bulleted list. Nothing in it is read as HTML."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two short sentences, shown in the list of guides")
    body = models.TextField(
        help_text='Short paragraphs with a blank line between them. Start a line with "- " for a bullet.'
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first")
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("information_page", args=[self.slug])
