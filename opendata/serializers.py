"""The API's representation of public content: data as data.

Dates carry their precision and an inclusive ISO start and end, so a program never parses
"2023年5月至12月"; key figures carry their value, 万/亿, unit and qualifier beside the text
as the source writes it ("近12万人次").
"""

import calendar
import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events import dates
from events.dates import DatePrecision
from events.models import (
    Award,
    AwardRecipient,
    Event,
    KeyFigure,
    Milestone,
    Province,
    Sector,
    TrainingBase,
)
from events.models.chronicle import MAGNITUDE_FACTORS, Magnitude


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


class PageLinkField(serializers.Field):
    """The absolute URL of the object's public page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return absolute(self.context.get("request"), instance.get_absolute_url())


extend_schema_field({"type": "string", "format": "uri"})(PageLinkField)


class ApiLinkField(serializers.Field):
    """The absolute URL of the object in the API."""

    def __init__(self, view_name, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)
        self.view_name = view_name

    def to_representation(self, instance):
        from django.urls import reverse

        return absolute(self.context.get("request"), reverse(self.view_name, args=[instance.slug]))


extend_schema_field({"type": "string", "format": "uri"})(ApiLinkField)


def period_end(start, end, precision):
    """The last day a date at its precision stands for: 2023-12 → 2023-12-31."""
    last = end or start
    if precision == DatePrecision.MONTH:
        return last.replace(day=calendar.monthrange(last.year, last.month)[1])
    if precision == DatePrecision.YEAR:
        return datetime.date(last.year, 12, 31)
    return last


@extend_schema_field(
    {
        "type": "object",
        "description": "日期及其精度。start、end 为所指时段的第一天和最后一天（含）。",
        "properties": {
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date"},
            "precision": {"type": "string", "enum": DatePrecision.values},
            "is_range": {"type": "boolean"},
            "iso": {
                "type": "string",
                "description": "ISO 8601，按精度：2023-11-06、2023-09、2023-05/2023-12",
            },
            "text": {"type": "string", "description": "中文写法：2023年5月至12月"},
        },
        "required": ["start", "end", "precision", "is_range", "iso", "text"],
    }
)
class PreciseDateField(serializers.Field):
    """A milestone's date: {start, end, precision, is_range, iso, text}."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, milestone):
        start, end, precision = milestone.date, milestone.end_date, milestone.precision
        is_range = end is not None and end != start
        iso = dates.iso_date(start, precision)
        if is_range:
            iso = f"{iso}/{dates.iso_date(end, precision)}"
        return {
            "start": start.isoformat(),
            "end": period_end(start, end, precision).isoformat(),
            "precision": precision,
            "is_range": is_range,
            "iso": iso,
            "text": milestone.date_text,
        }


class RegionSerializer(serializers.ModelSerializer):
    """A provincial-level division with its GB/T 2260 code."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    html_url = PageLinkField()

    class Meta:
        model = Province
        fields = ["code", "name", "short_name", "slug", "kind", "kind_label", "html_url"]


class RegionReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name", "slug"]


class KeyFigureSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    multiplier = serializers.SerializerMethodField()
    quantity = serializers.SerializerMethodField()
    approximate = serializers.BooleanField(source="is_approximate", read_only=True)
    text = serializers.CharField(read_only=True)

    class Meta:
        model = KeyFigure
        fields = [
            "key",
            "label",
            "value",
            "magnitude",
            "multiplier",
            "quantity",
            "unit",
            "qualifier",
            "qualifier_position",
            "approximate",
            "text",
            "note",
            "as_of",
            "is_headline",
        ]

    @extend_schema_field({"type": "integer", "enum": sorted(MAGNITUDE_FACTORS.values())})
    def get_multiplier(self, figure):
        return MAGNITUDE_FACTORS[Magnitude(figure.magnitude)]

    @extend_schema_field({"type": "number", "description": "数值乘以数量级：12万 → 120000"})
    def get_quantity(self, figure):
        return float(figure.quantity)


class CategorySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class ImageSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField(source="image_width", allow_null=True)
    height = serializers.IntegerField(source="image_height", allow_null=True)
    alt = serializers.CharField(source="image_alt")

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, instance):
        return absolute(self.context.get("request"), instance.image.url)


def image_or_none(serializer, instance):
    if not instance.image:
        return None
    return ImageSerializer(instance, context=serializer.context).data


IMAGE_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {
        "url": {"type": "string", "format": "uri"},
        "width": {"type": "integer", "nullable": True},
        "height": {"type": "integer", "nullable": True},
        "alt": {"type": "string"},
    },
}


class EventSerializer(serializers.ModelSerializer):
    url = ApiLinkField("opendata:event_detail")
    html_url = PageLinkField()
    category = CategorySerializer()
    regions = RegionReferenceSerializer(many=True)
    image = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "slug",
            "url",
            "html_url",
            "year",
            "rank",
            "title",
            "short_title",
            "summary",
            "category",
            "regions",
            "image",
            "published_at",
            "updated_at",
        ]

    @extend_schema_field(IMAGE_SCHEMA)
    def get_image(self, event):
        return image_or_none(self, event)


class EventReferenceSerializer(serializers.ModelSerializer):
    url = ApiLinkField("opendata:event_detail")
    html_url = PageLinkField()

    class Meta:
        model = Event
        fields = ["slug", "url", "html_url", "year", "rank", "short_title"]


class MilestoneSerializer(serializers.ModelSerializer):
    html_url = PageLinkField()
    date = PreciseDateField()
    regions = RegionReferenceSerializer(many=True)

    class Meta:
        model = Milestone
        fields = ["slug", "html_url", "title", "description", "date", "venue", "regions"]


class TimelineMilestoneSerializer(MilestoneSerializer):
    event = EventReferenceSerializer()

    class Meta(MilestoneSerializer.Meta):
        fields = [*MilestoneSerializer.Meta.fields, "event"]


class EventDetailSerializer(EventSerializer):
    source = serializers.SerializerMethodField()
    milestones = MilestoneSerializer(many=True)
    key_figures = KeyFigureSerializer(many=True)

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "body", "source", "milestones", "key_figures"]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "title": {"type": "string"},
                "publisher": {"type": "string"},
                "url": {"type": "string"},
            },
        }
    )
    def get_source(self, event):
        source = event.source
        if source is None:
            return None
        return {"title": source.title, "publisher": source.publisher, "url": source.url}


class AwardSerializer(serializers.ModelSerializer):
    url = ApiLinkField("opendata:award_detail")
    html_url = PageLinkField()
    title = serializers.CharField(source="__str__", read_only=True)
    session_label = serializers.CharField(read_only=True)
    event = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = [
            "slug",
            "url",
            "html_url",
            "title",
            "name",
            "session_number",
            "session_label",
            "kind",
            "conferred_on",
            "conferring_body",
            "ceremony",
            "recipient_count",
            "recipients_description",
            "description",
            "event",
            "published_at",
            "updated_at",
        ]

    @extend_schema_field(EventReferenceSerializer(allow_null=True))
    def get_event(self, award):
        # An award may name an event that is not (yet) public: it is left out, not leaked.
        if award.event is None or not award.event.is_public:
            return None
        return EventReferenceSerializer(award.event, context=self.context).data


class RecipientSerializer(serializers.ModelSerializer):
    region = RegionReferenceSerializer(source="province", allow_null=True)

    class Meta:
        model = AwardRecipient
        fields = ["name", "organization", "occupation", "region"]


class AwardDetailSerializer(AwardSerializer):
    recipients = RecipientSerializer(many=True)

    class Meta(AwardSerializer.Meta):
        fields = [*AwardSerializer.Meta.fields, "recipients"]


class SectorSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Sector
        fields = ["slug", "name", "parent"]


class BatchSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    label = serializers.CharField()
    year = serializers.IntegerField()
    announced_total = serializers.IntegerField()


class TrainingBaseSerializer(serializers.ModelSerializer):
    url = ApiLinkField("opendata:base_detail")
    html_url = PageLinkField()
    kind = CategorySerializer(source="batch.kind")
    batch = BatchSerializer()
    region = RegionReferenceSerializer(source="province", allow_null=True)
    host_type_label = serializers.CharField(source="get_host_type_display", read_only=True)
    sectors = SectorSerializer(many=True)
    image = serializers.SerializerMethodField()

    class Meta:
        model = TrainingBase
        fields = [
            "slug",
            "url",
            "html_url",
            "name",
            "kind",
            "batch",
            "region",
            "host_type",
            "host_type_label",
            "host_organization",
            "sectors",
            "image",
            "published_at",
            "updated_at",
        ]

    @extend_schema_field(IMAGE_SCHEMA)
    def get_image(self, base):
        return image_or_none(self, base)


class TrainingBaseDetailSerializer(TrainingBaseSerializer):
    class Meta(TrainingBaseSerializer.Meta):
        fields = [*TrainingBaseSerializer.Meta.fields, "description"]
