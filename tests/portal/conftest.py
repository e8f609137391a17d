from ..training.conftest import framework, items  # noqa: F401  (fixtures shared with training)
