"""The pages of sessions, attendance, check-in, certificates, feedback and self-assessment."""

from django.urls import path

from . import session_views as views

urlpatterns = [
    path("cohorts/<int:pk>/sessions/", views.session_list, name="sessions"),
    path("cohorts/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("sessions/<int:pk>/checkin/open/", views.checkin_open, name="checkin_open"),
    path("sessions/<int:pk>/checkin/close/", views.checkin_close, name="checkin_close"),
    path("sessions/<int:pk>/checkin/screen/", views.checkin_screen, name="checkin_screen"),
    path("sessions/<int:pk>/checkin/code/", views.checkin_code, name="checkin_code"),
    path("checkin/<str:token>/", views.checkin_scan, name="checkin"),
    path("cohorts/<int:pk>/certificates/", views.certificate_list, name="certificates"),
    path(
        "participants/<int:pk>/certificate.pdf",
        views.certificate_download,
        name="certificate_download",
    ),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("sessions/<int:pk>/feedback/", views.feedback_session, name="feedback_session"),
    path("cohorts/<int:pk>/feedback/", views.feedback_final, name="feedback_final"),
    path("cohorts/<int:pk>/feedback/results/", views.feedback_results, name="feedback_results"),
    path("cohorts/<int:pk>/feedback.csv", views.feedback_export, name="feedback_export"),
    path("cohorts/<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path(
        "cohorts/<int:pk>/self-assessment/results/",
        views.self_assessment_results,
        name="self_assessment_results",
    ),
]
