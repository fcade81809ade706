from django.contrib import admin

from . import models

for model in (
    models.Province,
    models.Category,
    models.SourceArticle,
    models.Event,
    models.Milestone,
    models.KeyFigure,
    models.Award,
    models.AwardRecipient,
    models.TrainingBaseKind,
    models.Sector,
    models.TrainingBaseBatch,
    models.TrainingBase,
):
    admin.site.register(model)
