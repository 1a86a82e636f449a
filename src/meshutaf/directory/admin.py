from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Affiliation, Organisation, Person


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    fk_name = "person"
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name_he", "name_ar", "name_en", "sector")
    list_filter = ("sector",)
    search_fields = ("name_he", "name_ar", "name_en")


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "email", "user")
    search_fields = ("full_name", "email")
    autocomplete_fields = ("user",)
    inlines = [AffiliationInline]
