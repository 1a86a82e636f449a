"""Pages of a cohort's projects and of a programme's alumni network and testimonials."""

from django.urls import path

from . import alumni_views, project_views

urlpatterns = [
    # projects
    path("cohorts/<int:pk>/projects/", project_views.projects, name="projects"),
    path("cohorts/<int:pk>/projects/new/", project_views.project_create, name="project_create"),
    path("projects/<int:pk>/", project_views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", project_views.project_edit, name="project_edit"),
    path("projects/<int:pk>/milestones/", project_views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", project_views.milestone_done, name="milestone_done"),
    path("milestones/<int:pk>/delete/", project_views.milestone_delete, name="milestone_delete"),
    path("projects/<int:pk>/reviewers/", project_views.project_reviewers, name="project_reviewers"),
    path("project-reviews/<int:pk>/", project_views.project_review, name="project_review"),
    path("follow-ups/<int:pk>/", project_views.follow_up_record, name="follow_up"),
    path("programmes/<int:pk>/follow-ups/", project_views.follow_ups, name="follow_ups"),
    # alumni
    path("programmes/<int:pk>/alumni/", alumni_views.alumni, name="alumni"),
    path("programmes/<int:pk>/alumni/export.csv", alumni_views.alumni_export, name="alumni_export"),
    path("programmes/<int:pk>/alumni/join/", alumni_views.alumni_join, name="alumni_join"),
    path("programmes/<int:pk>/alumni/add/", alumni_views.alumnus_add, name="alumnus_add"),
    path("programmes/<int:pk>/alumni/post/", alumni_views.exchange_create, name="exchange_create"),
    path(
        "programmes/<int:pk>/alumni/mentoring/",
        alumni_views.mentoring_offer_create,
        name="mentoring_offer_create",
    ),
    path("alumni/<int:pk>/", alumni_views.alumni_profile, name="alumni_profile"),
    path("alumni/<int:pk>/edit/", alumni_views.alumni_profile_edit, name="alumni_profile_edit"),
    path("alumni/<int:pk>/confirm/", alumni_views.alumni_role_confirm, name="alumni_role_confirm"),
    path("alumni/<int:pk>/leave/", alumni_views.alumni_leave, name="alumni_leave"),
    path("exchanges/<int:pk>/close/", alumni_views.exchange_close, name="exchange_close"),
    path("mentoring/<int:pk>/request/", alumni_views.mentoring_request, name="mentoring_request"),
    path("mentoring-requests/<int:pk>/", alumni_views.mentoring_respond, name="mentoring_respond"),
    # testimonials
    path("programmes/<int:pk>/testimonials/", alumni_views.testimonials, name="testimonials"),
    path(
        "programmes/<int:pk>/testimonials/public/",
        alumni_views.testimonials_public,
        name="testimonials_public",
    ),
    path(
        "programmes/<int:pk>/testimonials/new/",
        alumni_views.testimonial_create,
        name="testimonial_create",
    ),
    path(
        "testimonials/<int:pk>/review/", alumni_views.testimonial_review, name="testimonial_review"
    ),
    path(
        "testimonials/<int:pk>/withdraw/",
        alumni_views.testimonial_withdraw,
        name="testimonial_withdraw",
    ),
    path(
        "testimonials/<int:pk>/translate/",
        alumni_views.testimonial_translate,
        name="testimonial_translate",
    ),
]
