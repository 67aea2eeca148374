"""Remind moderators of comments waiting too long: run it from a scheduler,
every hour for example. Each moderator gets at most one email a run, naming
only comments they have not been told of before."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comments import notifications


class Command(BaseCommand):
    help = "Email moderators about comments pending longer than a given age."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=float,
            default=None,
            help=(
                "How long a comment may wait before moderators hear of it "
                f"(default: {settings.NOTIFY_STALE_QUEUE_HOURS:g}, from "
                "LDNFORUM_STALE_QUEUE_HOURS)."
            ),
        )

    def handle(self, *args, hours=None, **options):
        if hours is not None and hours <= 0:
            raise CommandError("--hours must be more than 0.")
        count = notifications.notify_stale_queue(hours=hours)
        plural = "s" if count != 1 else ""
        self.stdout.write(f"Reminded {count} moderator{plural} of waiting comments.")
