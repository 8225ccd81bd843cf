"""Review pages (Care Act s27). Failed arrangements and tasks are in urls_tasks.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("people/<int:pk>/reviews/", views.person_reviews, name="person_reviews"),
    path("people/<int:pk>/reviews/book/", views.review_book, name="review_book"),
    path("reviews/overdue/", views.reviews_overdue, name="reviews_overdue"),
    path("reviews/overdue/download/", views.reviews_overdue_csv, name="reviews_overdue_csv"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/record/", views.review_record, name="review_record"),
    path("reviews/<int:pk>/cancel/", views.review_cancel, name="review_cancel"),
]
