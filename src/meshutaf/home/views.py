"""The dashboard: it gathers from several apps, so it sits above them all."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from meshutaf.initiatives import selectors as initiative_selectors
from meshutaf.stakeholder_map.selectors import follow_ups_overdue


@login_required
def dashboard(request):
    initiatives = initiative_selectors.initiative_list(user=request.user)
    return render(
        request,
        "home/dashboard.html",
        {
            "follow_ups": list(follow_ups_overdue(user=request.user)[:20]),
            "initiatives": list(initiatives[:12]),
            "total": initiatives.count(),
            "can_create": request.user.can_create_initiatives,
        },
    )
