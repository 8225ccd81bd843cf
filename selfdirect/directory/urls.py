"""Public pages: information and advice, the eligibility checker, the community directory and its Open Referral UK
feed; and the staff pages that keep the directory up to date."""

from django.urls import path

from . import manage_views, openreferral_views, public_views, views

urlpatterns = [
    path("information/", views.information, name="information"),
    path("information/<slug:slug>/", views.information_page, name="information_page"),
    path("eligibility-checker/", views.eligibility_checker, name="eligibility_checker"),
    path(
        "eligibility-checker/<slug:kind>/",
        views.eligibility_checker_questions,
        name="eligibility_checker_questions",
    ),
    path("estimate-my-contribution/", views.estimate_contribution, name="estimate_contribution"),
    # The public directory
    path("directory/", public_views.directory_search, name="directory_search"),
    path("directory/services/<int:pk>/", public_views.directory_service, name="directory_service"),
    path("directory/update/<str:token>/", public_views.directory_organisation_edit, name="directory_organisation_edit"),
    # Keeping it up to date (staff)
    path("directory/manage/", manage_views.manage_list, name="directory_manage"),
    path("directory/manage/sync/", manage_views.manage_sync, name="directory_manage_sync"),
    path("directory/manage/services/new/", manage_views.manage_service, name="directory_manage_new"),
    path("directory/manage/services/<int:pk>/", manage_views.manage_detail, name="directory_manage_detail"),
    path("directory/manage/services/<int:pk>/edit/", manage_views.manage_service, name="directory_manage_edit"),
    path(
        "directory/manage/services/<int:pk>/checked/",
        manage_views.manage_mark_checked,
        name="directory_manage_checked",
    ),
    path("directory/manage/services/<int:pk>/send-link/", manage_views.manage_send_link, name="directory_manage_link"),
    path("directory/manage/organisations/new/", manage_views.manage_organisation, name="directory_org_new"),
    path("directory/manage/organisations/<int:pk>/", manage_views.manage_organisation, name="directory_org_edit"),
    # Open Referral UK 1.0
    path("openreferral/", openreferral_views.root, name="openreferral_root"),
    path("openreferral/services", openreferral_views.services_list, name="openreferral_services"),
    path("openreferral/services/<str:service_id>", openreferral_views.service_detail, name="openreferral_service"),
    path("openreferral/taxonomies", openreferral_views.taxonomies_list, name="openreferral_taxonomies"),
    path("openreferral/taxonomies/<str:taxonomy_id>", openreferral_views.taxonomy_detail, name="openreferral_taxonomy"),
    path("openreferral/vocabularies", openreferral_views.vocabularies_list, name="openreferral_vocabularies"),
]
