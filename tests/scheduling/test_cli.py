import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.instances import SHAPES, generate
from matchmaking.scheduling import first_free
from matchmaking.scheduling.greedy import result_for

from .test_properties import assert_valid

ROOT = Path(__file__).resolve().parents[2]

INSTANCE = {
    "slots": [{"id": "s1", "day": 0, "index": 0}, {"id": "s2", "day": 0, "index": 1}],
    "participants": [
        {"id": "A", "available": ["s1", "s2"]},
        {"id": "B", "available": ["s1"]},
        {"id": "C", "available": ["s1", "s2"]},
        {"id": "D", "available": ["s2"]},
    ],
    "requests": [
        {"id": "r1", "parties": ["A", "C"], "preferred": [], "locked": None},
        {"id": "r2", "parties": ["B", "C"]},
        {"id": "r3", "parties": ["B", "D"]},
    ],
}


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "matchmaking.scheduling", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def write(tmp_path, content):
    path = tmp_path / "instance.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_cli_prints_the_schedule(tmp_path):
    done = run(write(tmp_path, INSTANCE), "--time-limit", "30")
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert output["requests"]["r1"] == {"slot": "s2"}
    assert output["requests"]["r2"] == {"slot": "s1"}
    assert output["requests"]["r3"]["reason"] == "no_common_slot"
    assert output["requests"]["r3"]["explanation"]
    assert (output["placed"], output["upper_bound"], output["optimal"]) == (2, 2, True)
    assert output["runtime_seconds"] >= 0


def test_cli_greedy(tmp_path):
    done = run(write(tmp_path, INSTANCE), "--greedy")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["requests"]["r2"]["reason"] == "common_slots_taken"


def bad_input(tmp_path, path):
    done = run(path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    return done.stderr


def test_cli_missing_file(tmp_path):
    assert "cannot read the file" in bad_input(tmp_path, tmp_path / "missing.json")


def test_cli_invalid_json(tmp_path):
    assert "not valid JSON" in bad_input(tmp_path, write(tmp_path, "{nope"))


def test_cli_invalid_instance(tmp_path):
    broken = {**INSTANCE, "requests": [{"id": "r", "parties": ["A", "A"]}]}
    message = bad_input(tmp_path, write(tmp_path, broken))
    assert "same participant 'A' on both sides" in message


@pytest.mark.parametrize("limit", ["-1", "nan", "inf", "-inf", "1e9", "ten"])
def test_cli_refuses_a_bad_time_limit(tmp_path, limit):
    done = run(write(tmp_path, INSTANCE), "--time-limit", limit)
    assert done.returncode == 2
    assert "--time-limit" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"slots": [{"id": "s", "day": 1' + "0" * 5000 + "}]}", "not usable JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (
            json.dumps(
                {**INSTANCE, "slots": [*INSTANCE["slots"], {"id": "s3", "day": 0, "index": 1}]}
            ),
            "'s2' and 's3' are both day 0, index 1",
        ),
        (
            json.dumps({**INSTANCE, "slots": [{"id": "s1", "day": 0.5, "index": 0}]}),
            "slots[0].day: expected a whole number, got the number 0.5.",
        ),
    ],
)
def test_cli_explains_unusable_files(tmp_path, content, message):
    path = tmp_path / "instance.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert message in bad_input(tmp_path, path)


def test_cli_keeps_an_earlier_schedule_when_re_planning(tmp_path):
    first = run(write(tmp_path, INSTANCE), "--time-limit", "30")
    earlier = tmp_path / "earlier.json"
    earlier.write_text(first.stdout)
    # r2's meeting is cancelled (its request withdrawn) and a new request A-B is accepted.
    changed = {
        **INSTANCE,
        "requests": [INSTANCE["requests"][0], {"id": "r4", "parties": ["A", "B"]}],
    }
    done = run(write(tmp_path, changed), "--keep", earlier, "--time-limit", "30")
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert output["requests"]["r1"] == {"slot": "s2"}
    assert output["requests"]["r4"] == {"slot": "s1"}
    assert output["moved"] == []


def test_cli_refuses_an_earlier_schedule_it_cannot_read(tmp_path):
    earlier = tmp_path / "earlier.json"
    earlier.write_text(json.dumps({"requests": {"r1": {"slot": 3}}}))
    done = run(write(tmp_path, INSTANCE), "--keep", earlier)
    assert done.returncode == 2
    assert "requests['r1'].slot: expected a slot id" in done.stderr


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_ends_the_run_with_the_best_schedule_so_far(tmp_path, signal_number):
    # An instance whose bound is out of reach (L seed 24: 6,542 of 6,546, docs/performance-
    # scheduling.md), so the run is still searching when the signal comes: the multithreaded
    # search proved M seed 2 optimal anywhere from under 5 s to 12 s, and then ends before it.
    instance = generate(SHAPES["L"], seed=24)
    path = write(tmp_path, instance.to_dict())
    process = subprocess.Popen(
        [sys.executable, "-m", "matchmaking.scheduling", str(path), "--time-limit", "120"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Long enough for the run to be in the middle of its work, far from its limit.
    time.sleep(5)
    process.send_signal(signal_number)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 3, stderr
    output = json.loads(stdout)
    assert output["interrupted"] is True
    assert output["signal"] == signal.Signals(signal_number).name
    assert output["runtime_seconds"] < 60
    placements = {r: o["slot"] for r, o in output["requests"].items() if "slot" in o}
    assert len(placements) == output["placed"] >= first_free(instance).placed
    assert_valid(
        instance, result_for(instance, placements, upper_bound=output["upper_bound"], optimal=False)
    )
