"""Filled in by the training pages."""

urlpatterns: list = []
