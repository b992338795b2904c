"""derivcheck's version (a leaf module: `derivcheck --version` reads it without importing the checker).

pyproject.toml states the same number; tests/commands check that the two agree."""

VERSION = "0.1.0"
