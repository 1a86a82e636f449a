from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("initiatives/<id:pk>/meetings/", views.meeting_list, name="list"),
    path("initiatives/<id:pk>/meetings/new/", views.meeting_create, name="create"),
    path("initiatives/<id:pk>/series/new/", views.series_create, name="series_create"),
    path("initiatives/<id:pk>/action-items/", views.initiative_actions, name="initiative_actions"),
    path("series/<id:pk>/", views.series_detail, name="series"),
    path("series/<id:pk>/edit/", views.series_edit, name="series_edit"),
    path("meetings/<id:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<id:pk>/edit/", views.meeting_edit, name="edit"),
    path("meetings/<id:pk>/status/", views.meeting_status, name="status"),
    path("meetings/<id:pk>/delete/", views.meeting_delete, name="delete"),
    path("meetings/<id:pk>/meeting.ics", views.meeting_ics, name="ics"),
    path("meetings/<id:pk>/print/", views.meeting_print, name="print"),
    path("meetings/<id:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<id:pk>/minutes/", views.minutes_edit, name="minutes"),
    path("meetings/<id:pk>/invite/", views.invite, name="invite"),
    path("meetings/<id:pk>/send-invitations/", views.send_invitations, name="send_invitations"),
    path("meetings/<id:pk>/rsvp/", views.my_rsvp, name="my_rsvp"),
    path("meetings/<id:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<id:pk>/turns/", views.turns, name="turns"),
    path("meetings/<id:pk>/participation/", views.participation, name="participation"),
    path("meetings/<id:pk>/outcomes/", views.outcome_add, name="outcome_add"),
    path("agenda-items/<id:pk>/", views.agenda_edit, name="agenda_edit"),
    path("agenda-items/<id:pk>/move/", views.agenda_move, name="agenda_move"),
    path("agenda-items/<id:pk>/delete/", views.agenda_delete, name="agenda_delete"),
    path("invitees/<id:pk>/remove/", views.invitee_remove, name="invitee_remove"),
    path("outcomes/<id:pk>/delete/", views.outcome_delete, name="outcome_delete"),
    path("action-items/<id:pk>/status/", views.action_status, name="action_status"),
    path("my/action-items/", views.my_actions, name="my_actions"),
    path("my/calendar/", views.calendar_page, name="calendar"),
    path("my/upcoming/", views.dashboard_fragment, name="dashboard_fragment"),
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
]
