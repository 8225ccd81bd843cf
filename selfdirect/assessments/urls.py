from django.urls import path

from . import request_views, views

urlpatterns = [
    path("requests/", request_views.request_list, name="request_list"),
    path("requests/new/", request_views.request_create, name="request_create"),
    path("requests/<int:pk>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:pk>/link/", request_views.request_link, name="request_link"),
    path("requests/<int:pk>/create-person/", request_views.request_create_person, name="request_create_person"),
    path("requests/<int:pk>/conclude/", request_views.request_conclude, name="request_conclude"),
    path("assessments/", views.assessment_queue, name="assessment_queue"),
    path("people/<int:person_pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/section/<int:number>/", views.assessment_section, name="assessment_section"),
    path("assessments/<int:pk>/involvement/", views.assessment_involvement, name="assessment_involvement"),
    path("assessments/<int:pk>/advocacy/", views.advocacy_referral_create, name="advocacy_referral_create"),
    path("assessments/advocacy/<int:pk>/", views.advocacy_referral_update, name="advocacy_referral_update"),
    path("assessments/<int:pk>/capacity/", views.capacity_create, name="capacity_create"),
    path("assessments/<int:pk>/complex/", views.assessment_complex, name="assessment_complex"),
    path("assessments/<int:pk>/allocate/", views.assessment_allocate, name="assessment_allocate"),
    path("assessments/<int:pk>/take/", views.assessment_take, name="assessment_take"),
    path("assessments/<int:pk>/sign-off/", views.assessment_sign_off, name="assessment_sign_off"),
    path("assessments/<int:pk>/letter/", views.decision_letter, name="decision_letter"),
]
