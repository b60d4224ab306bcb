"""The shared fixtures live in `tests/support/fixtures.py`; every test folder gets them."""

pytest_plugins = ["tests.support.fixtures"]
