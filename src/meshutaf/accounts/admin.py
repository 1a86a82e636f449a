import contextlib

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .models import ApiToken, SecurityEventKind, User

# django-otp's own admin pages show each authenticator's secret key: no one but its owner (who
# scanned it) should see that. Two-factor sign-in is reset with the action below instead.
for model in (TOTPDevice, StaticDevice):
    with contextlib.suppress(NotRegistered):
        admin.site.unregister(model)

# Flags that grant power: every change to one goes into the security log.
POWER_FLAGS = ("is_active", "is_staff", "is_superuser", "is_backbone")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_backbone", "is_staff")
    list_filter = ("is_backbone", "is_staff", "is_superuser", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Meshutaf"), {"fields": ("is_backbone", "language")}),
    )
    actions = ["two_factor_reset"]

    def save_model(self, request, obj, form, change):
        before = User.objects.filter(pk=obj.pk).values(*POWER_FLAGS).first() if change else None
        super().save_model(request, obj, form, change)
        changed = [
            f"{flag}: {before[flag]} -> {getattr(obj, flag)}"
            for flag in POWER_FLAGS
            if before is not None and before[flag] != getattr(obj, flag)
        ]
        if not change and any(getattr(obj, flag) for flag in POWER_FLAGS[1:]):
            changed = [f"{flag}: {getattr(obj, flag)}" for flag in POWER_FLAGS[1:]]
        if changed:
            services.security_event_record(
                kind=SecurityEventKind.ROLE_CHANGED,
                user=obj,
                request=request,
                detail=", ".join(changed),
            )

    @admin.action(description=_("Turn off two-factor sign-in (lost phone) and sign out"))
    def two_factor_reset(self, request, queryset):
        for user in queryset:
            services.two_factor_disable(user=user, request=request, actor=request.user)
            services.sessions_sign_out_everywhere(user=user, request=request, keep_current=False)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in was turned off for %(count)d user.",
                "Two-factor sign-in was turned off for %(count)d users.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
    search_fields = ("name", "user__username")
