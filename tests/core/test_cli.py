"""The command line builds only the parser of the command it runs; the map that says which
module adds which command must agree with what the modules register."""

import collections

import pytest

from meshutaf import cli


def test_every_command_is_owned_by_the_module_that_adds_it():
    _, runners = cli.build_parser()
    registered = collections.defaultdict(set)
    for command, run in runners.items():
        registered[run.__module__].add(command)
    owners = collections.defaultdict(set)
    for command, module in cli.COMMAND_OWNERS.items():
        owners[module].add(command)
    assert registered == owners


@pytest.mark.parametrize("command", sorted(cli.COMMAND_OWNERS))
def test_a_named_command_builds_its_own_parser_only(command):
    _, runners = cli.build_parser(command)
    assert command in runners
    assert {run.__module__ for run in runners.values()} == {cli.COMMAND_OWNERS[command]}


def test_the_command_is_found_among_the_arguments():
    assert cli._command_named(["deliberation", "analyze", "--json"]) == "deliberation"
    assert cli._command_named(["--help"]) is None
    assert cli._command_named(["no-such-command"]) is None
    assert cli._command_named([]) is None


def test_pure_commands_are_recognised():
    assert cli._pure(["deliberation", "analyze", "--polis-dir", "x"])
    assert cli._pure(["deliberation", "--json", "analyze"])
    assert not cli._pure(["deliberation", "import", "--polis-dir", "x"])
    assert not cli._pure(["serve"])


def test_analyze_runs_without_the_site_loaded(tmp_path):
    """In a fresh process `deliberation analyze` runs on the minimal configuration: it must
    still work, speak the user's language, and load no app of the site."""
    import json
    import os
    import subprocess
    import sys

    lines = ["timestamp,datetime,comment-id,voter-id,vote"]
    for voter in range(20):
        for comment in range(1, 5):
            lines.append(f"{voter * 10 + comment},x,{comment},{voter},{1 if voter % 2 else -1}")
    (tmp_path / "votes.csv").write_text("\n".join(lines) + "\n")
    env = {**os.environ, "MESHUTAF_LANGUAGE": "en", "MESHUTAF_DATA_DIR": str(tmp_path / "data")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    probe = (
        "import sys, runpy; sys.argv = ['meshutaf'] + sys.argv[1:];"
        "from meshutaf import cli; code = cli.main();"
        "loaded = sorted(m for m in sys.modules if m.endswith('.models') and 'meshutaf' in m);"
        "print('MODELS', loaded, file=sys.stderr); sys.exit(code)"
    )
    command = [sys.executable, "-c", probe, "deliberation", "analyze", "--polis-dir"]
    done = subprocess.run(  # noqa: S603
        [*command, str(tmp_path), "--json"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["method"] == "replay"
    assert len({g for g in result["participants"].values() if g is not None}) == 2
    assert "MODELS []" in done.stderr
    missing = subprocess.run(  # noqa: S603
        [*command, str(tmp_path / "nowhere")], env=env, capture_output=True, text=True, timeout=300
    )
    assert missing.returncode == 2
    assert "is not a directory" in missing.stderr
