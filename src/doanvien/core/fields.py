"""Field types with a meaning the rest of the product relies on."""

from django.apps import apps
from django.db import models


class TreePathField(models.CharField):
    """A copy of a unit's materialized path (the unit itself, or the branch a row belongs to), so
    that subtree filters need no join. Declaring a copy with this type is all a model needs for
    unit moves: `units.services.unit_move` rewrites every field of this type in every model.

    The column is a plain varchar: migrations see a CharField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


def tree_path_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every tree-path copy in the installed apps."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, TreePathField)
    ]


class ImportIdField(models.UUIDField):
    """The import (or other large write made in short transactions) that wrote the row, when
    one did: if the import cannot be finished, every row of every model carrying a field of
    this type with its id is deleted with the rest of what it wrote (core/import_tags.py,
    core/spreadsheets/importing.py: undo_import). The services set it from the import being
    written (`import_tags.current()`); a model declares a partial index on it.

    The column is a plain uuid: migrations see a UUIDField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.UUIDField", args, kwargs


def import_id_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every import tag in the installed apps."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, ImportIdField)
    ]
