"""Staff editing: every content model, in Chinese, with a draft → published workflow.

Importing this package registers the admins on Django's default site and names the site.
"""

from django.contrib import admin

from . import awards, chronicle, history, places, training

admin.site.site_header = "职业能力建设大事记 · 内容管理"
admin.site.site_title = "大事记内容管理"
admin.site.index_title = "内容管理首页"
# The side menu took 300 px of a 1280 px desk from every list and form; the home page and the
# breadcrumbs reach every list.
admin.site.enable_nav_sidebar = False

__all__ = ["awards", "chronicle", "history", "places", "training"]
