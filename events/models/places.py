from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from .translation import EnglishTwins


class ProvinceKind(models.TextChoices):
    MUNICIPALITY = "municipality", "直辖市"
    PROVINCE = "province", "省"
    AUTONOMOUS_REGION = "autonomous_region", "自治区"
    SPECIAL_ADMINISTRATIVE_REGION = "sar", "特别行政区"
    PRODUCTION_CORPS = "corps", "生产建设兵团"


class ProvinceManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Province(EnglishTwins, models.Model):
    """A provincial-level division (GB/T 2260), or 新疆生产建设兵团, which reports like one."""

    code = models.CharField(
        "行政区划代码",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{2}0000$", "行政区划代码为六位数字，后四位为 0。")],
        help_text="GB/T 2260 省级代码；新疆生产建设兵团使用统计上通行的 660000。",
    )
    name = models.CharField("名称", max_length=20, unique=True)
    short_name = models.CharField("简称", max_length=10, unique=True)
    slug = models.SlugField("网址名", max_length=30, unique=True)
    kind = models.CharField("类型", max_length=20, choices=ProvinceKind.choices)
    name_en = models.CharField("英文名称", max_length=60, blank=True)
    short_name_en = models.CharField("英文简称", max_length=60, blank=True)

    english_fields = ("name", "short_name")

    objects = ProvinceManager()

    class Meta:
        verbose_name = "省级行政区"
        verbose_name_plural = "省级行政区"
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:province_detail", args=[self.slug])

    def natural_key(self):
        return (self.code,)
