"""Staff maintain the information guides here (and can correct directory records). The guide body is plain text:
see InformationPage's help text; nothing typed is read as HTML."""

from django.contrib import admin

from .models import InformationPage, Organisation, Postcode, Service, Taxonomy


@admin.register(InformationPage)
class InformationPageAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "position", "is_published", "updated_at")
    list_editable = ("position", "is_published")
    prepopulated_fields = {"slug": ("title",)}
    search_fields = ("title", "summary", "body")


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "vocabulary", "parent", "position")
    list_filter = ("vocabulary",)
    search_fields = ("name", "code")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "source")
    search_fields = ("name",)
    readonly_fields = ("uuid", "source", "source_id")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "status", "review_due", "last_checked_at", "source")
    list_filter = ("status", "source")
    search_fields = ("name", "organisation__name")
    filter_horizontal = ("taxonomies", "locations")
    readonly_fields = ("uuid", "source", "source_id", "updated_by_organisation_at")


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ("postcode", "latitude", "longitude", "source")
    search_fields = ("postcode",)
