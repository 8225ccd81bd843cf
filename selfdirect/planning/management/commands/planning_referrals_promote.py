from django.core.management.base import BaseCommand

from selfdirect.planning.referral_services import planning_referral_promote


class Command(BaseCommand):
    help = "Take queued support-planning referrals on into this month's free places, in the order they came."

    def handle(self, *args, **options):
        self.stdout.write(f"{planning_referral_promote()} referrals taken on")
