"""The HTML lists' FilterSets, as the API and the calendars use them."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from events.filters import AwardFilter, EventFilter, MilestoneFilter, TrainingBaseFilter


class TimelineFilter(MilestoneFilter):
    """The timeline's FilterSet without the event options its HTML form lists (two queries
    no data response needs); values are checked exactly as on /milestones/."""

    @property
    def form(self):
        return super(MilestoneFilter, self).form


# Filters that work through a method, typed for the OpenAPI document (it cannot guess them).
for filterset, name, kind in [
    (EventFilter, "year", OpenApiTypes.INT),
    (MilestoneFilter, "year", OpenApiTypes.INT),
    (AwardFilter, "year", OpenApiTypes.INT),
    (TrainingBaseFilter, "year", OpenApiTypes.INT),
    (TrainingBaseFilter, "sector", OpenApiTypes.STR),
]:
    extend_schema_field(kind)(filterset.base_filters[name])
