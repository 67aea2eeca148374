"""Send the daily digests: run once a day from a scheduler (cron, a systemd
timer). Each member gets at most one digest of each kind, with the comments
gathered since their last one; no comment is in two digests."""

from django.core.management.base import BaseCommand

from comments import notifications


class Command(BaseCommand):
    help = "Send the daily digests of new comments (authors and followers)."

    def handle(self, *args, **options):
        count = notifications.send_digests()
        self.stdout.write(f"Enqueued {count} digest{'s' if count != 1 else ''}.")
