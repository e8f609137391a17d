from ..training.conftest import framework  # noqa: F401  (the shipped default framework)
