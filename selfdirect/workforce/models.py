from django.db import models
from django.urls import reverse


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
