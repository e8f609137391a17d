"""Reads of the tree that pages share."""

from .models import Unit


def parent_names(units) -> dict[str, str]:
    """The name of each unit's parent, by the parent's path."""
    paths = {u.path[: -Unit.steplen] for u in units}
    return dict(Unit.objects.filter(path__in=paths).values_list("path", "name"))
