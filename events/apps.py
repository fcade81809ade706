from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "职业能力建设大事记"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        self.register_versions()
        self.watch_for_page_changes()
        from skillsite.sites import apply_site_domain

        # After the sites app made its default record (it comes first in INSTALLED_APPS).
        post_migrate.connect(apply_site_domain, sender=self, dispatch_uid="skillsite-site-domain")

    def register_versions(self):
        """Every kind of content is versioned; children are reviewed with their item."""
        from editorial import registry
        from editorial.signals import item_published

        from . import models
        from .slugs import keep_old_addresses

        registry.register(models.Event, children=["milestones", "key_figures"])
        registry.register(models.Milestone, parent="event")
        registry.register(models.KeyFigure, parent="event")
        registry.register(models.Award, children=["recipients"])
        registry.register(models.AwardRecipient, parent="award")
        for item in (
            models.Edition,
            models.TrainingBaseBatch,
            models.TrainingBase,
            models.Province,
            models.Category,
            models.SourceArticle,
            models.TrainingBaseKind,
            models.Sector,
        ):
            registry.register(item)
        item_published.connect(keep_old_addresses, dispatch_uid="events-keep-old-addresses")

    def watch_for_page_changes(self):
        from editorial.models import ChangeRequest

        from .content_version import invalidate_on_change
        from .models import StagedImport

        # Anything a public page can show: our content, redirects, the site's name. Uploads
        # waiting in the import page are not content.
        watched = [
            *(model for model in self.get_models() if model is not StagedImport),
            apps.get_model("redirects", "Redirect"),
            apps.get_model("sites", "Site"),
            # A change approved for a later time changes when pages next go stale.
            ChangeRequest,
        ]
        for model in watched:
            post_save.connect(
                invalidate_on_change, sender=model, dispatch_uid=f"page-cache-save-{model._meta.label}"
            )
            post_delete.connect(
                invalidate_on_change, sender=model, dispatch_uid=f"page-cache-delete-{model._meta.label}"
            )
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    invalidate_on_change,
                    sender=field.remote_field.through,
                    dispatch_uid=f"page-cache-m2m-{field.remote_field.through._meta.label}",
                )
