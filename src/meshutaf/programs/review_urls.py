"""Reviewing's pages: reviewers, conflicts, the reviewer's queue, reviews, discussion."""

from django.urls import path

from . import review_views as views

urlpatterns = [
    path("cohorts/<int:pk>/reviewers/", views.reviewers, name="reviewers"),
    path("reviewers/<int:pk>/remove/", views.reviewer_remove, name="reviewer_remove"),
    path("cohorts/<int:pk>/assign/", views.assign, name="assign"),
    path("cohorts/<int:pk>/conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<int:pk>/waive/", views.conflict_waive, name="conflict_waive"),
    path("cohorts/<int:pk>/my-reviews/", views.review_queue, name="review_queue"),
    path("cohorts/<int:pk>/declare/", views.conflict_declare, name="conflict_declare"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/revise/", views.review_revise, name="review_revise"),
    path(
        "cohorts/<int:pk>/discussion/<int:nomination_pk>/",
        views.discussion,
        name="discussion",
    ),
]
