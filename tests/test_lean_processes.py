"""A web process and a mail worker never load the optimiser's libraries.

OR-Tools (with NumPy and pandas) is only imported where a schedule is planned; loading it
in every web and worker process would cost each of them memory for nothing
(docs/performance.md has the figures).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEAVY = ("ortools", "numpy", "pandas", "scipy")

# Everything a web process and a worker import at start-up: the WSGI application (settings,
# every app, the admin), every URL's view, the admin's registered pages and the tasks.
CODE = """
import json, sys
from innohealth.wsgi import application
from django.contrib import admin
from django.urls import get_resolver
from innohealth.celery import app

def walk(patterns):
    for pattern in patterns:
        walk(getattr(pattern, "url_patterns", ()))

walk(get_resolver().url_patterns)
admin.site.get_urls()
app.loader.import_default_modules()
assert "matchmaking.tasks" in sys.modules and "matchmaking.admin.scheduling" in sys.modules
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_web_and_worker_processes_do_not_load_the_optimiser():
    done = subprocess.run(
        [sys.executable, "-c", CODE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "innohealth.settings"},
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "django" in loaded and "celery" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_planning_loads_the_solvers_when_it_needs_them():
    code = """
import sys
from matchmaking.scheduling import Instance, Participant, Request, Slot
from matchmaking.scheduling.optimiser import optimise
slots = (Slot("s1", 0, 0), Slot("s2", 0, 1))
both = {"s1", "s2"}
people = (Participant("A", both), Participant("B", {"s1"}), Participant("C", both))
instance = Instance(slots, people, (Request("r1", ("A", "C")), Request("r2", ("B", "C"))))
assert optimise(instance, time_limit=2).placed == 2
print("ortools" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "True", done.stderr
