from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_backbone", "is_staff")
    list_filter = ("is_backbone", "is_staff", "is_superuser", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Meshutaf"), {"fields": ("is_backbone", "language")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
    search_fields = ("name", "user__username")
