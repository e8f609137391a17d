"""The recognising unit's queue read as one filter (selectors.recognised_here) agrees with
access.recogniser_of, evaluation by evaluation, whatever level the scheme names: none, one on
the way, one missing from the tree, and a tree with a unit of the named level below another."""

import pytest

from doanvien.evaluations.access import recogniser_of
from doanvien.evaluations.models import Evaluation, Scheme
from doanvien.evaluations.selectors import queue, waiting
from doanvien.units.models import Unit
from tests.factories import make_unit

from .conftest import YEAR, submitted


@pytest.mark.parametrize("level", ["", "base", "district", "province", "ward"])
def test_the_queue_holds_what_recogniser_of_names(world, level):
    # A district-level cluster inside the district, with its own base union and branch.
    cluster = make_unit(world.district, level="district")
    cluster_base = make_unit(cluster, level="base")
    cluster_branch = make_unit(cluster_base)
    branch_of_cluster = make_unit(cluster)  # a branch directly under the cluster
    Scheme.objects.update(requires_all_branches_strong=False)
    for branch in (world.branch, world.branch2, world.other_branch, cluster_branch):
        submitted(branch)
    submitted(branch_of_cluster)
    submitted(world.base, code="three_proactive")
    submitted(cluster_base, code="three_proactive")
    Scheme.objects.update(recogniser_level=level)

    evaluations = list(Evaluation.objects.select_related("unit", "scheme"))
    expected: dict[int, set[int]] = {}
    for e in evaluations:
        expected.setdefault(recogniser_of(e.unit, e.scheme).pk, set()).add(e.pk)
    for unit in Unit.objects.select_related("level"):
        assert {e.pk for e in queue(unit, YEAR)} == expected.get(unit.pk, set()), unit.name
        assert waiting(unit).filter(year=YEAR).count() == len(expected.get(unit.pk, ()))
        assert queue(unit, YEAR + 1) == []
