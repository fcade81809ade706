from django.urls import path

from . import views
from .display import DisplayModeView
from .feeds import EventFeed
from .sitemaps import sitemap_index, sitemap_section

app_name = "events"


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("milestones/", views.MilestoneListView.as_view(), name="milestone_list"),
    path("milestones/<slug:slug>/", views.MilestoneDetailView.as_view(), name="milestone_detail"),
    path("awards/", views.AwardListView.as_view(), name="award_list"),
    path("awards/<slug:slug>/", views.AwardDetailView.as_view(), name="award_detail"),
    path("bases/", views.TrainingBaseListView.as_view(), name="base_list"),
    path("bases/<slug:slug>/", views.TrainingBaseDetailView.as_view(), name="base_detail"),
    path("regions/<slug:slug>/", views.ProvinceDetailView.as_view(), name="province_detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/events/", EventFeed(), name="event_feed"),
    path("display/", DisplayModeView.as_view(), name="display_mode"),
    path("sitemap/", views.SiteMapView.as_view(), name="site_map"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap_section"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
    path("healthz", views.HealthView.as_view(), name="healthz"),
]
