from tests.training.conftest import framework  # noqa: F401  (the shipped framework)
