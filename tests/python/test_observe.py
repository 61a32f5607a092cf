"""Observe mode through the API: observe=True reports, never blocks, and never
weakens a stacked enforcing policy.  Each case runs in a fresh interpreter."""


def test_observe_alone_reports_and_lets_through(probe):
    out = probe(
        """
        import os, hermetic
        os.system("true")
        return [tuple(v) for v in hermetic.violations()]
        """,
        observe=True,
        block_subprocess=True,
    )
    line = "[hermetic] would block subprocess reason=no-subprocess"
    out.assert_result(
        [("subprocess", "os.system", "subprocess disabled: os.system", line, True)]
    )
    assert out.trace == [line]


def test_enforcing_policy_outside_still_blocks(probe):
    out = probe(
        """
        import socket
        from hermetic import hermetic_blocker
        with hermetic_blocker(observe=True, block_network=True):
            socket.getaddrinfo("example.com", 80)
        """,
        setup="""
        from hermetic import hermetic_blocker
        hermetic_blocker(block_network=True).__enter__()
        """,
    )
    out.assert_blocked("network", "example.com", "network disabled: DNS(example.com)")
    assert out.trace == [], "an enforced block traces only with trace on"


def test_observer_reports_what_the_enforcer_allows(probe):
    out = probe(
        """
        import socket, hermetic
        from hermetic import hermetic_blocker
        with hermetic_blocker(observe=True, block_network=True, trace=True):
            try:
                socket.getaddrinfo("allowed.invalid", 80)
            except socket.gaierror:
                pass
            socket.getaddrinfo("other.invalid", 80)
        """,
        block_network=True,
        allow_domains=["allowed.invalid"],
    )
    out.assert_blocked(
        "network", "other.invalid", "network disabled: DNS(other.invalid)"
    )
    assert out.trace == [
        "[hermetic] would block socket.getaddrinfo host=allowed.invalid reason=no-network",
        "[hermetic] blocked socket.getaddrinfo host=other.invalid reason=no-network",
    ]


def test_observe_hides_no_variable(probe):
    out = probe(
        """
        import os, hermetic
        return os.environ["OBSERVED_SECRET"], hermetic.violations(would_block=True)[0].trace
        """,
        env={"OBSERVED_SECRET": "s3"},
        observe=True,
        block_environment=True,
    )
    out.assert_result(
        (
            "s3",
            "[hermetic] would block environment read name=OBSERVED_SECRET "
            "reason=no-environment",
        )
    )


def test_observe_removes_no_module(probe):
    out = probe(
        """
        import sys, importlib
        import hermetic
        importlib.import_module("csv")
        return "json" in sys.modules, [v.target for v in hermetic.violations()]
        """,
        setup="import json",
        observe=True,
        deny_imports=["json", "csv"],
    )
    out.assert_result((True, ["csv"]))


def test_violations_filter(probe):
    out = probe(
        """
        import os, hermetic
        from hermetic import hermetic_blocker
        os.system("true")
        with hermetic_blocker(block_subprocess=True):
            try:
                os.system("true")
            except PermissionError:
                pass
        return (
            [v.would_block for v in hermetic.violations()],
            len(hermetic.violations(would_block=True)),
            len(hermetic.violations(would_block=False)),
        )
        """,
        observe=True,
        block_subprocess=True,
    )
    out.assert_result(([True, False], 1, 1))


def test_observe_travels_to_children(probe):
    out = probe(
        """
        import json, os, subprocess, sys
        code = "import os; print(os.environ['HERMETIC_FLAGS_JSON'])"
        flags = subprocess.run([sys.executable, "-c", code], capture_output=True,
                               text=True, check=True).stdout
        return [p["observe"] for p in json.loads(flags)["stack"]]
        """,
        observe=True,
        block_network=True,
    )
    out.assert_result([True])


def test_observe_is_a_policy_field(run_py):
    proc = run_py(
        "from hermetic import _core\n"
        "print(('observe', '--observe', 'bool') in _core.FIELDS)\n"
        "print('\"observe\":true' in _core.Policy(observe=True).to_json())"
    )
    assert proc.stdout.split() == ["True", "True"], proc.stderr
