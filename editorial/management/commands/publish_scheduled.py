"""Publish changes approved for a time that has come.

Not needed for the site to be right: the first page request after the time publishes them.
Run it from cron (every minute) to publish on time even when nobody visits.
"""

from django.core.management.base import BaseCommand

from editorial.workflow import publish_due


class Command(BaseCommand):
    help = "发布已批准且到了定时发布时间的修改。"

    def handle(self, *args, **options):
        count = publish_due()
        self.stdout.write(f"已发布 {count} 项定时修改。")
