"""Which views may read the replica: the router's choice for every URL of the site and the API,
written out here, so that a page cannot start reading data a second behind without this list
changing with it (core/replica.py READS_MAY_LAG)."""

from django.urls import URLPattern, URLResolver, get_resolver

from doanvien.core import replica

# The reports and the progress of the units above the branches, and their exports. Everything
# else reads the primary.
MAY_LAG = {
    "reports:unit-report",
    "reports:unit-report-print",
    "reports:unit-report-xlsx",
    "reports:unit-report-pdf",
    "reports:unit-report-subtree",
    "reports:unit-movements",
    "reports:unit-movements-xlsx",
    "reports:unit-movement-list",
    "training:training-progress",
    "training:training-late",
    "api:unit_report",
    "api:unit_report_xlsx",
    "api:unit_report_pdf",
    "api:unit_progress",
    "api:unit_late",
}


def view_names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from view_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_the_router_s_choice_for_every_view_is_the_listed_one():
    names = set(view_names())
    choice = {name: name in replica.READS_MAY_LAG for name in names}
    assert {name for name, lag in choice.items() if lag} == MAY_LAG
    assert len(names) > 100 and sum(choice.values()) == len(MAY_LAG)


def test_every_view_named_for_the_replica_exists():
    assert set(view_names()) >= replica.READS_MAY_LAG


def test_without_a_replica_every_read_goes_to_the_primary(settings):
    assert "replica" not in settings.DATABASES
    token = replica._may_lag.set(True)
    try:
        assert replica.ReplicaRouter().db_for_read(None) == "default"
    finally:
        replica._may_lag.reset(token)
    assert replica.ReplicaRouter().allow_migrate("replica", "members") is False
