import pytest
from django.core.management import call_command


@pytest.fixture
def run_worker():
    """Run the real task worker over what is queued, in this process, then stop."""

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    return run
