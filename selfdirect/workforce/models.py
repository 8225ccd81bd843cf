import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from selfdirect.rules.workforce import BENCHMARK_CHOICES, SCALE_CHOICES, TOPICS


class Team(models.Model):
    """A team of staff (e.g. older people's team north). Staff belong to one or more teams."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    description = models.CharField(max_length=300, blank=True)
    members = models.ManyToManyField("core.User", related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("team_caseload", args=[self.pk])


TOPIC_CHOICES = list(TOPICS)


class StaffProfile(models.Model):
    """What the council records about a member of staff beyond their account (role and teams are on the account):
    whether they are a qualified social worker registered with Social Work England."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    qualified_social_worker = models.BooleanField("Qualified social worker", default=False)
    registration_number = models.CharField("Social Work England registration number", max_length=12, blank=True)
    registered_on = models.DateField("Date first registered with Social Work England", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return f"Staff profile of {self.user}"

    def get_absolute_url(self):
        return reverse("workforce_staff_profile", args=[self.user_id])


class TrainingRecord(models.Model):
    """A course completed, or a skill or qualification held, with the dates it was gained and lapses."""

    class Kind(models.TextChoices):
        TRAINING = "training", "Training course"
        SKILL = "skill", "Skill or qualification"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TRAINING)
    topic = models.CharField(max_length=40, choices=TOPIC_CHOICES, blank=True)
    title = models.CharField(max_length=200)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["user", "-completed_on", "id"]

    def __str__(self):
        return f"{self.title} ({self.completed_on})"

    def is_current(self, on: datetime.date) -> bool:
        return self.completed_on <= on and (self.expires_on is None or self.expires_on >= on)


class TrainingNeed(models.Model):
    """A need for training in one topic, recorded by the member of staff themselves or their manager, with whether
    they would join a peer development group on it. Met needs are kept (with the date) rather than deleted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_needs")
    topic = models.CharField(max_length=40, choices=TOPIC_CHOICES)
    noted_on = models.DateField()
    wants_peer_group = models.BooleanField("Would join a peer development group on this", default=False)
    met_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["user", "topic"]
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="workforce_one_need_per_topic")]

    def __str__(self):
        return f"{self.user}: {self.get_topic_display()}"

    @property
    def is_open(self) -> bool:
        return self.met_on is None


class PeerGroup(models.Model):
    """A peer development group on one topic (interactive skills development rather than lecture-style courses)."""

    topic = models.CharField(max_length=40, choices=TOPIC_CHOICES)
    name = models.CharField(max_length=120)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="peer_groups", blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-started_on", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workforce_peer_group", args=[self.pk])


class MentoringPair(models.Model):
    """A mentor (trained in the topic) paired with a mentee (who recorded the need)."""

    topic = models.CharField(max_length=40, choices=TOPIC_CHOICES)
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentees_as_mentor")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentors_as_mentee")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-started_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(mentor=models.F("mentee")), name="workforce_mentor_not_mentee")
        ]

    def __str__(self):
        return f"{self.mentor} mentoring {self.mentee} ({self.get_topic_display()})"


# --- The readiness survey ------------------------------------------------------------------------------------------


class Survey(models.Model):
    """A readiness survey: its questions, asked in repeatable rounds so the council sees its change over time."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workforce_survey", args=[self.pk])


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    # Stable across rounds (and the link to the published figures for the default questions).
    key = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    scale = models.CharField(max_length=20, choices=SCALE_CHOICES)
    topic = models.CharField(max_length=40, choices=TOPIC_CHOICES, blank=True)
    benchmark = models.CharField(
        "Published figures to compare with", max_length=60, choices=BENCHMARK_CHOICES, blank=True
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("Asked in new rounds", default=True)

    class Meta:
        ordering = ["survey", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "key"], name="workforce_question_key_unique")]

    def __str__(self):
        return self.text


class SurveyRound(models.Model):
    """One running of a survey: open from one date until a manager closes it. Its questions are fixed when it opens,
    so every answer in the round was to the same question."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rounds")
    label = models.CharField(max_length=60)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    questions = models.ManyToManyField(SurveyQuestion, related_name="rounds")

    class Meta:
        ordering = ["survey", "opened_on", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "label"], name="workforce_round_label_unique")]

    def __str__(self):
        return f"{self.survey}: {self.label}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class RoundParticipation(models.Model):
    """That a member of staff has answered a round (only to stop them answering twice). It says nothing about what
    they answered: answers are kept only as counts (ResponseCount, AnswerCount), never per person."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The date only: a time could be matched against when someone was seen at their desk.
    responded_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="workforce_one_response_per_round")]

    def __str__(self):
        return f"{self.user} answered {self.round}"


class Dimension(models.TextChoices):
    ALL = "all", "Everyone"
    TEAM = "team", "Team"
    ROLE = "role", "Role"


class ResponseCount(models.Model):
    """How many people answered a round, overall and in each team and role. No person, no time, no order: a count
    that each response adds one to."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="response_counts")
    dimension = models.CharField(max_length=4, choices=Dimension.choices)
    group = models.CharField(max_length=120)
    respondents = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "dimension", "group"], name="workforce_response_count_unique")
        ]

    def __str__(self):
        return f"{self.round} {self.dimension}:{self.group} = {self.respondents}"


class AnswerCount(models.Model):
    """How many people in a group gave one answer to one question in a round."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="answer_counts")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answer_counts")
    dimension = models.CharField(max_length=4, choices=Dimension.choices)
    group = models.CharField(max_length=120)
    option = models.CharField(max_length=30)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "question", "dimension", "group", "option"], name="workforce_answer_count_unique"
            )
        ]

    def __str__(self):
        return f"{self.round} {self.question.key} {self.dimension}:{self.group} {self.option} = {self.count}"
