from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import ImportIdField


class AuditEvent(models.Model):
    """Who did what to which object, when, and what changed (field: [before, after])."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # audit_actor_newest below leads with it
    )
    action = models.CharField(_("action"), max_length=40)
    target_type = models.CharField(_("object type"), max_length=20)
    target_id = models.BigIntegerField(_("object id"))
    # The unit the event belongs to, by id, so that history is scoped like everything else
    # (the subtree's units by their paths today) and a unit move rewrites no event.
    unit = models.ForeignKey(
        "units.Unit",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # audit_unit_newest below leads with it
        related_name="+",
    )
    # Where that unit stood in the tree when the event was written: history, never rewritten.
    unit_path = models.CharField(max_length=255, blank=True, default="")
    # No personal data: the name of the person an event is about is written as PERSON and
    # shown from his record; the values it changed of his are kept apart (AuditPersonal), so
    # that an erasure removes them and no event changes (core/audit.py).
    summary = models.CharField(_("summary"), max_length=300, blank=True, default="")
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # The person the event is about (a member, a youth, a candidate for admission), if any.
    person_type = models.CharField(max_length=20, blank=True, default="")
    person_id = models.BigIntegerField(null=True, blank=True)
    # The import that wrote it, if one did: an import that cannot be finished takes its events
    # back with its rows (core/spreadsheets/importing.py: undo_import).
    import_id = ImportIdField()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"]),
            # A subtree's trail, newest first, a page at a time (keyset on the id).
            models.Index(fields=["unit", "-id"], name="audit_unit_newest"),
            # One person's events, newest first (the search by actor).
            models.Index(fields=["actor", "-id"], name="audit_actor_newest"),
            # An import's events, to take back if it cannot be finished: the rest has none.
            models.Index(
                fields=["import_id"],
                name="audit_import",
                condition=models.Q(import_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class AuditPersonal(models.Model):
    """The values of a person's record an event changed ([before, after] by field, as the
    event's own `changes` would hold them): apart from the event, so that erasing the person
    deletes this row and the event stays as it was written (its `changes` name the fields)."""

    event = models.OneToOneField(
        AuditEvent,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="personal",
    )
    person_type = models.CharField(max_length=20)
    person_id = models.BigIntegerField()
    changes = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["person_type", "person_id"], name="audit_personal_person")]

    def __str__(self) -> str:
        return f"{self.person_type}#{self.person_id} · {self.event_id}"


class Heartbeat(models.Model):
    """When a background process (the job worker, the roll-ups' folder) last said it was alive:
    `/readyz` reports each one's age (core/heartbeats.py)."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"


class ImportChunk(models.Model):
    """One chunk of an import being written (core/spreadsheets/importing.py): the import writes
    its rows a chunk at a time, each in a short transaction that also writes this row, which
    says how to undo the chunk (`undo_with`, a function's dotted path, called with `data`).
    Chunk 0, written with the first, names the import for the audit trail. The rows go in the
    transaction that finishes the import; if it cannot be finished, its chunks are undone, the
    last first, each in a transaction that deletes its row (undo_import), by the import itself
    or, after a worker died in the middle, when a worker starts."""

    import_id = models.UUIDField()
    seq = models.PositiveIntegerField()
    undo_with = models.CharField(max_length=200, blank=True, default="")
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["import_id", "seq"], name="import_chunk_once")
        ]

    def __str__(self) -> str:
        return f"{self.import_id} #{self.seq}"
