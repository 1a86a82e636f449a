"""Meetings of an initiative: agenda, invitations and RSVPs, attendance, minutes, decisions
and action items, calendars and reminders. Documents, workshops and conversations attach to a
meeting through its model and the slots in `extensions`."""
