"""A test-only admin site with the CSV mixin on plain ModelAdmins, and its URLconf.

The mixin is tested on its own here, independent of the project's admin classes.
"""

from django.contrib import admin
from django.urls import path

from builderops.csvio.admin import CsvImportAdminMixin
from homes.models import Home
from locations.models import Division

site = admin.AdminSite(name="admin")


@admin.register(Home, site=site)
class HomeCsvAdmin(CsvImportAdminMixin, admin.ModelAdmin):
    csv_import_kind = "homes"
    list_display = ("external_id", "address_line1", "review_state")


@admin.register(Division, site=site)
class DivisionCsvAdmin(CsvImportAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/change_list.html"


urlpatterns = [path("admin/", site.urls)]
