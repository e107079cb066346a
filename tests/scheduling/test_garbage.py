"""The command line answers any file with a schedule or a one-line error (exit 2), never a
traceback: generated garbage, and valid instances with one part replaced by garbage."""

import contextlib
import io
import json

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from matchmaking.scheduling import instance_from_dict
from matchmaking.scheduling.__main__ import main
from matchmaking.scheduling.greedy import result_for

from .test_cli import INSTANCE
from .test_properties import assert_valid

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5)
    | st.sampled_from(["s1", "s2", "A", "B", "C", "D", "r1", ""]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


# Values that often make a valid instance again: the damage that slips through.
plausible = st.sampled_from(["s1", "s2", "A", "B", "C", "D", 0, 1, 2, None, [], ["s1"]])


def paths(data, prefix=()):
    """Every place in a JSON document a value could be swapped for another."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, (*prefix, index))


ALL_PATHS = list(paths(INSTANCE))[1:]


@st.composite
def damaged(draw, values, most=3):
    data = json.loads(json.dumps(INSTANCE))
    for _ in range(draw(st.integers(1, most))):
        *parents, last = draw(st.sampled_from(ALL_PATHS))
        target = data
        try:
            for key in parents:
                target = target[key]
            if draw(st.booleans()) and isinstance(target, dict):
                target.pop(last, None)
            else:
                target[last] = draw(values)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier change removed or replaced this part
    return data


documents = (
    json_values.map(json.dumps)
    | damaged(plausible | json_values).map(json.dumps)
    | damaged(plausible, most=1).map(json.dumps)
    | st.just(json.dumps(INSTANCE))
    | st.text(max_size=30)
    | st.binary(max_size=30).map(lambda b: b.decode("latin-1"))
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    documents,
    st.sampled_from(
        [["--greedy"], ["--time-limit", "0.2"], ["--allow-moves", "--time-limit", "0.2"]]
    ),
)
def test_any_file_gets_a_schedule_or_a_one_line_error(tmp_path_factory, text, options):
    path = tmp_path_factory.mktemp("garbage") / "instance.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main([str(path), *options])
    event(f"exit {code}")
    if code == 2:
        assert stdout.getvalue() == ""
        (line,) = stderr.getvalue().splitlines()
        assert line.startswith("error: ")
        return
    assert code == 0, stderr.getvalue()
    instance = instance_from_dict(json.loads(text))
    output = json.loads(stdout.getvalue())
    placements = {r: o["slot"] for r, o in output["requests"].items() if "slot" in o}
    result = result_for(instance, placements, upper_bound=output["upper_bound"], optimal=False)
    assert_valid(instance, result, moves_allowed="--allow-moves" in options)
