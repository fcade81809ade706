"""Public pages. Each view starts from published content and fetches what its template shows."""

from django.views.generic import DetailView, ListView, TemplateView

from .models import Award, Event, Milestone, Province, TrainingBase


class HomeView(TemplateView):
    template_name = "events/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = Event.objects.latest_year()
        context["year"] = year
        context["events"] = (
            Event.objects.published().for_year(year).order_by("rank") if year else Event.objects.none()
        )
        return context


class EventListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Event.objects.published().select_related("category")


class EventDetailView(DetailView):
    def get_queryset(self):
        return Event.objects.published().select_related("category", "source")


class MilestoneListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return Milestone.objects.published().select_related("event")


class MilestoneDetailView(DetailView):
    def get_queryset(self):
        return Milestone.objects.published().select_related("event")


class AwardListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Award.objects.published()


class AwardDetailView(DetailView):
    def get_queryset(self):
        return Award.objects.published().prefetch_related("recipients")


class TrainingBaseListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return TrainingBase.objects.published().select_related("batch__kind", "province")


class TrainingBaseDetailView(DetailView):
    def get_queryset(self):
        return TrainingBase.objects.published().select_related("batch__kind", "province")


class ProvinceDetailView(DetailView):
    model = Province
