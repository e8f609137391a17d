"""Hostile files through the real worker (tests/hostile.py makes them): each fails its own
import with a clear message, the worker goes on to the next job, and neither it nor the child
that reads a file grows large. A file that needs more than the reading budget fails its job,
not the worker."""

import logging
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from doanvien.core.spreadsheets import parsing
from doanvien.jobs import services
from doanvien.jobs.models import Job

from .. import hostile

# The real worker closes connections between tasks: these tests commit what it reads.
pytestmark = pytest.mark.django_db(transaction=True)

FILES = Path(__file__).parent.parent / "members" / "import_files"
MB = 1024  # in KB, as /proc tells memory


def _memory_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(f"{field}:"))


def import_job(world, path: Path) -> Job:
    with translation.override("en"):
        return services.job_start(
            actor=world.base_cadre,
            kind=Job.Kind.MEMBERS_IMPORT,
            unit=world.base,
            upload=SimpleUploadedFile(path.name, path.read_bytes()),
        )


def test_every_hostile_file_fails_its_own_job_and_the_worker_goes_on(
    world, hostile_files, run_worker, caplog
):
    caplog.set_level(logging.INFO, logger=parsing.__name__)
    jobs = {kind: import_job(world, path) for kind, path in hostile_files.items()}
    good = import_job(world, FILES / "good.xlsx")  # queued last: the worker must reach it
    Path("/proc/self/clear_refs").write_text("5")
    before = _memory_kb("VmRSS")
    run_worker()  # one worker, one run, every job
    # The worker (this process) stayed small, and so did each child that read a file.
    assert _memory_kb("VmHWM") - before < 100 * MB
    children = [r.usage for r in caplog.records if hasattr(r, "usage")]
    assert children and all(usage.most_kb < 500 * MB for usage in children), children
    for kind, job in jobs.items():
        job.refresh_from_db()
        assert (job.state, job.attempts) == (Job.State.INVALID, 1), kind
        assert [e["message"] for e in job.errors] == [
            hostile.KINDS[kind][1](hostile_files[kind])
        ], kind
    good.refresh_from_db()
    assert good.state == Job.State.AWAITING_CONFIRMATION
    assert not Job.objects.filter(state=Job.State.RUNNING).exists()


def test_a_file_over_the_reading_budget_fails_its_job_not_the_worker(
    world, tmp_path, settings, run_worker
):
    settings.IMPORT_PARSE_MEMORY_MB = 128
    # The reader keeps every empty cell of a sheet it reads: 150,000 × 52 of them, 260 MB.
    wide = import_job(world, hostile.sparse_xlsx(tmp_path / "wide.xlsx", "AZ150000", sheets=5))
    good = import_job(world, FILES / "good.xlsx")
    run_worker()
    wide.refresh_from_db()
    good.refresh_from_db()
    assert wide.state == Job.State.INVALID
    assert wide.errors[0]["message"].startswith("Reading the file needed more than the 128.0")
    assert good.state == Job.State.AWAITING_CONFIRMATION
