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
