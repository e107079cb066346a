import json
import subprocess
import sys
from pathlib import Path

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
    done = run(write(tmp_path, INSTANCE), "--time-limit", "2")
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
