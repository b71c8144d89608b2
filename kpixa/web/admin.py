"""Titles of the translated administration site (province admins manage reference data there)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Quản trị kpixa")
admin.site.site_title = _("Quản trị kpixa")
admin.site.index_title = _("Dữ liệu dùng chung: đơn vị, lãnh đạo, người dùng, lịch làm việc")
