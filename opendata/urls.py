from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.urlpatterns import format_suffix_patterns

from . import calendars, views

app_name = "opendata"

# Each list also answers at <list>.csv and <list>.json.
collections = format_suffix_patterns(
    [
        path("api/events/", views.EventListView.as_view(), name="event_list"),
        path("api/milestones/", views.MilestoneListView.as_view(), name="milestone_list"),
        path("api/awards/", views.AwardListView.as_view(), name="award_list"),
        path("api/bases/", views.TrainingBaseListView.as_view(), name="base_list"),
        path("api/regions/", views.RegionListView.as_view(), name="region_list"),
    ],
    allowed=["json", "csv"],
)

urlpatterns = [
    path("api/", views.ApiRootView.as_view(), name="api_root"),
    path("api/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("api/docs/", views.ApiDocsView.as_view(), name="api_docs"),
    *collections,
    path("api/events/<str:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("api/awards/<str:slug>/", views.AwardDetailView.as_view(), name="award_detail"),
    path("api/bases/<str:slug>/", views.TrainingBaseDetailView.as_view(), name="base_detail"),
    # Anything else under /api/ is answered in JSON too.
    re_path(r"^api/(?P<rest>.*)$", views.ApiNotFoundView.as_view()),
    path("milestones/calendar.ics", calendars.MilestoneCalendarView.as_view(), name="milestone_calendar"),
    path("events/<slug:slug>/calendar.ics", calendars.EventCalendarView.as_view(), name="event_calendar"),
]
