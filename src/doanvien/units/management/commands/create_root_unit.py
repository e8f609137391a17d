from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from doanvien.units.models import Level, Unit
from doanvien.units.services import unit_create


class Command(BaseCommand):
    help = "Create a top unit of the tree (e.g. the central union, or a province for a pilot)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--code", required=True)
        parser.add_argument("--level", default="central", help="level code (central, province…)")

    def handle(self, *args, name: str, code: str, level: str, **options):
        try:
            level_obj = Level.objects.get(code=level)
        except Level.DoesNotExist:
            codes = ", ".join(Level.objects.values_list("code", flat=True))
            raise CommandError(f"Unknown level {level!r}; the levels are: {codes}") from None
        try:
            unit = unit_create(
                actor=None, parent=None, name=name, code=code, level=level_obj, kind=Unit.Kind.UNION
            )
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        self.stdout.write(f"Created {unit.name} ({unit.code}), id {unit.pk}.")
