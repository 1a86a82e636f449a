from django import template

from meshutaf.notifications import messages, selectors

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> dict:
    """The bell's figures: one query per page."""
    if not getattr(user, "is_authenticated", False):
        return {"count": 0, "label": ""}
    count = selectors.unread_count(user=user)
    return {
        "count": count,
        "label": f"{selectors.COUNT_CAP}+" if count > selectors.COUNT_CAP else str(count),
    }


@register.filter
def notification_text(notification) -> str:
    return messages.render_html(notification.kind, notification.params)
