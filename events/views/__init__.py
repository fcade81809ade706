"""Public pages, server-rendered; each view starts from published content."""

from .content import (
    AwardDetailView,
    AwardListView,
    EventDetailView,
    EventListView,
    MilestoneDetailView,
    MilestoneListView,
    ProvinceDetailView,
    TrainingBaseDetailView,
    TrainingBaseListView,
)
from .site import HealthView, HomeView, RobotsView, SearchView, SiteMapView

__all__ = [
    "AwardDetailView",
    "AwardListView",
    "EventDetailView",
    "EventListView",
    "HealthView",
    "HomeView",
    "MilestoneDetailView",
    "MilestoneListView",
    "ProvinceDetailView",
    "RobotsView",
    "SearchView",
    "SiteMapView",
    "TrainingBaseDetailView",
    "TrainingBaseListView",
]
