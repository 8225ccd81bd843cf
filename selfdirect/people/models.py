from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from selfdirect.rules import cld
from selfdirect.rules.nhs_number import format_nhs_number


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    THROUGH_CONTACT = "through_contact", "Through a named contact"


class Person(models.Model):
    """Someone who has asked for, or receives, care and support (or an unpaid carer)."""

    council_id = models.CharField("Council person ID", max_length=20, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    nhs_number = models.CharField("NHS number", max_length=10, null=True, blank=True, unique=True)
    gender = models.CharField(max_length=20, choices=cld.choices(cld.GENDERS), blank=True)
    ethnicity = models.CharField(max_length=120, choices=cld.choices(cld.ETHNICITIES), blank=True)
    accommodation_status = models.CharField(max_length=120, choices=cld.choices(cld.ACCOMMODATION_STATUSES), blank=True)
    employment_status = models.CharField(max_length=80, choices=cld.choices(cld.EMPLOYMENT_STATUSES), blank=True)
    primary_support_reason = models.CharField(
        max_length=80, choices=cld.choices(cld.PRIMARY_SUPPORT_REASONS), blank=True
    )
    address_line_1 = models.CharField(max_length=120, blank=True)
    address_line_2 = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact_method = models.CharField(max_length=20, choices=ContactMethod.choices, blank=True)
    communication_needs = models.TextField(
        blank=True, help_text="For example British Sign Language, large print, an interpreter, Easy Read."
    )
    gp_practice_name = models.CharField("GP practice", max_length=120, blank=True)
    gp_practice_code = models.CharField("GP practice code", max_length=10, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    # Restricted records are visible only to safeguarding leads and the allocated worker.
    is_restricted = models.BooleanField(default=False)
    allocated_team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="caseload"
    )
    # Optimistic locking: a save must name the version it started from.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["allocated_worker"]),
            models.Index(fields=["allocated_team"]),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("person_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.first_name

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""

    def age_on(self, day) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday

    @property
    def age(self) -> int:
        end = self.date_of_death or timezone.localdate()
        return self.age_on(end)

    @property
    def address(self) -> str:
        parts = [self.address_line_1, self.address_line_2, self.town, self.postcode]
        return ", ".join(p for p in parts if p)


class Relationship(models.TextChoices):
    SPOUSE = "spouse", "Spouse or partner"
    DAUGHTER = "daughter", "Daughter"
    SON = "son", "Son"
    PARENT = "parent", "Parent"
    SIBLING = "sibling", "Brother or sister"
    OTHER_FAMILY = "other_family", "Other family member"
    FRIEND = "friend", "Friend"
    NEIGHBOUR = "neighbour", "Neighbour"
    PROFESSIONAL = "professional", "Professional"
    OTHER = "other", "Other"


class ContactRole(models.TextChoices):
    """The roles a contact can hold for the person; one contact can hold several."""

    UNPAID_CARER = "unpaid_carer", "Unpaid carer"
    FAMILY = "family", "Family"
    AUTHORISED_PERSON = "authorised_person", "Authorised person (Care Act s32)"
    NOMINEE = "nominee", "Nominee (receives payments for the person)"
    APPROPRIATE_PERSON = "appropriate_person", "Appropriate person (supports involvement)"
    ADVOCATE = "advocate", "Independent advocate"
    ATTORNEY = "attorney", "Lasting power of attorney or deputy"
    EMERGENCY = "emergency", "Emergency contact"


class Contact(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    # One boolean per role keeps "has an unpaid carer" and similar queries simple on every database.
    is_unpaid_carer = models.BooleanField("Unpaid carer", default=False)
    is_family = models.BooleanField("Family", default=False)
    is_authorised_person = models.BooleanField("Authorised person", default=False)
    is_nominee = models.BooleanField("Nominee", default=False)
    is_appropriate_person = models.BooleanField("Appropriate person", default=False)
    is_advocate = models.BooleanField("Independent advocate", default=False)
    is_attorney = models.BooleanField("Attorney or deputy", default=False)
    is_emergency_contact = models.BooleanField("Emergency contact", default=False)
    organisation = models.CharField(max_length=200, blank=True, help_text="For an advocate or professional.")
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    lives_with_person = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    ROLE_FIELDS = {
        ContactRole.UNPAID_CARER: "is_unpaid_carer",
        ContactRole.FAMILY: "is_family",
        ContactRole.AUTHORISED_PERSON: "is_authorised_person",
        ContactRole.NOMINEE: "is_nominee",
        ContactRole.APPROPRIATE_PERSON: "is_appropriate_person",
        ContactRole.ADVOCATE: "is_advocate",
        ContactRole.ATTORNEY: "is_attorney",
        ContactRole.EMERGENCY: "is_emergency_contact",
    }

    class Meta:
        ordering = ["-is_active", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_relationship_display()})"

    @property
    def roles(self) -> list[str]:
        return [role for role, field in self.ROLE_FIELDS.items() if getattr(self, field)]

    @property
    def role_labels(self) -> list[str]:
        return [ContactRole(r).label for r in self.roles]


class Allocation(models.Model):
    """History of who holds a person's case. The current one is mirrored on Person for fast caseloads."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="allocations")
    team = models.ForeignKey("workforce.Team", on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    reason = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.person} → {self.team} / {self.worker or 'unallocated worker'}"


class CaseNote(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", "Visit"
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email or letter"
        DECISION = "decision", "Decision"
        MEETING = "meeting", "Meeting"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField()
    subject = models.CharField(max_length=200)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"


class PersonEvent(models.Model):
    """One entry on a person's timeline. Each part of the pathway adds its own event types."""

    class Type(models.TextChoices):
        CREATED = "created", "Record created"
        DETAILS_CHANGED = "details_changed", "Details changed"
        CONTACT_ADDED = "contact_added", "Contact added"
        CONTACT_CHANGED = "contact_changed", "Contact changed"
        NOTE_ADDED = "note_added", "Case note"
        ALLOCATED = "allocated", "Allocated"
        REQUEST = "request", "Request for support"
        ASSESSMENT = "assessment", "Assessment"
        CAPACITY = "capacity", "Mental capacity"
        PLAN = "plan", "Support plan"
        ARRANGEMENT = "arrangement", "Support arranged"
        REVIEW = "review", "Review"
        FAILED_ARRANGEMENT = "failed_arrangement", "Failed arrangement"
        SAFEGUARDING = "safeguarding", "Safeguarding"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=40, choices=Type.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.ForeignKey(CaseNote, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["person", "-occurred_at"])]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d} {self.title}"
