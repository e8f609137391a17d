"""Where a job keeps its files: one folder per job under settings.JOB_FILES_DIR. Output is
written to a temporary name and renamed when complete, so a job killed halfway leaves no
half-written file behind."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

INPUT = "input"
OUTPUT = "output"


def folder(job) -> Path:
    return Path(settings.JOB_FILES_DIR) / str(job.pk)


def input_path(job) -> Path | None:
    found = sorted(folder(job).glob(f"{INPUT}.*"))
    return found[0] if found else None


def output_path(job) -> Path | None:
    found = [p for p in folder(job).glob(f"{OUTPUT}.*") if not p.name.endswith(".part")]
    return found[0] if found else None


def save_input(job, uploaded, suffix: str) -> Path:
    path = folder(job) / f"{INPUT}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return path


@contextmanager
def writing_output(job, suffix: str) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it becomes the job's output."""
    final = folder(job) / f"{OUTPUT}{suffix}"
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_name(final.name + ".part")
    try:
        yield part
        os.replace(part, final)
    finally:
        part.unlink(missing_ok=True)


def clear_output(job) -> None:
    for p in folder(job).glob(f"{OUTPUT}.*"):
        p.unlink(missing_ok=True)


def remove(job) -> None:
    shutil.rmtree(folder(job), ignore_errors=True)
