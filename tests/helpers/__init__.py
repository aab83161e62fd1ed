"""Shared test helpers, each a pytest plugin (registered in tests/conftest.py) with its fixtures."""
