"""Push the event feed to every webhook that is due.

    python manage.py deliver_webhooks [--rounds 10]

Run it every minute from cron (or the scheduled-jobs command). Each round sends each due webhook its next batch
of up to 100 events; a webhook with more waiting gets another batch in the next round. Failed deliveries wait
(1, 2, 4 ... minutes, at most 6 hours) and are retried on a later run. Safe to run again, or twice at once: a
webhook's cursor only moves on when its endpoint has answered 2xx, and receivers de-duplicate by event id.
"""

from django.core.management.base import BaseCommand

from selfdirect.api.models import Webhook
from selfdirect.api.webhooks import webhook_deliver
from selfdirect.core.progress import Progress


class Command(BaseCommand):
    help = "Deliver the event feed to webhooks that are due (retrying failed ones with back-off)."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=10, help="Batches to send each webhook at most")

    def handle(self, *args, rounds: int, **options):
        webhooks = list(Webhook.objects.filter(is_active=True).select_related("token__user"))
        counts: dict[str, int] = {}
        with Progress(total=len(webhooks), label="Delivering webhooks", stream=self.stderr) as bar:
            for webhook in webhooks:
                for _ in range(max(rounds, 1)):
                    outcome = webhook_deliver(webhook=webhook)
                    counts[outcome] = counts.get(outcome, 0) + 1
                    if outcome != "sent":
                        break
                bar.advance(1)
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "no webhooks"
        self.stdout.write(f"Webhooks: {summary}")
