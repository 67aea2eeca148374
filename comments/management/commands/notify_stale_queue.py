"""Remind moderators of comments waiting too long: run it from a scheduler,
every hour for example. Each moderator gets at most one email a run, naming
only comments they have not been told of before. How long is too long is
the NOTIFY_STALE_QUEUE_HOURS setting (LDNFORUM_STALE_QUEUE_HOURS)."""

from django.core.management.base import BaseCommand

from comments import notifications


class Command(BaseCommand):
    help = "Email moderators about comments waiting too long for moderation."

    def handle(self, *args, **options):
        count = notifications.notify_stale_queue()
        plural = "s" if count != 1 else ""
        self.stdout.write(f"Reminded {count} moderator{plural} of waiting comments.")
