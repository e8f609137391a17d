from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from doanvien.accounts.models import User
from doanvien.demo.load import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load the invented demo province and its demo logins (demo mode only), once."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, seed: int, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "The demo data and its logins exist only in demo mode (DEMO_MODE=1)."
            )
        if User.objects.filter(is_demo=True).exists():
            self.stdout.write("The demo data is already loaded.")
        else:
            counts = load_demo(seed=seed)
            self.stdout.write(
                f"Loaded the demo province: {counts['units']} units, {counts['members']} members, "
                f"{counts['registrations']} training registrations."
            )
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username in DEMO_USERS:
            self.stdout.write(f"  {username}")
        self.stdout.write("Open http://127.0.0.1:8000/")
