from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Group, GroupMember, Initiative, Invitation, LeadingPartner, Membership, Phase


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class LeadingPartnerInline(admin.TabularInline):
    model = LeadingPartner
    extra = 0
    autocomplete_fields = ("organisation",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "status", "start_date", "end_date")
    list_filter = ("kind", "status")
    search_fields = ("name",)
    inlines = [LeadingPartnerInline, PhaseInline, MembershipInline]


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "initiative")
    list_filter = ("kind",)
    list_select_related = ("initiative",)
    search_fields = ("name", "initiative__name")
    inlines = [GroupMemberInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "initiative", "role", "created_at", "expires_at", "accepted_at")
    list_select_related = ("initiative",)
    readonly_fields = ("token_hash",)
    search_fields = ("email", "initiative__name")
