"""django-import-export as the project installs it (INSTALLED_APPS names this config).

import-export checks at import which formats tablib can write, which imports openpyxl, and
openpyxl imports NumPy whenever it is installed (it is, for the optimiser only), costing every
web process and mail worker memory for nothing (tests/test_lean_processes.py). This module is
imported while Django reads its apps, before any admin module: it loads openpyxl once with NumPy
hidden, so openpyxl's check finds none. Exports and imports never hand openpyxl NumPy values.
"""

import sys

from django.apps import AppConfig


def _openpyxl_without_numpy() -> None:
    if "numpy" in sys.modules or "openpyxl" in sys.modules:
        return  # the optimiser's process, or openpyxl already loaded: nothing to spare
    sys.modules["numpy"] = None  # `import numpy` raises ImportError while this is set
    try:
        import openpyxl.compat.numbers  # noqa: F401
    finally:
        del sys.modules["numpy"]


_openpyxl_without_numpy()


class ImportExportConfig(AppConfig):
    name = "import_export"
    verbose_name = "django-import-export"
